package io.swarmcore.resilience;

import io.swarmcore.resilience.core.BreakerSettings;

/**
 * A circuit breaker's configuration: the trip policy, how long one call may take, whether its state
 * is shared through the cluster, and whether an open breaker makes the node unhealthy.
 *
 * @param callTimeoutMillis a call still running after this fails with a timeout (and counts as a
 *     failure)
 * @param shared keep state transitions in a Hazelcast map, so that a restarted instance or another
 *     one protecting the same dependency starts from the current state
 * @param critical report the node DOWN on /health/resilience while this breaker is open
 */
public record CircuitBreakerConfig(
    BreakerSettings policy, long callTimeoutMillis, boolean shared, boolean critical) {
  public static final CircuitBreakerConfig DEFAULTS =
      new CircuitBreakerConfig(BreakerSettings.DEFAULTS, 10_000, false, false);

  public CircuitBreakerConfig {
    if (policy == null || callTimeoutMillis < 1) {
      throw new IllegalArgumentException(
          "a circuit breaker needs a policy and a call timeout >= 1 ms, got " + callTimeoutMillis);
    }
  }

  public CircuitBreakerConfig withPolicy(BreakerSettings settings) {
    return new CircuitBreakerConfig(settings, callTimeoutMillis, shared, critical);
  }

  public CircuitBreakerConfig withCallTimeoutMillis(long millis) {
    return new CircuitBreakerConfig(policy, millis, shared, critical);
  }

  public CircuitBreakerConfig withShared(boolean isShared) {
    return new CircuitBreakerConfig(policy, callTimeoutMillis, isShared, critical);
  }

  public CircuitBreakerConfig withCritical(boolean isCritical) {
    return new CircuitBreakerConfig(policy, callTimeoutMillis, shared, isCritical);
  }
}
