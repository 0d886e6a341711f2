package io.swarmcore.resilience;

import java.util.function.Predicate;

/**
 * How {@link Retry} retries: at most {@code maxAttempts} attempts, waiting a random time in [0,
 * min(maxDelay, baseDelay * 2^attempt)) between them ("full jitter"), and only after failures that
 * {@code retryOn} accepts. Retries repeat calls: use them for idempotent operations only.
 */
public record RetryConfig(
    int maxAttempts, long baseDelayMillis, long maxDelayMillis, Predicate<Throwable> retryOn) {
  /**
   * Three attempts, 100 ms base, 5 s cap, retrying everything except refusals by resilience
   * components.
   */
  public static final RetryConfig DEFAULTS =
      new RetryConfig(3, 100, 5_000, failure -> !(failure instanceof ResilienceException));

  public RetryConfig {
    if (maxAttempts < 1
        || baseDelayMillis < 0
        || maxDelayMillis < baseDelayMillis
        || retryOn == null) {
      throw new IllegalArgumentException(
          "retry needs maxAttempts >= 1 and 0 <= baseDelayMillis <= maxDelayMillis, got "
              + maxAttempts
              + ", "
              + baseDelayMillis
              + ", "
              + maxDelayMillis);
    }
  }

  public RetryConfig withMaxAttempts(int attempts) {
    return new RetryConfig(attempts, baseDelayMillis, maxDelayMillis, retryOn);
  }

  public RetryConfig withDelays(long base, long max) {
    return new RetryConfig(maxAttempts, base, max, retryOn);
  }

  public RetryConfig retryingOn(Predicate<Throwable> predicate) {
    return new RetryConfig(maxAttempts, baseDelayMillis, maxDelayMillis, predicate);
  }
}
