package io.swarmcore.storage.core;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.proto.Block;
import io.swarmcore.codecs.proto.BlockHeader;
import java.util.List;

/**
 * Starts the header of the block that extends {@code tip}: height, parent hash, ledger root, tx
 * root and tx count filled in, so that the block passes {@link BlockRules}. The proposer fills in
 * the rest (view, proposer, epoch, timestamp).
 */
public final class BlockAssembler {
  private BlockAssembler() {}

  public static BlockHeader.Builder header(LedgerTip tip, List<ByteString> transactions) {
    return BlockHeader.newBuilder()
        .setHeight(tip.size())
        .setParentHash(ByteString.copyFrom(tip.tipHash()))
        .setLedgerRoot(ByteString.copyFrom(tip.ledgerRoot()))
        .setTxRoot(
            ByteString.copyFrom(
                LedgerHashes.txRoot(transactions.stream().map(LedgerHashes::transaction).toList())))
        .setTxCount(transactions.size());
  }

  public static Block block(BlockHeader header, List<ByteString> transactions) {
    return Block.newBuilder()
        .setHeader(header.toByteString())
        .addAllTransactions(transactions)
        .build();
  }
}
