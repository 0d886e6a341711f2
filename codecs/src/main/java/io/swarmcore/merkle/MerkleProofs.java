package io.swarmcore.merkle;

import java.util.ArrayList;
import java.util.List;

/**
 * Generates inclusion and consistency proofs (RFC 9162 §2.1.3.1 and §2.1.4.1) for any past tree
 * size, from stored perfect subtrees: O(log n) reads each.
 */
public final class MerkleProofs {
  private MerkleProofs() {}

  /** PATH(index, D[0:size]): the audit path of leaf {@code index} in the tree of {@code size}. */
  public static List<byte[]> inclusion(long index, long size, SubtreeSource source) {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException(
          "leaf index " + index + " is outside a tree of size " + size);
    }
    return subtreeInclusion(index, 0, size, source);
  }

  /** PATH(index - start, D[start:end]) for a valid subtree {@code [start, end)}. */
  public static List<byte[]> subtreeInclusion(
      long index, long start, long end, SubtreeSource source) {
    requireValid(start, end);
    if (index < start || index >= end) {
      throw new IllegalArgumentException(
          "leaf index " + index + " is outside the subtree [" + start + ", " + end + ")");
    }
    List<byte[]> path = new ArrayList<>();
    long lo = start;
    long hi = end;
    // Walk down from the root; siblings are collected top-down, the proof lists them bottom-up.
    List<byte[]> topDown = new ArrayList<>();
    while (hi - lo > 1) {
      long mid = lo + Subtrees.largestPowerOfTwoBelow(hi - lo);
      if (index < mid) {
        topDown.add(Subtrees.hash(mid, hi, source));
        hi = mid;
      } else {
        topDown.add(Subtrees.hash(lo, mid, source));
        lo = mid;
      }
    }
    for (int i = topDown.size() - 1; i >= 0; i--) {
      path.add(topDown.get(i));
    }
    return path;
  }

  /** PROOF(oldSize, D[0:newSize]) of RFC 9162 §2.1.4.1; empty when the sizes are equal. */
  public static List<byte[]> consistency(long oldSize, long newSize, SubtreeSource source) {
    if (oldSize < 0 || oldSize > newSize) {
      throw new IllegalArgumentException(
          "a consistency proof needs 0 <= old size <= new size, got "
              + oldSize
              + " and "
              + newSize);
    }
    if (oldSize == 0 || oldSize == newSize) {
      return List.of();
    }
    return subtreeConsistency(0, oldSize, newSize, source);
  }

  /**
   * SUBTREE_PROOF(start, end, D[0:size]): proves that the valid subtree {@code [start, end)} is
   * part of the tree of {@code size}. With {@code start = 0} this is exactly the RFC 9162
   * consistency proof; the general form (from the Merkle Tree Certificates drafts) proves a
   * checkpoint range of a larger tree.
   */
  public static List<byte[]> subtreeConsistency(
      long start, long end, long size, SubtreeSource source) {
    requireValid(start, end);
    if (end > size) {
      throw new IllegalArgumentException(
          "subtree [" + start + ", " + end + ") does not fit a tree of size " + size);
    }
    List<byte[]> proof = new ArrayList<>();
    subproof(start, end, 0, size, true, source, proof);
    return proof;
  }

  /** SUBTREE_SUBPROOF(start, end, D[lo:hi], known), in absolute leaf positions. */
  private static void subproof(
      long start,
      long end,
      long lo,
      long hi,
      boolean known,
      SubtreeSource source,
      List<byte[]> proof) {
    if (start == lo && end == hi) {
      if (!known) {
        proof.add(Subtrees.hash(lo, hi, source));
      }
      return;
    }
    long mid = lo + Subtrees.largestPowerOfTwoBelow(hi - lo);
    if (end <= mid) {
      subproof(start, end, lo, mid, known, source, proof);
      proof.add(Subtrees.hash(mid, hi, source));
    } else if (mid <= start) {
      subproof(start, end, mid, hi, known, source, proof);
      proof.add(Subtrees.hash(lo, mid, source));
    } else {
      // start < mid < end forces start == lo for a valid subtree: its left half is D[lo:mid].
      subproof(mid, end, mid, hi, false, source, proof);
      proof.add(Subtrees.hash(lo, mid, source));
    }
  }

  private static void requireValid(long start, long end) {
    if (!Subtrees.isValid(start, end)) {
      throw new IllegalArgumentException("[" + start + ", " + end + ") is not a valid subtree");
    }
  }
}
