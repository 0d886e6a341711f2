package io.swarmcore.pbft;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.proto.Block;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.codecs.proto.Transaction;
import io.swarmcore.pbft.wire.NodeBlock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a replica refuses in a proposal before it reaches the core, so storage never refuses it. */
class ProposalCheckTest {
  private static final ByteString ROOT = ByteString.copyFrom(new byte[32]);

  private static ByteString tx(long nonce) {
    return Transaction.newBuilder().setClientId("c").setNonce(nonce).build().toByteString();
  }

  private static NodeBlock block(List<ByteString> txs, ByteString seedProof) {
    BlockHeader header =
        BlockHeader.newBuilder()
            .setHeight(3)
            .setLedgerRoot(ROOT)
            .setTxCount(txs.size())
            .setTxRoot(
                ByteString.copyFrom(
                    LedgerHashes.txRoot(txs.stream().map(LedgerHashes::transaction).toList())))
            .setVrfSeedProof(seedProof)
            .build();
    return NodeBlock.of(
        Block.newBuilder().setHeader(header.toByteString()).addAllTransactions(txs).build());
  }

  @Test
  void aValidProposalPasses() {
    assertThat(
            PbftVerticle.blockProblem(
                block(List.of(tx(1), tx(2)), ByteString.EMPTY), ROOT, Set.of()))
        .isNull();
  }

  @Test
  void refusesWhatStorageWouldRefuse() {
    NodeBlock twice = block(List.of(tx(1), tx(1)), ByteString.EMPTY);
    assertThat(PbftVerticle.blockProblem(twice, ROOT, Set.of())).isEqualTo("a transaction twice");

    NodeBlock repeated = block(List.of(tx(7)), ByteString.EMPTY);
    ByteString below = ByteString.copyFrom(LedgerHashes.transaction(tx(7)));
    assertThat(PbftVerticle.blockProblem(repeated, ROOT, Set.of(below)))
        .as("already in a block below, not yet final")
        .isEqualTo("a transaction twice");

    assertThat(
            PbftVerticle.blockProblem(
                block(List.of(tx(1)), ByteString.EMPTY), ByteString.copyFromUtf8("x"), Set.of()))
        .isEqualTo("ledger root does not extend its parent");

    assertThat(
            PbftVerticle.blockProblem(
                block(List.of(tx(1)), ByteString.copyFromUtf8("proof")), ROOT, Set.of()))
        .startsWith("a seed proof, but this chain has one endless epoch");

    ByteString big =
        Transaction.newBuilder()
            .setClientId("c")
            .setPayload(ByteString.copyFrom(new byte[1_100_000]))
            .build()
            .toByteString();
    assertThat(PbftVerticle.blockProblem(block(List.of(big), ByteString.EMPTY), ROOT, Set.of()))
        .startsWith("a transaction over");
  }
}
