package io.swarmcore.resilience.core;

import java.util.Objects;

/** A change of breaker state, with when and why, for events, logs and shared state. */
public record Transition(BreakerState from, BreakerState to, long atMillis, String reason) {
  public Transition {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (from == to) {
      throw new IllegalArgumentException("a transition changes the state, got " + from + " twice");
    }
    if (reason == null || reason.isEmpty()) {
      throw new IllegalArgumentException("a transition needs a reason");
    }
  }
}
