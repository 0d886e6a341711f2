package io.swarmcore.pbft.sim;

import java.util.Optional;

/**
 * What a batch of schedules showed.
 *
 * @param firstFailure the first failing schedule, shrunk to the fewest blocks that still fail
 */
public record SimulationSummary(
    SimulationConfig config,
    long firstSeed,
    int schedules,
    int safetyViolations,
    int livenessFailures,
    long blocksFinalized,
    long fastFinalized,
    long viewChanges,
    long forgeriesRejected,
    Optional<ScheduleResult> firstFailure) {

  /** Share of honest finalizations that carried a fast certificate. */
  public double fastPathShare() {
    return blocksFinalized == 0 ? 0 : (double) fastFinalized / blocksFinalized;
  }

  public boolean passed() {
    return safetyViolations == 0 && livenessFailures == 0;
  }
}
