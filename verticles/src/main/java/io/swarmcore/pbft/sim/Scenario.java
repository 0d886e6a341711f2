package io.swarmcore.pbft.sim;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Fixes what a schedule would otherwise draw from its seed, to replay a named situation: which
 * replicas are Byzantine and how, which are slow (every message they send takes {@code slowDelay}
 * longer), and the network.
 */
public record Scenario(
    Map<Integer, Behaviour> byzantine,
    Set<Integer> slow,
    long slowDelay,
    Optional<NetworkConditions> network) {

  public Scenario {
    byzantine = Map.copyOf(byzantine);
    slow = Set.copyOf(slow);
  }

  /** Nothing fixed: everything comes from the seed. */
  public static Scenario random() {
    return new Scenario(Map.of(), Set.of(), 0, Optional.empty());
  }

  public static Scenario byzantine(Map<Integer, Behaviour> byzantine) {
    return new Scenario(
        byzantine,
        Set.of(),
        0,
        Optional.of(new NetworkConditions(8, 12, 12, 0, 0, 0, java.util.List.of())));
  }

  public static Scenario slow(Set<Integer> slow, long delay) {
    return new Scenario(
        Map.of(),
        slow,
        delay,
        Optional.of(new NetworkConditions(8, 12, 12, 0, 0, 0, java.util.List.of())));
  }

  boolean fixesByzantine() {
    return !byzantine.isEmpty();
  }
}
