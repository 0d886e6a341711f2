package io.swarmcore.merkle;

/**
 * Merkle tree hashes of leaf ranges, computed from perfect subtrees. A range {@code [start, end)}
 * is a <em>valid subtree</em> when {@code start < end} and {@code start} is 0 or a multiple of the
 * smallest power of two at least {@code end - start}; every range the RFC 9162 recursion visits is
 * one, and its hash needs at most one stored node per level.
 */
public final class Subtrees {
  private Subtrees() {}

  public static boolean isValid(long start, long end) {
    if (start < 0 || start >= end) {
      return false;
    }
    return start == 0 || start % bitCeil(end - start) == 0;
  }

  /** MTH(D[start:end]) for a valid subtree (RFC 9162 §2.1.1 recursion, read off stored nodes). */
  public static byte[] hash(long start, long end, SubtreeSource source) {
    long size = end - start;
    if (Long.bitCount(size) == 1) {
      int level = Long.numberOfTrailingZeros(size);
      return source.perfect(level, start >>> level);
    }
    long k = largestPowerOfTwoBelow(size);
    return MerkleHash.node(
        source.perfect(Long.numberOfTrailingZeros(k), start / k), hash(start + k, end, source));
  }

  /** The root of the tree of the first {@code size} leaves; the empty root for size 0. */
  public static byte[] root(long size, SubtreeSource source) {
    return size == 0 ? MerkleHash.emptyRoot() : hash(0, size, source);
  }

  /** How many levels a tree of {@code size >= 1} leaves has, leaves included. */
  public static int levelCount(long size) {
    if (size < 1) {
      throw new IllegalArgumentException("a tree with levels has at least one leaf");
    }
    return size == 1 ? 1 : 65 - Long.numberOfLeadingZeros(size - 1);
  }

  /** The largest power of two strictly below {@code n}, for {@code n >= 2} (RFC 9162's k). */
  static long largestPowerOfTwoBelow(long n) {
    return Long.highestOneBit(n - 1);
  }

  static long bitCeil(long n) {
    return n <= 1 ? 1 : Long.highestOneBit(n - 1) << 1;
  }
}
