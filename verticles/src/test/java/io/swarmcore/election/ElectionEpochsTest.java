package io.swarmcore.election;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.proto.Block;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.crypto.vrf.VrfSuite;
import io.swarmcore.election.core.ElectionCore;
import io.swarmcore.election.core.ElectionFixture;
import io.swarmcore.election.core.Validator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Consensus's view of epoch boundaries (epochs of 5 blocks: height 4 ends epoch 0). */
class ElectionEpochsTest {
  private final ElectionFixture fixture = new ElectionFixture(4, VrfSuite.P256_SHA256_TAI);
  private final ElectionState state = new ElectionState(new ElectionCore(fixture.parameters));
  private final ElectionEpochs epochs =
      new ElectionEpochs(
          state, fixture.parameters, "node-1", Optional.of(fixture.vrfSecrets.get("node-1")));

  private BlockHeader header(long height, ByteString proof) {
    return BlockHeader.newBuilder()
        .setHeight(height)
        .setProposer("node-1")
        .setVrfSeedProof(proof)
        .build();
  }

  private void store(long height, List<ByteString> transactions) {
    BlockHeader header = fixture.header(height, "node-1", state.current());
    state.applied(
        FinalizedBlock.newBuilder()
            .setBlock(
                Block.newBuilder()
                    .setHeader(header.toByteString())
                    .addAllTransactions(transactions))
            .build());
  }

  @Test
  void theProposerOfAnEpochsLastBlockProvesTheNextSeedAndReplicasCheckIt() {
    ByteString proof = epochs.proveSeed();

    assertThat(epochs.endsEpoch(4)).isTrue();
    assertThat(epochs.seedProofProblem(header(4, proof))).isEmpty();
    assertThat(epochs.seedProofProblem(header(3, ByteString.EMPTY))).isEmpty();
    assertThat(epochs.seedProofProblem(header(4, ByteString.EMPTY)))
        .contains("block 4 ends an epoch but carries no seed proof");
    assertThat(epochs.seedProofProblem(header(3, proof)))
        .contains("block 3 carries a seed proof but does not end an epoch");
    byte[] bent = proof.toByteArray();
    bent[bent.length - 1] ^= 1;
    assertThat(epochs.seedProofProblem(header(4, ByteString.copyFrom(bent))))
        .hasValueSatisfying(p -> assertThat(p).startsWith("block 4 has an invalid seed proof"));
    assertThat(epochs.seedProofProblem(header(9, proof)))
        .contains("block 9 ends epoch 1, not the current 0");
  }

  @Test
  void theStoredLedgerMovesTheEpochAndTheVotersChangeWhereTheSetDoes() {
    for (long height = 0; height < 5; height++) {
      store(height, List.of());
    }
    assertThat(epochs.currentEpoch()).isEqualTo(1);
    assertThat(epochs.epochOf(5)).isEqualTo(1);
    assertThat(epochs.lastHeightOf(1)).isEqualTo(9);
    int genesisSize = fixture.parameters.genesisValidators().size();
    assertThat(epochs.voters().since()).isZero();
    assertThat(epochs.voters().keys().size()).isEqualTo(genesisSize);

    Validator newcomer = fixture.newValidator("node-9", 50, VrfSuite.P256_SHA256_TAI);
    store(
        5,
        List.of(
            ElectionFixture.changeTransaction(ElectionFixture.join(newcomer), fixture.governance)));
    for (long height = 6; height < 10; height++) {
      store(height, List.of());
    }

    assertThat(epochs.currentEpoch()).isEqualTo(2);
    assertThat(epochs.voters().since()).isEqualTo(10);
    assertThat(epochs.voters().keys().size()).isEqualTo(genesisSize + 1);
    assertThat(epochs.voters().keys().indexOf("node-9")).isPresent();
    assertThat(epochs.voters().keys().keyOf(epochs.voters().keys().indexOf("node-9").getAsInt()))
        .isEqualTo(newcomer.votingKey());
    assertThat(epochs.voters().keys().indexOf(epochs.leaderOf(7))).isPresent();
    for (long height = 10; height < 15; height++) {
      store(height, List.of());
    }
    // A new seed, the same voters: they hold since the change.
    assertThat(epochs.currentEpoch()).isEqualTo(3);
    assertThat(epochs.voters().since()).isEqualTo(10);
  }

  @Test
  void aValidatorWithoutAVrfKeyCannotEndAnEpochAndSaysSo() {
    ElectionEpochs keyless =
        new ElectionEpochs(state, fixture.parameters, "node-1", Optional.empty());

    org.assertj.core.api.Assertions.assertThatThrownBy(keyless::proveSeed)
        .hasMessageContaining("node-1 has no VRF key in its key file and cannot end epoch 0");
  }
}
