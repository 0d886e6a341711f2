package io.swarmcore.pbft.sim;

import java.util.List;
import java.util.Optional;

/**
 * What one simulated schedule showed.
 *
 * @param seed replays this schedule exactly
 * @param targetBlocks the height the schedule aimed for
 * @param height the lowest height every honest replica reached
 * @param finalized honest finalizations (one per replica and block; fetched state not counted)
 * @param fastFinalized how many of those carried a fast certificate
 * @param highestView the highest view an honest replica entered
 * @param violations safety violations (agreement, validity, a finalized block lost)
 * @param livenessFailure why honest replicas stopped finalizing, if they did
 * @param trace the last notable events before the end, for a report
 */
public record ScheduleResult(
    long seed,
    int targetBlocks,
    long height,
    long finalized,
    long fastFinalized,
    long highestView,
    long forgeriesRejected,
    List<String> violations,
    Optional<String> livenessFailure,
    List<String> trace) {

  public ScheduleResult {
    violations = List.copyOf(violations);
    trace = List.copyOf(trace);
  }

  public boolean failed() {
    return !violations.isEmpty() || livenessFailure.isPresent();
  }
}
