package io.swarmcore.codecs;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.proto.Block;
import io.swarmcore.crypto.Sha256;
import io.swarmcore.merkle.MerkleFrontier;
import io.swarmcore.merkle.MerkleHash;
import java.util.List;

/**
 * The hashes that identify ledger data, always over bytes exactly as carried: a transaction's hash
 * is SHA-256 of its serialized bytes, a block's hash is SHA-256 of its serialized header. A block's
 * tx root is the RFC 9162 tree over its transaction hashes; the ledger tree's leaves are block
 * hashes.
 */
public final class LedgerHashes {
  /** Parent hash of the first block. */
  private static final byte[] NO_PARENT = new byte[Sha256.LENGTH];

  private LedgerHashes() {}

  public static byte[] noParent() {
    return NO_PARENT.clone();
  }

  /**
   * SHA-256 of the transaction's bytes. A node hashes each transaction at several stages (pool,
   * proposal, vote, store, client API), so recent answers are remembered: a lookup costs an
   * equality check of the bytes instead of a digest. The caller must not change the array.
   */
  public static byte[] transaction(ByteString transaction) {
    return RECENT_TRANSACTIONS.hash(transaction);
  }

  // 8 MiB a generation: about 28,000 transactions of 128 bytes, a second or more of what a node
  // hashes at full load (docs/BENCHMARKS.md).
  private static final RecentHashes RECENT_TRANSACTIONS = new RecentHashes(8 << 20, 4_096);

  public static byte[] block(Block block) {
    return Sha256.hash(block.getHeader().toByteArray());
  }

  /**
   * The tx root of a block with these transaction hashes (the empty root for no transactions). A
   * node computes each block's at least twice (when it votes, when it stores the block, and as
   * leader when it proposes), so the last few are remembered by their list of hashes: a lookup
   * reads 32 bytes a transaction instead of hashing about 100.
   */
  public static byte[] txRoot(List<byte[]> transactionHashes) {
    byte[] joined = new byte[transactionHashes.size() * Sha256.LENGTH];
    for (int i = 0; i < transactionHashes.size(); i++) {
      byte[] hash = transactionHashes.get(i);
      if (hash.length != Sha256.LENGTH) {
        return treeRoot(transactionHashes); // not a hash list a block carries: not remembered
      }
      System.arraycopy(hash, 0, joined, i * Sha256.LENGTH, Sha256.LENGTH);
    }
    ByteString key = com.google.protobuf.UnsafeByteOperations.unsafeWrap(joined);
    byte[] root;
    synchronized (RECENT_ROOTS) {
      root = RECENT_ROOTS.get(key);
    }
    if (root == null) {
      root = treeRoot(transactionHashes);
      synchronized (RECENT_ROOTS) {
        RECENT_ROOTS.put(key, root);
      }
    }
    return root.clone();
  }

  private static byte[] treeRoot(List<byte[]> transactionHashes) {
    MerkleFrontier frontier = new MerkleFrontier();
    for (byte[] hash : transactionHashes) {
      frontier.append(MerkleHash.leaf(hash));
    }
    return frontier.root();
  }

  // The roots of the latest blocks: a pipeline of a few blocks, each seen at vote and at store.
  private static final int REMEMBERED_ROOTS = 32;
  private static final java.util.Map<ByteString, byte[]> RECENT_ROOTS =
      new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<ByteString, byte[]> eldest) {
          return size() > REMEMBERED_ROOTS;
        }
      };
}
