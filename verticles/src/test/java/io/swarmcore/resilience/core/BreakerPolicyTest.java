package io.swarmcore.resilience.core;

import static io.swarmcore.resilience.core.BreakerState.CLOSED;
import static io.swarmcore.resilience.core.BreakerState.HALF_OPEN;
import static io.swarmcore.resilience.core.BreakerState.OPEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BreakerPolicyTest {
  /** 20 calls, half of them failing, trip it; open for 60 s; 3 probes; slow from 1 s. */
  private static final BreakerSettings SETTINGS =
      BreakerSettings.builder()
          .failureRateThreshold(0.5)
          .slowCallRateThreshold(0.5)
          .slowCallDurationMillis(1_000)
          .minRequests(20)
          .openMillis(60_000)
          .windowMillis(10_000)
          .buckets(10)
          .permittedProbes(3)
          .build();

  @Test
  void tripsOnTheCallThatReachesTheFailureThreshold() {
    BreakerPolicy breaker = new BreakerPolicy(SETTINGS);
    for (int i = 0; i < 10; i++) {
      assertThat(call(breaker, 1_000 + i, true)).isNull();
    }
    // 10 of 19 is over the threshold, but 19 calls are fewer than minRequests.
    for (int i = 10; i < 19; i++) {
      assertThat(call(breaker, 1_000 + i, false)).isNull();
    }
    assertThat(breaker.state(1_019)).isEqualTo(CLOSED);

    Transition trip = call(breaker, 1_019, false);

    assertThat(trip.from()).isEqualTo(CLOSED);
    assertThat(trip.to()).isEqualTo(OPEN);
    assertThat(trip.atMillis()).isEqualTo(1_019);
    assertThat(trip.reason())
        .isEqualTo("failure rate 50.0% (10 of 20 calls) reached the 50.0% threshold");
    assertThat(breaker.openUntilMillis()).isEqualTo(61_019);
    assertThat(breaker.lastTransition()).isEqualTo(trip);
  }

  @Test
  void staysClosedJustBelowTheThreshold() {
    BreakerPolicy breaker = new BreakerPolicy(SETTINGS);
    for (int i = 0; i < 9; i++) {
      assertThat(call(breaker, i, true)).isNull();
    }
    for (int i = 9; i < 40; i++) {
      assertThat(call(breaker, i, false)).isNull();
    }
    assertThat(breaker.state(40)).isEqualTo(CLOSED);
    assertThat(breaker.window(40)).isEqualTo(new SlidingWindow.Snapshot(40, 9, 0));
    assertThat(breaker.tryAcquire(40)).isEqualTo(new Admission(true, false, 0, null));
  }

  @Test
  void neverTripsBeforeMinRequestsEvenWhenEveryCallFails() {
    BreakerPolicy breaker = new BreakerPolicy(SETTINGS);
    for (int i = 0; i < 19; i++) {
      assertThat(breaker.tryAcquire(i).admitted()).isTrue();
      assertThat(breaker.onFailure(i, 5, false)).isNull();
    }
    assertThat(breaker.onFailure(19, 5, false).to()).isEqualTo(OPEN);
  }

  @Test
  void aSlowCallRateAtTheThresholdTripsEvenWhenEveryCallSucceeds() {
    BreakerPolicy breaker = new BreakerPolicy(SETTINGS);
    for (int i = 0; i < 10; i++) {
      assertThat(breaker.onSuccess(i, 999, false)).as("999 ms is not slow").isNull();
    }
    for (int i = 10; i < 19; i++) {
      assertThat(breaker.onSuccess(i, 1_000, false)).isNull();
    }
    Transition trip = breaker.onSuccess(19, 1_000, false);
    assertThat(trip.to()).isEqualTo(OPEN);
    assertThat(trip.reason())
        .isEqualTo("slow-call rate 50.0% (10 of 20 calls >= 1000 ms) reached the 50.0% threshold");
    assertThat(breaker.window(19)).isEqualTo(new SlidingWindow.Snapshot(20, 0, 10));
  }

  @Test
  void aSlowFailureCountsAsBothSlowAndFailed() {
    BreakerPolicy breaker = new BreakerPolicy(SETTINGS);
    breaker.onFailure(0, 5_000, false);
    breaker.onSuccess(0, 5_000, false);
    breaker.onFailure(0, 5, false);
    assertThat(breaker.window(0)).isEqualTo(new SlidingWindow.Snapshot(3, 2, 2));
  }

  @Test
  void openRejectsWithTheTimeLeftAndTurnsHalfOpenExactlyAtOpenUntil() {
    BreakerPolicy breaker = tripped(1_000);
    assertThat(breaker.openUntilMillis()).isEqualTo(61_000);

    assertThat(breaker.tryAcquire(1_000))
        .isEqualTo(new Admission(false, false, 60_000, "circuit open for another 60000 ms"));
    assertThat(breaker.tryAcquire(60_999))
        .isEqualTo(new Admission(false, false, 1, "circuit open for another 1 ms"));
    assertThat(breaker.state(60_999)).isEqualTo(OPEN);
    assertThat(breaker.pollTransition()).isNull();

    Admission probe = breaker.tryAcquire(61_000);

    assertThat(probe).isEqualTo(new Admission(true, true, 0, null));
    Transition halfOpen = breaker.pollTransition();
    assertThat(halfOpen).isEqualTo(new Transition(OPEN, HALF_OPEN, 61_000, halfOpen.reason()));
    assertThat(halfOpen.reason()).isEqualTo("open for 60000 ms, admitting probes");
    assertThat(breaker.pollTransition()).as("polling clears it").isNull();
  }

  @Test
  void stateReportsTheHalfOpenTransitionOnce() {
    BreakerPolicy breaker = tripped(0);
    assertThat(breaker.state(70_000)).isEqualTo(HALF_OPEN);
    assertThat(breaker.state(70_001)).isEqualTo(HALF_OPEN);
    assertThat(breaker.pollTransition().atMillis()).isEqualTo(70_000);
    assertThat(breaker.pollTransition()).isNull();
  }

  @Test
  void halfOpenAdmitsExactlyThePermittedProbesAndClosesWhenAllSucceed() {
    BreakerPolicy breaker = tripped(0);
    long t = 60_000;
    for (int i = 0; i < 3; i++) {
      assertThat(breaker.tryAcquire(t).probe()).isTrue();
    }
    assertThat(breaker.tryAcquire(t))
        .isEqualTo(new Admission(false, false, 0, "half-open: all 3 probes in flight"));

    assertThat(breaker.onSuccess(t + 10, 10, true)).isNull();
    assertThat(breaker.tryAcquire(t + 10).reason())
        .isEqualTo("half-open: all 3 probes issued, 2 still in flight");
    assertThat(breaker.onSuccess(t + 20, 20, true)).isNull();
    Transition close = breaker.onSuccess(t + 30, 30, true);

    assertThat(close)
        .isEqualTo(new Transition(HALF_OPEN, CLOSED, t + 30, "all 3 probes succeeded"));
    assertThat(breaker.state(t + 30)).isEqualTo(CLOSED);
    assertThat(breaker.window(t + 30))
        .as("the window that tripped it is gone")
        .isEqualTo(SlidingWindow.Snapshot.EMPTY);
    assertThat(breaker.tryAcquire(t + 30)).isEqualTo(new Admission(true, false, 0, null));
  }

  @Test
  void aProbeFailureReopensAtOnce() {
    BreakerPolicy breaker = tripped(0);
    long t = 60_000;
    breaker.tryAcquire(t);
    breaker.tryAcquire(t);
    breaker.onSuccess(t + 5, 5, true);

    Transition reopen = breaker.onFailure(t + 7, 7, true);

    assertThat(reopen).isEqualTo(new Transition(HALF_OPEN, OPEN, t + 7, "probe failed after 7 ms"));
    assertThat(breaker.openUntilMillis()).isEqualTo(t + 7 + 60_000);
    assertThat(breaker.tryAcquire(t + 8).retryAfterMillis()).isEqualTo(59_999);
    // The other probe finishing late changes nothing.
    assertThat(breaker.onSuccess(t + 9, 9, true)).isNull();
    assertThat(breaker.state(t + 9)).isEqualTo(OPEN);
  }

  @Test
  void slowProbesReopenInsteadOfClosing() {
    BreakerPolicy breaker = tripped(0);
    long t = 60_000;
    for (int i = 0; i < 3; i++) {
      breaker.tryAcquire(t);
    }
    breaker.onSuccess(t + 1_000, 1_000, true);
    breaker.onSuccess(t + 1_000, 1_000, true);
    Transition reopen = breaker.onSuccess(t + 1_000, 10, true);
    assertThat(reopen.to()).isEqualTo(OPEN);
    assertThat(reopen.reason())
        .isEqualTo(
            "2 of 3 probes were slow (>= 1000 ms): slow-call rate 66.7% reached the 50.0%"
                + " threshold");
  }

  @Test
  void outcomesThatBelongToNoCurrentProbeAreIgnored() {
    BreakerPolicy breaker = tripped(0);
    assertThat(breaker.onFailure(1, 1, false)).as("admitted before the trip").isNull();
    assertThat(breaker.onSuccess(1, 1, true)).as("no probe was issued").isNull();
    assertThat(breaker.state(60_000)).isEqualTo(HALF_OPEN);
    assertThat(breaker.onFailure(60_000, 1, false)).isNull();
    assertThat(breaker.onSuccess(60_000, 1, true)).as("no probe in flight yet").isNull();
    for (int i = 0; i < 3; i++) {
      assertThat(breaker.tryAcquire(60_000).probe()).isTrue();
    }
    assertThat(breaker.state(60_000)).isEqualTo(HALF_OPEN);
  }

  @Test
  void theWindowForgetsCallsOlderThanWindowMillis() {
    // 19 failures at 0 and one more: 20 in the window trips it, 1 does not.
    BreakerPolicy justInside = new BreakerPolicy(SETTINGS);
    BreakerPolicy justOutside = new BreakerPolicy(SETTINGS);
    for (int i = 0; i < 19; i++) {
      justInside.onFailure(0, 1, false);
      justOutside.onFailure(0, 1, false);
    }
    assertThat(justInside.onFailure(9_999, 1, false).to()).isEqualTo(OPEN);
    assertThat(justOutside.onFailure(10_000, 1, false)).isNull();
    assertThat(justOutside.window(10_000)).isEqualTo(new SlidingWindow.Snapshot(1, 1, 0));
  }

  @Test
  void resumedOpenRejectsUntilTheSharedOpenUntil() {
    BreakerPolicy breaker = BreakerPolicy.resumed(SETTINGS, OPEN, 5_000);
    assertThat(breaker.openUntilMillis()).isEqualTo(5_000);
    assertThat(breaker.tryAcquire(0).retryAfterMillis()).isEqualTo(5_000);
    assertThat(breaker.tryAcquire(4_999).retryAfterMillis()).isEqualTo(1);
    assertThat(breaker.tryAcquire(5_000).probe()).isTrue();
    assertThat(breaker.pollTransition().to()).isEqualTo(HALF_OPEN);
  }

  @Test
  void resumedClosedOrHalfOpenStartsClosedAndEmpty() {
    for (BreakerState state : new BreakerState[] {CLOSED, HALF_OPEN}) {
      BreakerPolicy breaker = BreakerPolicy.resumed(SETTINGS, state, 5_000);
      assertThat(breaker.state(0)).isEqualTo(CLOSED);
      assertThat(breaker.tryAcquire(0).probe()).isFalse();
      assertThat(breaker.window(0)).isEqualTo(SlidingWindow.Snapshot.EMPTY);
      assertThat(breaker.lastTransition()).isNull();
    }
  }

  @Test
  void forceAppliesTheStateAndReportsOnlyChanges() {
    BreakerPolicy breaker = new BreakerPolicy(SETTINGS);
    breaker.onFailure(0, 1, false);

    assertThat(breaker.force(OPEN, 100))
        .isEqualTo(new Transition(CLOSED, OPEN, 100, "forced open"));
    assertThat(breaker.openUntilMillis()).isEqualTo(60_100);
    assertThat(breaker.force(OPEN, 200)).as("already open").isNull();
    assertThat(breaker.openUntilMillis()).as("but the open period restarts").isEqualTo(60_200);

    assertThat(breaker.force(HALF_OPEN, 300).to()).isEqualTo(HALF_OPEN);
    assertThat(breaker.tryAcquire(300).probe()).isTrue();

    assertThat(breaker.force(CLOSED, 400))
        .isEqualTo(new Transition(HALF_OPEN, CLOSED, 400, "forced closed"));
    assertThat(breaker.window(400)).isEqualTo(SlidingWindow.Snapshot.EMPTY);
    assertThat(breaker.force(CLOSED, 500)).isNull();
  }

  @Test
  void aLateProbeAfterAForcedCloseCountsAsAnOrdinaryCall() {
    BreakerPolicy breaker = tripped(0);
    assertThat(breaker.tryAcquire(60_000).probe()).isTrue();
    breaker.force(CLOSED, 60_001);
    breaker.onFailure(60_002, 2, true);
    assertThat(breaker.window(60_002)).isEqualTo(new SlidingWindow.Snapshot(1, 1, 0));
  }

  @Test
  void timesMayWrapAroundLikeNanoTime() {
    BreakerSettings shortOpen = SETTINGS.toBuilder().minRequests(1).openMillis(100).build();
    BreakerPolicy breaker = new BreakerPolicy(shortOpen);
    long start = Long.MAX_VALUE - 10;
    assertThat(breaker.onFailure(start, 1, false).to()).isEqualTo(OPEN);
    assertThat(breaker.openUntilMillis()).isNegative();
    assertThat(breaker.tryAcquire(Long.MAX_VALUE).retryAfterMillis()).isEqualTo(90);
    assertThat(breaker.tryAcquire(start + 99).retryAfterMillis()).isEqualTo(1);
    assertThat(breaker.tryAcquire(start + 100).probe()).isTrue();
  }

  @Test
  void argumentsAreValidated() {
    BreakerPolicy breaker = new BreakerPolicy(SETTINGS);
    assertThatThrownBy(() -> breaker.onSuccess(0, -1, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("durationMillis must be >= 0, got -1");
    assertThatThrownBy(() -> new Transition(OPEN, OPEN, 0, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a transition changes the state, got OPEN twice");
    assertThatThrownBy(() -> new Admission(false, false, 1, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a rejection needs a reason");
  }

  @Test
  void gaugeValuesAreFixed() {
    assertThat(CLOSED.gaugeValue()).isZero();
    assertThat(OPEN.gaugeValue()).isEqualTo(1);
    assertThat(HALF_OPEN.gaugeValue()).isEqualTo(2);
  }

  private static Transition call(BreakerPolicy breaker, long now, boolean fails) {
    assertThat(breaker.tryAcquire(now).admitted()).isTrue();
    return fails ? breaker.onFailure(now, 5, false) : breaker.onSuccess(now, 5, false);
  }

  /** A breaker that tripped at {@code at} (open until at + 60 s). */
  private static BreakerPolicy tripped(long at) {
    BreakerPolicy breaker = new BreakerPolicy(SETTINGS);
    Transition trip = null;
    for (int i = 0; i < 20; i++) {
      trip = breaker.onFailure(at, 1, false);
    }
    assertThat(trip.to()).isEqualTo(OPEN);
    return breaker;
  }
}
