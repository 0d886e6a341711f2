package io.swarmcore.resilience;

/**
 * A cluster-wide limiter: one token bucket per key in a Hazelcast map.
 *
 * @param mode EXACT decides every request on the key's owner (concurrent requests for one key share
 *     a round trip); LEASED takes tokens in batches of {@code leaseSize} and serves them locally,
 *     returning what it has not used after {@code leaseMillis}
 * @param idleTtlMillis a key untouched this long is forgotten (its bucket is full again)
 * @param roundTripTimeoutMillis a cluster decision slower than this counts as the cluster being
 *     unreachable
 * @param failOpen when the cluster cannot be reached: admit (true) or refuse (false)
 */
public record ClusterRateLimiterConfig(
    long capacity,
    long refillPerSecond,
    Mode mode,
    int leaseSize,
    long leaseMillis,
    long idleTtlMillis,
    long roundTripTimeoutMillis,
    boolean failOpen) {
  public enum Mode {
    EXACT,
    LEASED
  }

  public ClusterRateLimiterConfig {
    if (capacity < 1 || refillPerSecond < 1 || mode == null) {
      throw new IllegalArgumentException(
          "a cluster limiter needs capacity >= 1, refillPerSecond >= 1 and a mode");
    }
    if (leaseSize < 1 || leaseSize > capacity || leaseMillis < 1) {
      throw new IllegalArgumentException(
          "leaseSize must be 1.."
              + capacity
              + " and leaseMillis >= 1, got "
              + leaseSize
              + ", "
              + leaseMillis);
    }
    // A sub-second TTL made Hazelcast 5.3 drop the entry at once in our tests (the bucket then
    // always reads full), so TTLs start at one second.
    if (idleTtlMillis < 1_000 || roundTripTimeoutMillis < 1) {
      throw new IllegalArgumentException(
          "idleTtlMillis must be >= 1000 and roundTripTimeoutMillis >= 1, got "
              + idleTtlMillis
              + " and "
              + roundTripTimeoutMillis);
    }
  }

  /**
   * Exact, lease of 1% of capacity (at least 1) for 1 s, 10 min idle TTL, 1 s timeout, fail closed.
   */
  public static ClusterRateLimiterConfig exact(long capacity, long refillPerSecond) {
    return new ClusterRateLimiterConfig(
        capacity,
        refillPerSecond,
        Mode.EXACT,
        (int) Math.max(1, Math.min(Integer.MAX_VALUE, capacity / 100)),
        1_000,
        600_000,
        1_000,
        false);
  }

  public ClusterRateLimiterConfig leased(int size, long millis) {
    return new ClusterRateLimiterConfig(
        capacity,
        refillPerSecond,
        Mode.LEASED,
        size,
        millis,
        idleTtlMillis,
        roundTripTimeoutMillis,
        failOpen);
  }

  public ClusterRateLimiterConfig withFailOpen(boolean open) {
    return new ClusterRateLimiterConfig(
        capacity,
        refillPerSecond,
        mode,
        leaseSize,
        leaseMillis,
        idleTtlMillis,
        roundTripTimeoutMillis,
        open);
  }

  /**
   * The most tokens admitted beyond the bucket's own limit, over any interval, by {@code instances}
   * instances: in LEASED mode each may hold tokens taken earlier and spent now, at most a whole
   * lease plus the half lease (and one) left when its synchronous path asks for a refill; EXACT
   * admits nothing beyond the limit.
   */
  public long overAdmissionBound(int instances) {
    return mode == Mode.EXACT ? 0 : (long) instances * (leaseSize + leaseSize / 2 + 1);
  }
}
