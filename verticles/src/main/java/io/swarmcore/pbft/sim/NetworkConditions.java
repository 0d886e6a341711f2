package io.swarmcore.pbft.sim;

import java.util.List;
import java.util.Set;

/**
 * How the simulated network misbehaves. Before {@code stabilizationTime} (GST) messages may be
 * dropped, duplicated and delayed up to {@code maxDelayBeforeStabilization}, and replicas in
 * different partitions cannot talk; from GST on, every message sent arrives once or twice within
 * [minDelay, maxDelay] and partitions have healed. Lost messages are the protocol's problem: it
 * must retransmit what liveness needs.
 *
 * @param partitions groups of replica indices; empty means one connected network
 */
public record NetworkConditions(
    long minDelay,
    long maxDelay,
    long maxDelayBeforeStabilization,
    double dropRate,
    double duplicateRate,
    long stabilizationTime,
    List<Set<Integer>> partitions) {

  public NetworkConditions {
    if (minDelay < 0 || maxDelay < minDelay || maxDelayBeforeStabilization < maxDelay) {
      throw new IllegalArgumentException(
          "delays need 0 ≤ min ≤ max ≤ max before stabilization, got "
              + minDelay
              + ", "
              + maxDelay
              + ", "
              + maxDelayBeforeStabilization);
    }
    if (!(dropRate >= 0 && dropRate < 1) || !(duplicateRate >= 0 && duplicateRate < 1)) {
      throw new IllegalArgumentException(
          "drop and duplicate rates must be in [0, 1), got " + dropRate + ", " + duplicateRate);
    }
    partitions = partitions.stream().map(Set::copyOf).toList();
  }

  /** A network that delivers everything within [1, 10] from the start. */
  public static NetworkConditions synchronous() {
    return new NetworkConditions(1, 10, 10, 0, 0, 0, List.of());
  }

  boolean separated(int from, int to) {
    for (Set<Integer> group : partitions) {
      if (group.contains(from) != group.contains(to)) {
        return true;
      }
    }
    return false;
  }
}
