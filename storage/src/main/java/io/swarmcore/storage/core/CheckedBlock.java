package io.swarmcore.storage.core;

import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.codecs.proto.FinalizedBlock;
import java.util.List;

/** A block that passed {@link BlockRules}: with its parsed header and the hashes stores need. */
public record CheckedBlock(
    FinalizedBlock finalized, BlockHeader header, byte[] blockHash, List<byte[]> txHashes) {
  public long height() {
    return header.getHeight();
  }
}
