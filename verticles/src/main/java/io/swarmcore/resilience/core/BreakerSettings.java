package io.swarmcore.resilience.core;

/**
 * How a circuit breaker decides to trip and to recover. Immutable; every field is checked when the
 * settings are built, so a bad configuration fails at startup with a message naming the field.
 *
 * @param failureRateThreshold in (0, 1]: trip when at least this share of the window's calls failed
 * @param slowCallRateThreshold in (0, 1]: trip when at least this share of the window's calls were
 *     slow
 * @param slowCallDurationMillis a call lasting at least this long is slow
 * @param minRequests no trip before the window holds this many calls (a rate over 3 calls is noise)
 * @param openMillis how long OPEN lasts before the breaker lets probes through (HALF_OPEN)
 * @param windowMillis how far back the sliding window looks
 * @param buckets how many buckets the window is cut into (1..1000); the window forgets a bucket at
 *     a time, so more buckets forget more smoothly
 * @param permittedProbes how many trial calls HALF_OPEN admits; all must succeed to close
 */
public record BreakerSettings(
    double failureRateThreshold,
    double slowCallRateThreshold,
    long slowCallDurationMillis,
    int minRequests,
    long openMillis,
    long windowMillis,
    int buckets,
    int permittedProbes) {

  public static final BreakerSettings DEFAULTS =
      new BreakerSettings(0.5, 1.0, 60_000, 20, 60_000, 60_000, 10, 3);

  public BreakerSettings {
    // Written as !(in range) so that NaN is refused too.
    if (!(failureRateThreshold > 0 && failureRateThreshold <= 1)) {
      throw new IllegalArgumentException(
          "failureRateThreshold must be in (0, 1], got " + failureRateThreshold);
    }
    if (!(slowCallRateThreshold > 0 && slowCallRateThreshold <= 1)) {
      throw new IllegalArgumentException(
          "slowCallRateThreshold must be in (0, 1], got " + slowCallRateThreshold);
    }
    if (slowCallDurationMillis <= 0) {
      throw new IllegalArgumentException(
          "slowCallDurationMillis must be > 0, got " + slowCallDurationMillis);
    }
    if (minRequests < 1) {
      throw new IllegalArgumentException("minRequests must be >= 1, got " + minRequests);
    }
    if (openMillis <= 0) {
      throw new IllegalArgumentException("openMillis must be > 0, got " + openMillis);
    }
    SlidingWindow.checkShape(windowMillis, buckets);
    if (permittedProbes < 1) {
      throw new IllegalArgumentException("permittedProbes must be >= 1, got " + permittedProbes);
    }
  }

  /** A builder starting from {@link #DEFAULTS}. */
  public static Builder builder() {
    return new Builder(DEFAULTS);
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Mutable, one setter per field; {@link #build()} validates. */
  public static final class Builder {
    private double failureRateThreshold;
    private double slowCallRateThreshold;
    private long slowCallDurationMillis;
    private int minRequests;
    private long openMillis;
    private long windowMillis;
    private int buckets;
    private int permittedProbes;

    private Builder(BreakerSettings from) {
      failureRateThreshold = from.failureRateThreshold;
      slowCallRateThreshold = from.slowCallRateThreshold;
      slowCallDurationMillis = from.slowCallDurationMillis;
      minRequests = from.minRequests;
      openMillis = from.openMillis;
      windowMillis = from.windowMillis;
      buckets = from.buckets;
      permittedProbes = from.permittedProbes;
    }

    public Builder failureRateThreshold(double failureRateThreshold) {
      this.failureRateThreshold = failureRateThreshold;
      return this;
    }

    public Builder slowCallRateThreshold(double slowCallRateThreshold) {
      this.slowCallRateThreshold = slowCallRateThreshold;
      return this;
    }

    public Builder slowCallDurationMillis(long slowCallDurationMillis) {
      this.slowCallDurationMillis = slowCallDurationMillis;
      return this;
    }

    public Builder minRequests(int minRequests) {
      this.minRequests = minRequests;
      return this;
    }

    public Builder openMillis(long openMillis) {
      this.openMillis = openMillis;
      return this;
    }

    public Builder windowMillis(long windowMillis) {
      this.windowMillis = windowMillis;
      return this;
    }

    public Builder buckets(int buckets) {
      this.buckets = buckets;
      return this;
    }

    public Builder permittedProbes(int permittedProbes) {
      this.permittedProbes = permittedProbes;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first field out of range
     */
    public BreakerSettings build() {
      return new BreakerSettings(
          failureRateThreshold,
          slowCallRateThreshold,
          slowCallDurationMillis,
          minRequests,
          openMillis,
          windowMillis,
          buckets,
          permittedProbes);
    }
  }
}
