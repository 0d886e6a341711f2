package io.swarmcore.resilience.core;

import java.util.Arrays;

/**
 * The outcomes of the calls of the last {@code windowMillis}, cut into {@code buckets} buckets of
 * {@code bucketMillis = windowMillis / buckets} (rounded down). Buckets are aligned on multiples of
 * {@code bucketMillis}; the newest bucket holds the current time, and a bucket is forgotten as a
 * whole when time reaches {@code buckets * bucketMillis} after its start.
 *
 * <p>So a call recorded at {@code t} counts at {@code now} if and only if {@code floorDiv(now,
 * bucketMillis) - floorDiv(t, bucketMillis) < buckets}: it counts for at most {@code buckets *
 * bucketMillis <= windowMillis} ms and at least {@code (buckets - 1) * bucketMillis + 1} ms. At the
 * boundary: when {@code bucketMillis} divides {@code windowMillis} and {@code t} starts its bucket,
 * the call still counts at {@code t + windowMillis - 1} and no longer at {@code t + windowMillis}.
 *
 * <p>Recording is O(1) when calls keep coming; after an idle gap the window clears at most {@code
 * buckets} buckets (all of them at once when the gap is a whole window or longer). Running totals
 * make a snapshot O(1) too. Time is compared by subtraction, so it may be any long (wrapping
 * included) as long as it comes from one monotonic clock; a time earlier than the newest bucket
 * counts as the newest bucket. Not thread-safe.
 */
public final class SlidingWindow {
  /** More buckets than this buys no smoothness and costs memory per breaker. */
  public static final int MAX_BUCKETS = 1000;

  private final long windowMillis;
  private final int buckets;
  private final long bucketMillis;
  private final long[] calls;
  private final long[] failures;
  private final long[] slowCalls;
  private long totalCalls;
  private long totalFailures;
  private long totalSlowCalls;

  /** Index of the newest bucket; meaningful only once {@code started}. */
  private int head;

  private long headStartMillis;
  private boolean started;

  public SlidingWindow(long windowMillis, int buckets) {
    checkShape(windowMillis, buckets);
    this.windowMillis = windowMillis;
    this.buckets = buckets;
    this.bucketMillis = windowMillis / buckets;
    this.calls = new long[buckets];
    this.failures = new long[buckets];
    this.slowCalls = new long[buckets];
  }

  static void checkShape(long windowMillis, int buckets) {
    if (windowMillis <= 0) {
      throw new IllegalArgumentException("windowMillis must be > 0, got " + windowMillis);
    }
    if (buckets < 1 || buckets > MAX_BUCKETS) {
      throw new IllegalArgumentException(
          "buckets must be in 1.." + MAX_BUCKETS + ", got " + buckets);
    }
    if (windowMillis < buckets) {
      throw new IllegalArgumentException(
          "windowMillis ("
              + windowMillis
              + ") must be >= buckets ("
              + buckets
              + "): a bucket spans at least 1 ms");
    }
  }

  public long windowMillis() {
    return windowMillis;
  }

  public int buckets() {
    return buckets;
  }

  public long bucketMillis() {
    return bucketMillis;
  }

  /** Counts one call that ended at {@code nowMillis}; a slow call may or may not have failed. */
  public void record(long nowMillis, boolean failure, boolean slow) {
    advance(nowMillis);
    calls[head]++;
    totalCalls++;
    if (failure) {
      failures[head]++;
      totalFailures++;
    }
    if (slow) {
      slowCalls[head]++;
      totalSlowCalls++;
    }
  }

  /** The totals over the window as it stands at {@code nowMillis} (expired buckets dropped). */
  public Snapshot snapshot(long nowMillis) {
    if (started) {
      advance(nowMillis);
    }
    return new Snapshot(totalCalls, totalFailures, totalSlowCalls);
  }

  /** Forgets every call. */
  public void reset() {
    clearAll();
    started = false;
  }

  private void advance(long nowMillis) {
    if (!started) {
      started = true;
      head = 0;
      headStartMillis = nowMillis - Math.floorMod(nowMillis, bucketMillis);
      return;
    }
    long elapsed = nowMillis - headStartMillis;
    if (elapsed < bucketMillis) {
      // Still in the newest bucket, or time went backwards: both count as the newest bucket.
      return;
    }
    long steps = elapsed / bucketMillis;
    if (steps >= buckets) {
      clearAll();
    } else {
      for (long i = 0; i < steps; i++) {
        head = head + 1 == buckets ? 0 : head + 1;
        clear(head);
      }
    }
    // steps * bucketMillis <= elapsed, so no overflow; the sum may wrap, like the clock itself.
    headStartMillis += steps * bucketMillis;
  }

  private void clear(int bucket) {
    totalCalls -= calls[bucket];
    totalFailures -= failures[bucket];
    totalSlowCalls -= slowCalls[bucket];
    calls[bucket] = 0;
    failures[bucket] = 0;
    slowCalls[bucket] = 0;
  }

  private void clearAll() {
    Arrays.fill(calls, 0);
    Arrays.fill(failures, 0);
    Arrays.fill(slowCalls, 0);
    totalCalls = 0;
    totalFailures = 0;
    totalSlowCalls = 0;
  }

  /**
   * The window's totals at one time.
   *
   * @param calls calls recorded in the window
   * @param failures of those, the failed ones
   * @param slowCalls of those, the slow ones (failed or not)
   */
  public record Snapshot(long calls, long failures, long slowCalls) {
    public static final Snapshot EMPTY = new Snapshot(0, 0, 0);

    public Snapshot {
      if (calls < 0 || failures < 0 || slowCalls < 0) {
        throw new IllegalArgumentException(
            "counts must be >= 0, got " + calls + ", " + failures + ", " + slowCalls);
      }
      if (failures > calls || slowCalls > calls) {
        throw new IllegalArgumentException(
            "failures ("
                + failures
                + ") and slow calls ("
                + slowCalls
                + ") cannot exceed calls ("
                + calls
                + ")");
      }
    }

    /** failures / calls, or 0 when there were no calls. */
    public double failureRate() {
      return calls == 0 ? 0 : (double) failures / calls;
    }

    /** slowCalls / calls, or 0 when there were no calls. */
    public double slowCallRate() {
      return calls == 0 ? 0 : (double) slowCalls / calls;
    }
  }
}
