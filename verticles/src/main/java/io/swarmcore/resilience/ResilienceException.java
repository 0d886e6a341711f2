package io.swarmcore.resilience;

/**
 * A call refused or abandoned by a resilience component. The {@link Kind} tells callers what
 * happened without parsing messages; the message says it to people.
 */
public class ResilienceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What stopped the call. */
  public enum Kind {
    /** The circuit breaker is open (or half-open with every probe in flight). */
    CIRCUIT_OPEN,
    /** No token was available (within the allowed wait). */
    RATE_LIMITED,
    /** Every concurrent slot and queue place was taken, or the queue wait ran out. */
    BULKHEAD_FULL,
    /** Every attempt failed; the cause is the last failure. */
    RETRIES_EXHAUSTED
  }

  private final Kind kind;
  private final String component;
  private final long retryAfterMillis;

  public ResilienceException(
      Kind kind, String component, String message, long retryAfterMillis, Throwable cause) {
    super(kind + " (" + component + "): " + message, cause, false, false);
    this.kind = kind;
    this.component = component;
    this.retryAfterMillis = retryAfterMillis;
  }

  public static ResilienceException circuitOpen(String name, long retryAfterMillis, String reason) {
    return new ResilienceException(Kind.CIRCUIT_OPEN, name, reason, retryAfterMillis, null);
  }

  public static ResilienceException rateLimited(String name, long retryAfterMillis) {
    return new ResilienceException(
        Kind.RATE_LIMITED,
        name,
        "no token available; the next one is free in " + retryAfterMillis + " ms",
        retryAfterMillis,
        null);
  }

  public static ResilienceException bulkheadFull(String name, String reason) {
    return new ResilienceException(Kind.BULKHEAD_FULL, name, reason, 0, null);
  }

  public static ResilienceException retriesExhausted(String name, int attempts, Throwable last) {
    return new ResilienceException(
        Kind.RETRIES_EXHAUSTED,
        name,
        attempts + " attempts failed; the last with: " + last,
        0,
        last);
  }

  public Kind kind() {
    return kind;
  }

  /** The name of the component that refused the call. */
  public String component() {
    return component;
  }

  /** When the refusal says when to try again (open breaker, empty bucket): how long; else 0. */
  public long retryAfterMillis() {
    return retryAfterMillis;
  }
}
