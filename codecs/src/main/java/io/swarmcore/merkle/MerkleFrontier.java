package io.swarmcore.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The right edge of an append-only Merkle tree: the perfect subtrees of the binary decomposition of
 * its size, largest first (a "compact range"). Appending a leaf costs one hash per subtree it
 * completes, two on average, and reports every completed subtree so a store can persist it. Holds
 * at most 64 hashes, whatever the size of the tree.
 */
public final class MerkleFrontier {
  /** A perfect subtree completed by an append: level, index and hash, as a store keeps it. */
  public record Node(int level, long index, byte[] hash) {}

  private final List<byte[]> hashes = new ArrayList<>();
  private long size;

  public MerkleFrontier() {}

  private MerkleFrontier(long size, List<byte[]> hashes) {
    this.size = size;
    this.hashes.addAll(hashes);
  }

  /**
   * The frontier of a tree of {@code size} from its perfect-subtree hashes, largest first (as
   * {@link #subtreeHashes()} lists them): how a frontier crosses the event bus.
   */
  public static MerkleFrontier of(long size, List<byte[]> subtreeHashes) {
    if (size < 0 || Long.bitCount(size) != subtreeHashes.size()) {
      throw new IllegalArgumentException(
          "a tree of "
              + size
              + " leaves has "
              + Long.bitCount(Math.max(size, 0))
              + " perfect subtrees, got "
              + subtreeHashes.size());
    }
    return new MerkleFrontier(size, List.copyOf(subtreeHashes));
  }

  /** The frontier of an existing tree of {@code size}, read off its stored subtrees. */
  public static MerkleFrontier restore(long size, SubtreeSource source) {
    List<byte[]> hashes = new ArrayList<>();
    long start = 0;
    for (int level = 63; level >= 0; level--) {
      if ((size & (1L << level)) != 0) {
        hashes.add(source.perfect(level, start >>> level));
        start += 1L << level;
      }
    }
    return new MerkleFrontier(size, hashes);
  }

  /**
   * Appends one leaf hash.
   *
   * @return the subtrees this append completed, smallest first (the leaf itself comes first)
   */
  public List<Node> append(byte[] leafHash) {
    if (leafHash.length != MerkleHash.LENGTH) {
      throw new IllegalArgumentException("a leaf hash is " + MerkleHash.LENGTH + " bytes");
    }
    List<Node> completed = new ArrayList<>();
    long index = size;
    byte[] hash = leafHash;
    completed.add(new Node(0, index, hash));
    int level = 0;
    // Each trailing 1 bit of the old size is a perfect subtree that the new leaf now pairs with.
    for (long carry = size; (carry & 1) == 1; carry >>= 1) {
      byte[] left = hashes.remove(hashes.size() - 1);
      hash = MerkleHash.node(left, hash);
      level++;
      index >>= 1;
      completed.add(new Node(level, index, hash));
    }
    hashes.add(hash);
    size++;
    return completed;
  }

  public long size() {
    return size;
  }

  /** The perfect-subtree hashes of the right edge, largest (leftmost) first. */
  public List<byte[]> subtreeHashes() {
    return List.copyOf(hashes);
  }

  /** MTH of the whole tree: folds the frontier from the right. */
  public byte[] root() {
    if (hashes.isEmpty()) {
      return MerkleHash.emptyRoot();
    }
    byte[] root = hashes.get(hashes.size() - 1);
    for (int i = hashes.size() - 2; i >= 0; i--) {
      root = MerkleHash.node(hashes.get(i), root);
    }
    return root;
  }

  public MerkleFrontier copy() {
    return new MerkleFrontier(size, hashes);
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof MerkleFrontier frontier) || frontier.size != size) {
      return false;
    }
    for (int i = 0; i < hashes.size(); i++) {
      if (!Arrays.equals(hashes.get(i), frontier.hashes.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(size);
  }
}
