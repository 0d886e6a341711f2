package io.swarmcore.resilience.core;

import java.util.Locale;
import java.util.Objects;

/**
 * The circuit-breaker trip policy, as a state machine fed with times and call outcomes.
 *
 * <ul>
 *   <li><b>CLOSED</b>: every call is admitted and its outcome recorded in a {@link SlidingWindow}.
 *       After a call, if the window holds at least {@code minRequests} calls and its failure rate
 *       reaches {@code failureRateThreshold} or its slow-call rate reaches {@code
 *       slowCallRateThreshold} (each {@code >=}), the breaker opens for {@code openMillis}.
 *   <li><b>OPEN</b>: calls are rejected with the time left until {@code openUntilMillis}. At that
 *       instant (inclusive) the breaker is HALF_OPEN.
 *   <li><b>HALF_OPEN</b>: exactly {@code permittedProbes} trial calls are admitted ({@code probe =
 *       true}); others are rejected. Any probe failure reopens the breaker at once. When every
 *       probe has succeeded the breaker closes with an empty window, unless the probes' slow-call
 *       rate reaches {@code slowCallRateThreshold}: then it reopens, since closing on calls as slow
 *       as the ones that tripped it would only trip it again.
 * </ul>
 *
 * A call is slow when its duration is at least {@code slowCallDurationMillis}; it is recorded as
 * slow, and as a failure only if it failed. Outcomes of ordinary calls that end while the breaker
 * is OPEN or HALF_OPEN (they were admitted before it opened) are ignored, as are probe outcomes
 * that arrive when no probe is in flight. The caller must report the outcome of every probe it was
 * given (a cancelled or timed-out probe is a failure): HALF_OPEN waits for them.
 *
 * <p>Time goes in as {@code nowMillis} from one monotonic clock and is compared by subtraction, so
 * it may be any long. The OPEN to HALF_OPEN transition happens inside {@link #tryAcquire}, {@link
 * #state} and {@link #window} when time has come; {@link #pollTransition()} hands it to the caller
 * to publish. Transitions caused by an outcome or by {@link #force} are returned directly.
 *
 * <p>Not thread-safe: the caller serializes all calls (one event loop, or a lock).
 */
public final class BreakerPolicy {
  private final BreakerSettings settings;
  private final SlidingWindow window;
  private BreakerState state = BreakerState.CLOSED;
  private long openUntilMillis;
  private int probesIssued;
  private int probesSucceeded;
  private int slowProbes;
  private Transition pending;
  private Transition last;

  public BreakerPolicy(BreakerSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.window = new SlidingWindow(settings.windowMillis(), settings.buckets());
  }

  /**
   * A breaker resuming from state shared by another instance: OPEN stays open until {@code
   * openUntilMillis} (then goes HALF_OPEN as usual); CLOSED and HALF_OPEN resume as CLOSED with an
   * empty window, since neither the other instance's window nor its probes can be carried over.
   */
  public static BreakerPolicy resumed(
      BreakerSettings settings, BreakerState state, long openUntilMillis) {
    Objects.requireNonNull(state, "state");
    BreakerPolicy policy = new BreakerPolicy(settings);
    if (state == BreakerState.OPEN) {
      policy.state = BreakerState.OPEN;
      policy.openUntilMillis = openUntilMillis;
    }
    return policy;
  }

  public BreakerSettings settings() {
    return settings;
  }

  /** Whether a call may go ahead now; in HALF_OPEN an admitted call is a probe. */
  public Admission tryAcquire(long nowMillis) {
    return switch (state(nowMillis)) {
      case CLOSED -> Admission.call();
      case OPEN -> {
        long left = openUntilMillis - nowMillis;
        yield Admission.rejected(left, "circuit open for another " + left + " ms");
      }
      case HALF_OPEN -> {
        if (probesIssued < settings.permittedProbes()) {
          probesIssued++;
          yield Admission.probeCall();
        }
        int inFlight = probesIssued - probesSucceeded;
        yield Admission.rejected(
            0,
            inFlight == probesIssued
                ? "half-open: all " + probesIssued + " probes in flight"
                : "half-open: all "
                    + probesIssued
                    + " probes issued, "
                    + inFlight
                    + " still in flight");
      }
    };
  }

  /**
   * Records the success of an admitted call that ended at {@code nowMillis} after {@code
   * durationMillis}; returns the transition it caused, or null.
   */
  /**
   * An admitted call that never reached the dependency (a rate limiter or bulkhead behind the
   * breaker refused it): nothing is recorded, and a probe is handed back so half-open is not left
   * waiting for it.
   */
  public void onCancelled(boolean probe) {
    if (state == BreakerState.HALF_OPEN && probe && probesIssued > probesSucceeded) {
      probesIssued--;
    }
  }

  public Transition onSuccess(long nowMillis, long durationMillis, boolean probe) {
    return onOutcome(nowMillis, durationMillis, probe, false);
  }

  /**
   * Records the failure of an admitted call that ended at {@code nowMillis} after {@code
   * durationMillis}; returns the transition it caused, or null.
   */
  public Transition onFailure(long nowMillis, long durationMillis, boolean probe) {
    return onOutcome(nowMillis, durationMillis, probe, true);
  }

  private Transition onOutcome(long nowMillis, long durationMillis, boolean probe, boolean failed) {
    if (durationMillis < 0) {
      throw new IllegalArgumentException("durationMillis must be >= 0, got " + durationMillis);
    }
    boolean slow = durationMillis >= settings.slowCallDurationMillis();
    if (state == BreakerState.CLOSED) {
      // A probe that outlived its half-open period (e.g. the breaker was forced closed) is still
      // a real call to the service, so it is counted like any other.
      window.record(nowMillis, failed, slow);
      return tripIfOverThreshold(nowMillis);
    }
    if (state != BreakerState.HALF_OPEN || !probe || probesSucceeded == probesIssued) {
      return null;
    }
    if (failed) {
      return open(nowMillis, "probe failed after " + durationMillis + " ms");
    }
    probesSucceeded++;
    if (slow) {
      slowProbes++;
    }
    int permitted = settings.permittedProbes();
    if (probesSucceeded < permitted) {
      return null;
    }
    if ((double) slowProbes / permitted >= settings.slowCallRateThreshold()) {
      return open(
          nowMillis,
          String.format(
              Locale.ROOT,
              "%d of %d probes were slow (>= %d ms): slow-call rate %s reached the %s threshold",
              slowProbes,
              permitted,
              settings.slowCallDurationMillis(),
              percent((double) slowProbes / permitted),
              percent(settings.slowCallRateThreshold())));
    }
    window.reset();
    return moveTo(BreakerState.CLOSED, nowMillis, "all " + permitted + " probes succeeded");
  }

  private Transition tripIfOverThreshold(long nowMillis) {
    SlidingWindow.Snapshot counts = window.snapshot(nowMillis);
    if (counts.calls() < settings.minRequests()) {
      return null;
    }
    if (counts.failureRate() >= settings.failureRateThreshold()) {
      return open(
          nowMillis,
          String.format(
              Locale.ROOT,
              "failure rate %s (%d of %d calls) reached the %s threshold",
              percent(counts.failureRate()),
              counts.failures(),
              counts.calls(),
              percent(settings.failureRateThreshold())));
    }
    if (counts.slowCallRate() >= settings.slowCallRateThreshold()) {
      return open(
          nowMillis,
          String.format(
              Locale.ROOT,
              "slow-call rate %s (%d of %d calls >= %d ms) reached the %s threshold",
              percent(counts.slowCallRate()),
              counts.slowCalls(),
              counts.calls(),
              settings.slowCallDurationMillis(),
              percent(settings.slowCallRateThreshold())));
    }
    return null;
  }

  private static String percent(double rate) {
    return String.format(Locale.ROOT, "%.1f%%", rate * 100);
  }

  /**
   * The state at {@code nowMillis}: an OPEN breaker whose time has come turns HALF_OPEN here, and
   * that transition is then available from {@link #pollTransition()}.
   */
  public BreakerState state(long nowMillis) {
    if (state == BreakerState.OPEN && nowMillis - openUntilMillis >= 0) {
      Transition halfOpen =
          moveTo(
              BreakerState.HALF_OPEN,
              nowMillis,
              "open for " + settings.openMillis() + " ms, admitting probes");
      pending = halfOpen;
    }
    return state;
  }

  /**
   * The transition that time caused inside {@link #tryAcquire}, {@link #state} or {@link #window}
   * since the last poll, or null; clears it. Only the latest is kept, so poll after each of those
   * calls to publish every transition.
   */
  public Transition pollTransition() {
    Transition polled = pending;
    pending = null;
    return polled;
  }

  /** The most recent transition of any cause, or null if the state never changed; not cleared. */
  public Transition lastTransition() {
    return last;
  }

  /**
   * When the current (or, outside OPEN, the latest) open period ends; 0 if the breaker has never
   * been open. Shared with other instances together with the state, see {@link #resumed}.
   */
  public long openUntilMillis() {
    return openUntilMillis;
  }

  /**
   * The sliding window's totals at {@code nowMillis}. Calls are recorded only while CLOSED, so in
   * OPEN and HALF_OPEN this is what tripped the breaker (less what has expired since).
   */
  public SlidingWindow.Snapshot window(long nowMillis) {
    state(nowMillis);
    return window.snapshot(nowMillis);
  }

  /**
   * Forces {@code target} (an operator action, or state learned from another instance), with the
   * entry action of that state even if the breaker is in it already: OPEN opens for {@code
   * openMillis} from now, HALF_OPEN starts a fresh round of probes, CLOSED empties the window.
   * Returns the transition, or null when the state did not change.
   */
  public Transition force(BreakerState target, long nowMillis) {
    Objects.requireNonNull(target, "target");
    return switch (target) {
      case OPEN -> open(nowMillis, "forced open");
      case HALF_OPEN -> moveTo(BreakerState.HALF_OPEN, nowMillis, "forced half-open");
      case CLOSED -> {
        window.reset();
        yield moveTo(BreakerState.CLOSED, nowMillis, "forced closed");
      }
    };
  }

  private Transition open(long nowMillis, String reason) {
    // May wrap for a clock near Long.MAX_VALUE; every comparison is by subtraction.
    openUntilMillis = nowMillis + settings.openMillis();
    return moveTo(BreakerState.OPEN, nowMillis, reason);
  }

  /** Enters {@code to}; returns the transition, or null if the breaker was in it already. */
  private Transition moveTo(BreakerState to, long nowMillis, String reason) {
    probesIssued = 0;
    probesSucceeded = 0;
    slowProbes = 0;
    if (state == to) {
      return null;
    }
    Transition transition = new Transition(state, to, nowMillis, reason);
    state = to;
    last = transition;
    return transition;
  }
}
