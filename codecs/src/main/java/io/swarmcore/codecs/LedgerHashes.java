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

  public static byte[] transaction(ByteString transaction) {
    return Sha256.hash(transaction.toByteArray());
  }

  public static byte[] block(Block block) {
    return Sha256.hash(block.getHeader().toByteArray());
  }

  /** The tx root of a block with these transaction hashes (the empty root for no transactions). */
  public static byte[] txRoot(List<byte[]> transactionHashes) {
    MerkleFrontier frontier = new MerkleFrontier();
    for (byte[] hash : transactionHashes) {
      frontier.append(MerkleHash.leaf(hash));
    }
    return frontier.root();
  }
}
