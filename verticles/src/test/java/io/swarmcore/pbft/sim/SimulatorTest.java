package io.swarmcore.pbft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bar for the PBFT core: at least 10,000 random schedules each for n = 4 (f = 1) and n
 * = 7 (f = 2) with f Byzantine replicas (every behaviour) over a network that drops, duplicates,
 * delays and partitions until stabilization, with no safety violation and no liveness failure.
 * {@code -Dsim.schedules=1000000} runs the long mode.
 */
class SimulatorTest {
  private static final int SCHEDULES = Integer.getInteger("sim.schedules", 10_000);
  private static final long SEED = Long.getLong("sim.seed", 20261127L);

  @ParameterizedTest(name = "n={0}")
  @ValueSource(ints = {4, 7})
  @Timeout(600)
  void byzantineSchedulesKeepSafetyAndLiveness(int validators) {
    SimulationSummary summary =
        Simulator.run(SimulationConfig.adversarial(validators), SCHEDULES, SEED);

    assertThat(summary.firstFailure())
        .as("first failing schedule (replay it with its seed)")
        .isEmpty();
    assertThat(summary.safetyViolations()).isZero();
    assertThat(summary.livenessFailures()).isZero();
    assertThat(summary.schedules()).isEqualTo(SCHEDULES);
    // The adversary really did something: views changed and forgeries were caught.
    assertThat(summary.viewChanges()).isPositive();
    assertThat(summary.forgeriesRejected()).isPositive();
  }

  @ParameterizedTest(name = "n={0}")
  @ValueSource(ints = {4, 7})
  @Timeout(300)
  void longerSchedulesMoveTheWindowAcrossManyCheckpoints(int validators) {
    // 40 blocks with checkpoints every 4 and a window of 8: lost CHECKPOINTs, laggards and view
    // changes must not keep the window closed.
    SimulationSummary summary =
        Simulator.run(
            SimulationConfig.adversarial(validators).withTargetBlocks(40), SCHEDULES / 10, SEED);

    assertThat(summary.firstFailure()).isEmpty();
    assertThat(summary.passed()).isTrue();
  }

  @ParameterizedTest(name = "n={0}")
  @ValueSource(ints = {4, 7})
  @Timeout(120)
  void faultFreeRunsFinalizeAtLeast99PercentOnTheFastPath(int validators) {
    SimulationSummary summary = Simulator.run(SimulationConfig.faultFree(validators), 1_000, SEED);

    assertThat(summary.passed()).isTrue();
    assertThat(summary.fastPathShare()).isGreaterThanOrEqualTo(0.99);
    assertThat(summary.viewChanges()).as("no view change without faults").isZero();
    assertThat(summary.blocksFinalized()).isEqualTo(1_000L * validators * 8);
  }

  @Test
  void aSeedReplaysTheSameSchedule() {
    SimulationConfig config = SimulationConfig.adversarial(7);

    assertThat(Simulation.run(config, 12345)).isEqualTo(Simulation.run(config, 12345));
    assertThat(Simulator.scheduleSeed(99, 0)).isEqualTo(99);
  }

  @Test
  void withTheFastPathOffEveryBlockTakesTheCommitPath() {
    SimulationConfig config = new SimulationConfig(4, 0, java.util.Set.of(), 8, 4, 8, false, false);

    SimulationSummary summary = Simulator.run(config, 50, SEED);

    assertThat(summary.passed()).isTrue();
    assertThat(summary.fastFinalized()).isZero();
    assertThat(summary.blocksFinalized()).isEqualTo(50L * 4 * 8);
  }
}
