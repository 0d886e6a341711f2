package io.swarmcore.merkle;

import java.util.ArrayList;
import java.util.List;

/**
 * A Merkle tree held in memory, every perfect subtree kept: for a block's transactions (its tx root
 * and their inclusion proofs), the command line and tests. The ledger itself lives in the block
 * store, which keeps the same subtrees in LMDB.
 */
public final class MerkleTree implements SubtreeSource {
  private final List<List<byte[]>> levels = new ArrayList<>();
  private final MerkleFrontier frontier = new MerkleFrontier();

  /** A tree over {@code leaves}, each hashed as an RFC 9162 leaf. */
  public static MerkleTree of(List<byte[]> leaves) {
    MerkleTree tree = new MerkleTree();
    leaves.forEach(tree::appendData);
    return tree;
  }

  public void appendData(byte[] data) {
    appendLeafHash(MerkleHash.leaf(data));
  }

  public void appendLeafHash(byte[] leafHash) {
    for (MerkleFrontier.Node node : frontier.append(leafHash)) {
      if (levels.size() == node.level()) {
        levels.add(new ArrayList<>());
      }
      levels.get(node.level()).add(node.hash());
    }
  }

  public long size() {
    return frontier.size();
  }

  public byte[] root() {
    return frontier.root();
  }

  public byte[] root(long size) {
    requireSize(size);
    return Subtrees.root(size, this);
  }

  public List<byte[]> inclusionProof(long index, long size) {
    requireSize(size);
    return MerkleProofs.inclusion(index, size, this);
  }

  public List<byte[]> consistencyProof(long oldSize, long newSize) {
    requireSize(newSize);
    return MerkleProofs.consistency(oldSize, newSize, this);
  }

  @Override
  public byte[] perfect(int level, long index) {
    if (level >= levels.size() || index >= levels.get(level).size()) {
      throw new IllegalArgumentException(
          "no complete subtree at level " + level + ", index " + index + " in a tree of " + size());
    }
    return levels.get(level).get((int) index);
  }

  private void requireSize(long size) {
    if (size < 0 || size > size()) {
      throw new IllegalArgumentException(
          "tree size " + size + " is beyond this tree's " + size() + " leaves");
    }
  }
}
