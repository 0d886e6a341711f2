package io.swarmcore.pbft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Named fault situations replayed in the simulator, with its safety and liveness checks. */
class ScenarioTest {
  private static ScheduleResult run(int validators, Scenario scenario, long seed) {
    return Simulation.run(SimulationConfig.faultFree(validators), seed, scenario);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void aCrashedLeaderIsReplacedAndFinalizationResumes(long seed) {
    ScheduleResult result = run(4, Scenario.byzantine(Map.of(0, Behaviour.SILENT)), seed);

    assertThat(result.failed()).as("%s", result).isFalse();
    assertThat(result.highestView()).isGreaterThanOrEqualTo(1);
    assertThat(result.height()).isEqualTo(8);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void fSilentReplicasIncludingTwoLeadersInARowDoNotStopProgress(long seed) {
    // n = 7, f = 2: the leaders of views 0 and 1 are both silent.
    ScheduleResult result =
        run(7, Scenario.byzantine(Map.of(0, Behaviour.SILENT, 1, Behaviour.SILENT)), seed);

    assertThat(result.failed()).as("%s", result).isFalse();
    assertThat(result.highestView()).isGreaterThanOrEqualTo(2);
    assertThat(result.height()).isEqualTo(8);
    assertThat(result.fastFinalized()).as("F = 7 votes cannot come from 5 replicas").isZero();
  }

  @Test
  void cSlowReplicasLeaveTheFastPathIntact() {
    // n = 6, f = 1, c = 1: the fast quorum is 5, so one slow replica is not waited for.
    ScheduleResult result = run(6, Scenario.slow(Set.of(5), 200), 7);

    assertThat(result.failed()).as("%s", result).isFalse();
    assertThat(result.highestView()).isZero();
    assertThat((double) result.fastFinalized() / result.finalized()).isGreaterThanOrEqualTo(0.99);
  }

  @Test
  void moreThanCSlowReplicasMakeTheFastPathGiveWayWithoutStalling() {
    // Two slow replicas out of six: five fast votes never come in time; commits do.
    ScheduleResult result = run(6, Scenario.slow(Set.of(4, 5), 200), 7);

    assertThat(result.failed()).as("%s", result).isFalse();
    assertThat(result.highestView()).as("no view change: the slow path carries on").isZero();
    assertThat(result.finalized() - result.fastFinalized()).isPositive();
    assertThat(result.height()).isEqualTo(8);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18})
  void anEquivocatingLeaderWithAConflictingVoterCannotSplitTheHonestReplicas(long seed) {
    ScheduleResult result =
        run(
            7,
            Scenario.byzantine(Map.of(0, Behaviour.EQUIVOCATE, 3, Behaviour.CONFLICTING_VOTES)),
            seed);

    assertThat(result.failed()).as("%s", result).isFalse();
    assertThat(result.height()).isEqualTo(8);
  }

  @Test
  void aReplicaCutOffForMoreThanAWindowCatchesUpFromAProvenCheckpoint() {
    // Replica 3 is partitioned away while the others finalize 40 blocks (window W = 8); once the
    // network heals, its VIEW-CHANGEs tell the others it is behind, they send their stable
    // checkpoint with its proof, and it fetches the state. No view change is needed.
    SimulationConfig config = SimulationConfig.faultFree(4).withTargetBlocks(40);
    NetworkConditions cutOff = new NetworkConditions(1, 10, 10, 0, 0, 2_000, List.of(Set.of(3)));
    ScheduleResult result =
        Simulation.run(config, 9, new Scenario(Map.of(), Set.of(), 0, Optional.of(cutOff)));

    assertThat(result.failed()).as("%s", result).isFalse();
    assertThat(result.height()).isEqualTo(40);
  }

  @Test
  void forgedMessagesAndCertificatesAreRejected() {
    ScheduleResult result = run(4, Scenario.byzantine(Map.of(1, Behaviour.FORGE)), 3);

    assertThat(result.failed()).as("%s", result).isFalse();
    assertThat(result.forgeriesRejected()).isPositive();
  }

  @Test
  void aBogusNewViewOnlyCostsAnotherViewChange() {
    // Replica 1 leads view 1; the silent leader of view 0 forces that view change.
    SimulationConfig config =
        new SimulationConfig(7, 2, Set.of(Behaviour.SILENT), 8, 4, 8, true, false);
    ScheduleResult result =
        Simulation.run(
            config,
            5,
            Scenario.byzantine(Map.of(0, Behaviour.SILENT, 1, Behaviour.BOGUS_NEW_VIEW)));

    assertThat(result.failed()).as("%s", result).isFalse();
    assertThat(result.height()).isEqualTo(8);
  }
}
