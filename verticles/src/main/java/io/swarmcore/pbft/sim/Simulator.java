package io.swarmcore.pbft.sim;

import java.util.Optional;

/** Runs many seeded schedules of one {@link SimulationConfig} and sums up what they showed. */
public final class Simulator {
  private Simulator() {}

  /**
   * The seed of schedule {@code index} of a run started with {@code firstSeed}; schedule 0 uses the
   * first seed itself, so a reported seed replays with {@code --schedules 1}.
   */
  public static long scheduleSeed(long firstSeed, int index) {
    return firstSeed + index * 0x9E3779B97F4A7C15L;
  }

  public static SimulationSummary run(SimulationConfig config, int schedules, long firstSeed) {
    int safety = 0;
    int liveness = 0;
    long finalized = 0;
    long fast = 0;
    long viewChanges = 0;
    long forgeries = 0;
    Optional<ScheduleResult> firstFailure = Optional.empty();
    for (int i = 0; i < schedules; i++) {
      ScheduleResult result = Simulation.run(config, scheduleSeed(firstSeed, i));
      finalized += result.finalized();
      fast += result.fastFinalized();
      viewChanges += result.highestView();
      forgeries += result.forgeriesRejected();
      if (!result.violations().isEmpty()) {
        safety++;
      } else if (result.livenessFailure().isPresent()) {
        liveness++;
      }
      if (result.failed() && firstFailure.isEmpty()) {
        firstFailure = Optional.of(shrink(config, result));
      }
    }
    return new SimulationSummary(
        config,
        firstSeed,
        schedules,
        safety,
        liveness,
        finalized,
        fast,
        viewChanges,
        forgeries,
        firstFailure);
  }

  /** The same seed with the fewest target blocks that still fails, for a shorter trace. */
  static ScheduleResult shrink(SimulationConfig config, ScheduleResult failed) {
    for (int blocks = 1; blocks < config.targetBlocks(); blocks++) {
      ScheduleResult smaller = Simulation.run(config.withTargetBlocks(blocks), failed.seed());
      if (smaller.failed()) {
        return smaller;
      }
    }
    return failed;
  }
}
