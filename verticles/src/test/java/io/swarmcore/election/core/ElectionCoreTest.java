package io.swarmcore.election.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.codecs.proto.ValidatorChange;
import io.swarmcore.crypto.SigningKey;
import io.swarmcore.crypto.vrf.VrfSuite;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ElectionCoreTest {
  @ParameterizedTest
  @EnumSource(VrfSuite.class)
  void eachEpochSeedIsTheVrfOutputOfTheLastProposer(VrfSuite suite) {
    ElectionFixture fixture = new ElectionFixture(4, suite);
    ElectionCore core = new ElectionCore(fixture.parameters);
    List<byte[]> seeds = new ArrayList<>();
    seeds.add(core.current().seed());
    for (long height = 0; height < 15; height++) {
      EpochState epoch = core.current();
      String proposer = core.leader(epoch.epoch(), height).id();
      Optional<EpochState> next = core.apply(fixture.header(height, proposer, epoch), List.of());
      assertThat(next.isPresent()).isEqualTo(fixture.parameters.endsEpoch(height));
      next.ifPresent(e -> seeds.add(e.seed()));
    }
    assertThat(core.current().epoch()).isEqualTo(3);
    assertThat(core.current().firstHeight()).isEqualTo(15);
    assertThat(seeds).hasSize(4).doesNotHaveDuplicates();
    assertThat(seeds.get(1)).hasSize(suite.hashLength());
  }

  @Test
  void aBlockEndingAnEpochWithoutAValidSeedProofIsRefused() {
    ElectionFixture fixture = new ElectionFixture(4, VrfSuite.P256_SHA256_TAI);
    ElectionCore core = new ElectionCore(fixture.parameters);
    for (long height = 0; height < 4; height++) {
      core.apply(fixture.header(height, "node-0", core.current()), List.of());
    }
    BlockHeader valid = fixture.header(4, "node-1", core.current());

    assertThatThrownBy(() -> core.check(valid.toBuilder().clearVrfSeedProof().build()))
        .isInstanceOf(ElectionRuleException.class)
        .hasMessage("block 4 ends epoch 0 but carries no seed proof");

    byte[] tampered = valid.getVrfSeedProof().toByteArray();
    tampered[40] ^= 1;
    assertThatThrownBy(
            () ->
                core.check(
                    valid.toBuilder().setVrfSeedProof(ByteString.copyFrom(tampered)).build()))
        .hasMessageStartingWith("block 4 has an invalid seed proof from node-1: ");

    assertThatThrownBy(() -> core.check(valid.toBuilder().setProposer("node-2").build()))
        .hasMessageStartingWith("block 4 has an invalid seed proof from node-2: ");

    assertThatThrownBy(() -> core.check(valid.toBuilder().setProposer("stranger").build()))
        .hasMessage("block 4 proposer stranger is not a validator of epoch 0");

    core.check(valid);
    assertThat(core.current().epoch()).isZero();
  }

  @Test
  void aSeedProofOutsideAnEpochEndOrAHeightGapIsRefused() {
    ElectionFixture fixture = new ElectionFixture(4, VrfSuite.P256_SHA256_TAI);
    ElectionCore core = new ElectionCore(fixture.parameters);
    BlockHeader first = fixture.header(0, "node-0", core.current());
    assertThatThrownBy(
            () ->
                core.check(first.toBuilder().setVrfSeedProof(ByteString.copyFromUtf8("x")).build()))
        .hasMessage("block 0 carries a seed proof but does not end an epoch");
    assertThatThrownBy(() -> core.check(first.toBuilder().setHeight(1).build()))
        .hasMessage("block height 1 is not the next one the election expects, 0");
  }

  @Test
  void aValidatorChangeTakesEffectAtTheSameHeightOnEveryNode() {
    ElectionFixture fixture = new ElectionFixture(4, VrfSuite.P256_SHA256_TAI);
    Validator joining = fixture.newValidator("node-9", 50, VrfSuite.EDWARDS25519_SHA512_TAI);
    ByteString join =
        ElectionFixture.changeTransaction(ElectionFixture.join(joining), fixture.governance);
    ByteString forged =
        ElectionFixture.changeTransaction(
            ValidatorChange.newBuilder().setLeave("node-0").build(),
            SigningKey.fromSeed(new byte[32]));
    ByteString stake =
        ElectionFixture.changeTransaction(
            ValidatorChange.newBuilder()
                .setStake(
                    io.swarmcore.codecs.proto.StakeChange.newBuilder().setId("node-1").setStake(99))
                .build(),
            fixture.governance);

    List<ElectionCore> nodes =
        List.of(
            new ElectionCore(fixture.parameters),
            new ElectionCore(fixture.parameters),
            new ElectionCore(fixture.parameters));
    List<Long> switchHeights = new ArrayList<>();
    ElectionCore reference = nodes.get(0);
    for (long height = 0; height < 10; height++) {
      EpochState epoch = reference.current();
      BlockHeader header =
          fixture.header(height, reference.leader(epoch.epoch(), height).id(), epoch);
      List<ByteString> transactions = height == 2 ? List.of(join, forged, stake) : List.of();
      for (ElectionCore node : nodes) {
        boolean before = node.current().validators().byId("node-9").isPresent();
        Optional<EpochState> next = node.apply(header, transactions);
        if (!before && next.isPresent() && next.get().validators().byId("node-9").isPresent()) {
          switchHeights.add(next.get().firstHeight());
        }
      }
      if (height < 4) {
        assertThat(reference.current().validators().byId("node-9")).isEmpty();
      }
    }
    assertThat(switchHeights).containsExactly(5L, 5L, 5L);
    for (ElectionCore node : nodes) {
      assertThat(node.current().validators()).isEqualTo(reference.current().validators());
      assertThat(node.current().validators().byId("node-1").orElseThrow().stake()).isEqualTo(99);
      assertThat(node.current().validators().byId("node-0")).isPresent();
    }
  }

  @Test
  void refusedChangesAreReportedNotApplied() {
    ElectionFixture fixture = new ElectionFixture(4, VrfSuite.P256_SHA256_TAI);
    ByteString forged =
        ElectionFixture.changeTransaction(
            ValidatorChange.newBuilder().setLeave("node-0").build(),
            SigningKey.fromSeed(new byte[32]));
    ByteString unknown =
        ElectionFixture.changeTransaction(
            ValidatorChange.newBuilder().setLeave("nobody").build(), fixture.governance);
    ElectionCore core = new ElectionCore(fixture.parameters);
    Optional<EpochState> next = Optional.empty();
    for (long height = 0; height < 5; height++) {
      next =
          core.apply(
              fixture.header(height, "node-3", core.current()),
              height == 1 ? List.of(forged, unknown) : List.of());
    }
    assertThat(next).isPresent();
    assertThat(next.get().validators().size()).isEqualTo(4);
    assertThat(next.get().refusedChanges())
        .containsExactly(
            "block 1 transaction 0: BAD_SIGNATURE: signature of VALIDATOR_CHANGE from governance does"
                + " not verify",
            "block 1 transaction 1: leave of unknown validator nobody refused");
  }
}
