package io.swarmcore.resilience.core;

/**
 * A breaker's answer to "may this call go ahead?". A probe is an admitted trial call in HALF_OPEN:
 * its outcome must be reported with {@code probe = true}. A rejection carries a reason a person can
 * act on and, when the breaker knows it, how long until it admits calls again.
 *
 * @param admitted whether the call may go ahead
 * @param probe whether the call is a half-open trial call (only when admitted)
 * @param retryAfterMillis when rejected: the time until the breaker admits again, or 0 when no time
 *     is known (half-open, waiting for the outcome of the probes in flight); 0 when admitted
 * @param reason why the call was rejected; null when admitted
 */
public record Admission(boolean admitted, boolean probe, long retryAfterMillis, String reason) {
  private static final Admission CALL = new Admission(true, false, 0, null);
  private static final Admission PROBE = new Admission(true, true, 0, null);

  public Admission {
    if (admitted) {
      if (reason != null || retryAfterMillis != 0) {
        throw new IllegalArgumentException(
            "an admitted call has no reason and no retry-after, got reason "
                + reason
                + " and retryAfterMillis "
                + retryAfterMillis);
      }
    } else {
      if (probe) {
        throw new IllegalArgumentException("a rejected call cannot be a probe");
      }
      if (reason == null || reason.isEmpty()) {
        throw new IllegalArgumentException("a rejection needs a reason");
      }
      if (retryAfterMillis < 0) {
        throw new IllegalArgumentException(
            "retryAfterMillis must be >= 0, got " + retryAfterMillis);
      }
    }
  }

  /** An ordinary admitted call. */
  public static Admission call() {
    return CALL;
  }

  /** An admitted half-open trial call. */
  public static Admission probeCall() {
    return PROBE;
  }

  public static Admission rejected(long retryAfterMillis, String reason) {
    return new Admission(false, false, retryAfterMillis, reason);
  }
}
