package io.swarmcore.pbft.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.RejectCode;
import io.swarmcore.codecs.RejectedMessageException;
import io.swarmcore.codecs.proto.Block;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.pbft.core.ReplicaPorts;

/**
 * A block as the node's replica handles it: the protobuf block with its header hash and parent hash
 * computed once, since the core asks for them on every vote.
 */
public record NodeBlock(Block block, ByteString hash, ByteString parentHash, long height) {
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
   * Reads a block from the network or the store.
   *
   * @throws RejectedMessageException MALFORMED if its header does not parse
   */
  public static NodeBlock of(Block block) {
    try {
      BlockHeader header = BlockHeader.parseFrom(block.getHeader());
      return new NodeBlock(
          block,
          ByteString.copyFrom(LedgerHashes.block(block)),
          header.getParentHash(),
          header.getHeight());
    } catch (InvalidProtocolBufferException e) {
      throw new RejectedMessageException(
          RejectCode.MALFORMED, "block header does not parse: " + e.getMessage());
    }
  }
}
