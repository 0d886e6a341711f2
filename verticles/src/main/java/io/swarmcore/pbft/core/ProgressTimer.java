package io.swarmcore.pbft.core;

import java.util.OptionalLong;

/**
 * When a replica gives up on the current view (docs/PROTOCOL.md, "View change", "Liveness"). It
 * runs on logical time supplied by the caller: armed while work is waiting, it expires when no
 * block finalizes for the current timeout, and the timeout doubles with each view that fails in a
 * row (capped), so that after stabilization some correct leader's view lasts long enough. A
 * finalized block resets the backoff.
 *
 * <p>The timeout is also at least {@value #SLOW_FACTOR} times the longest recent wait for a block
 * in a working view (decaying by an eighth with each block): on a loaded machine, where a correct
 * leader's blocks take longer than the base timeout, views are not abandoned one after another
 * (each view change adding load). Waits that spanned a failed view are not counted, so a crashed
 * leader is still replaced after the base timeout when blocks were quick before.
 */
public final class ProgressTimer {
  static final int SLOW_FACTOR = 4;

  private final long baseTimeout;
  private final long maxTimeout;
  private int failedViews;
  private long deadline = -1;
  // When the current wait for progress began, or -1 when it is not measured (idle, or a view
  // failed during it).
  private long waitingSince = -1;
  private long slowestRecentWait;

  public ProgressTimer(long baseTimeout, long maxTimeout) {
    if (baseTimeout < 1 || maxTimeout < baseTimeout) {
      throw new IllegalArgumentException(
          "view timeout base " + baseTimeout + " and cap " + maxTimeout + " need 1 ≤ base ≤ cap");
    }
    this.baseTimeout = baseTimeout;
    this.maxTimeout = maxTimeout;
  }

  /**
   * The timeout for the current view: the base (or {@value #SLOW_FACTOR} times the slowest recent
   * wait for a block, if longer) · 2^(failed views in a row), at most the cap.
   */
  public long timeout() {
    long base =
        slowestRecentWait > baseTimeout / SLOW_FACTOR
            ? Math.min(maxTimeout, slowestRecentWait * SLOW_FACTOR)
            : baseTimeout;
    // The shift keeps the sign bit clear only while it is below the leading zeros.
    if (failedViews >= Long.numberOfLeadingZeros(base)) {
      return maxTimeout;
    }
    return Math.min(base << failedViews, maxTimeout);
  }

  /** Work is waiting (a proposal or client request not yet final): start counting if idle. */
  public void workPending(long now) {
    if (deadline < 0) {
      deadline = deadlineAfter(now);
      waitingSince = now;
    }
  }

  /** A block finalized: the view works. Keep counting only if more work waits. */
  public void progressed(long now, boolean moreWorkPending) {
    if (waitingSince >= 0 && now >= waitingSince) {
      slowestRecentWait = Math.max(now - waitingSince, slowestRecentWait - slowestRecentWait / 8);
    } else {
      slowestRecentWait -= slowestRecentWait / 8;
    }
    failedViews = 0;
    deadline = moreWorkPending ? deadlineAfter(now) : -1;
    waitingSince = moreWorkPending ? now : -1;
  }

  /** A new view was entered: give it a full timeout of its own, keeping the backoff. */
  public void restart(long now) {
    deadline = deadlineAfter(now);
    waitingSince = -1; // the view change's own time says nothing about how long blocks take
  }

  /** Nothing waits: stop counting without resetting the backoff. */
  public void stop() {
    deadline = -1;
    waitingSince = -1;
  }

  /**
   * Logical time advanced. Returns true once when the view has made no progress in time; the caller
   * then starts a view change, and the timer counts again, twice as long, for the next view.
   */
  public boolean tick(long now) {
    if (deadline < 0 || now < deadline) {
      return false;
    }
    failedViews++;
    deadline = deadlineAfter(now);
    waitingSince = -1;
    return true;
  }

  private long deadlineAfter(long now) {
    long timeout = timeout();
    return now > Long.MAX_VALUE - timeout ? Long.MAX_VALUE : now + timeout;
  }

  /** When the caller should next tick, if the timer is armed. */
  public OptionalLong deadline() {
    return deadline < 0 ? OptionalLong.empty() : OptionalLong.of(deadline);
  }

  public int failedViewsInARow() {
    return failedViews;
  }
}
