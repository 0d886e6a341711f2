package io.swarmcore.pbft.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.RejectCode;
import io.swarmcore.codecs.RejectedMessageException;
import io.swarmcore.codecs.proto.Block;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.pbft.core.ReplicaPorts;
import java.util.ArrayList;
import java.util.List;

/**
 * A block as the node's replica handles it: the protobuf block with its header hash, parent hash
 * and transaction hashes computed once, since the core asks for the hashes on every vote and the
 * node checks and reports transactions by hash.
 */
public record NodeBlock(
    Block block,
    ByteString hash,
    ByteString parentHash,
    long height,
    List<ByteString> transactionHashes) {
  public NodeBlock {
    transactionHashes = List.copyOf(transactionHashes);
  }

  /** Block facts for the core. */
  public static final ReplicaPorts.Blocks<NodeBlock> FACTS =
      new ReplicaPorts.Blocks<>() {
        @Override
        public ByteString digest(NodeBlock block) {
          return block.hash();
        }

        @Override
        public ByteString parent(NodeBlock block) {
          return block.parentHash();
        }
      };

  /**
   * Reads a block from the network or the store. Votes sign the header hash only, so the header
   * must describe the body: transaction count and root are checked here, for every block however it
   * arrives (a proposal, or inside a VIEW-CHANGE).
   *
   * @throws RejectedMessageException MALFORMED if its header does not parse or does not match
   */
  public static NodeBlock of(Block block) {
    try {
      BlockHeader header = BlockHeader.parseFrom(block.getHeader());
      if (header.getTxCount() != block.getTransactionsCount()) {
        throw new RejectedMessageException(
            RejectCode.MALFORMED,
            "block header counts "
                + header.getTxCount()
                + " transactions, the block carries "
                + block.getTransactionsCount());
      }
      List<byte[]> hashes = new ArrayList<>();
      List<ByteString> transactionHashes = new ArrayList<>();
      for (ByteString transaction : block.getTransactionsList()) {
        byte[] hash = LedgerHashes.transaction(transaction);
        hashes.add(hash);
        transactionHashes.add(ByteString.copyFrom(hash));
      }
      if (!header.getTxRoot().equals(ByteString.copyFrom(LedgerHashes.txRoot(hashes)))) {
        throw new RejectedMessageException(
            RejectCode.MALFORMED, "block header's tx_root does not match its transactions");
      }
      return new NodeBlock(
          block,
          ByteString.copyFrom(LedgerHashes.block(block)),
          header.getParentHash(),
          header.getHeight(),
          transactionHashes);
    } catch (InvalidProtocolBufferException e) {
      throw new RejectedMessageException(
          RejectCode.MALFORMED, "block header does not parse: " + e.getMessage());
    }
  }
}
