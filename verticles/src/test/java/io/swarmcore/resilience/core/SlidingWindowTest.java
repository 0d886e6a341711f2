package io.swarmcore.resilience.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmcore.resilience.core.SlidingWindow.Snapshot;
import org.junit.jupiter.api.Test;

class SlidingWindowTest {
  @Test
  void countsCallsFailuresAndSlowCallsSeparately() {
    SlidingWindow window = new SlidingWindow(1_000, 10);
    window.record(0, false, false);
    window.record(1, true, false);
    window.record(2, false, true);
    window.record(3, true, true);
    Snapshot snapshot = window.snapshot(4);
    assertThat(snapshot).isEqualTo(new Snapshot(4, 2, 2));
    assertThat(snapshot.failureRate()).isEqualTo(0.5);
    assertThat(snapshot.slowCallRate()).isEqualTo(0.5);
  }

  @Test
  void anEmptyWindowHasZeroRates() {
    SlidingWindow window = new SlidingWindow(1_000, 10);
    assertThat(window.snapshot(123)).isEqualTo(Snapshot.EMPTY);
    assertThat(Snapshot.EMPTY.failureRate()).isZero();
    assertThat(Snapshot.EMPTY.slowCallRate()).isZero();
  }

  @Test
  void bucketsExpireOneAtATimeOnTheirBoundary() {
    SlidingWindow window = new SlidingWindow(1_000, 10);
    for (int bucket = 0; bucket < 10; bucket++) {
      // bucket + 1 calls in bucket number `bucket`, so each expiry drops a known count.
      for (int i = 0; i <= bucket; i++) {
        window.record(bucket * 100L + 50, i == 0, false);
      }
    }
    assertThat(window.snapshot(999)).isEqualTo(new Snapshot(55, 10, 0));
    long expected = 55;
    for (int bucket = 0; bucket < 10; bucket++) {
      long expiry = bucket * 100L + 1_000;
      assertThat(window.snapshot(expiry - 1).calls()).isEqualTo(expected);
      expected -= bucket + 1;
      assertThat(window.snapshot(expiry).calls()).as("at %d", expiry).isEqualTo(expected);
      assertThat(window.snapshot(expiry).failures()).isEqualTo(9 - bucket);
    }
    assertThat(window.snapshot(1_900)).isEqualTo(Snapshot.EMPTY);
  }

  @Test
  void aCallAtABucketStartCountsForExactlyTheWindow() {
    SlidingWindow window = new SlidingWindow(1_000, 10);
    window.record(5_000, true, false);
    assertThat(window.snapshot(5_999).calls()).isEqualTo(1);
    assertThat(window.snapshot(6_000).calls()).isZero();
  }

  @Test
  void aCallLateInItsBucketLeavesWithItsBucket() {
    // Bucket granularity: the call at 5_099 belongs to the bucket [5_000, 5_100), so it counts
    // for 901 ms only; never longer than the window.
    SlidingWindow window = new SlidingWindow(1_000, 10);
    window.record(5_099, true, false);
    assertThat(window.snapshot(5_999).calls()).isEqualTo(1);
    assertThat(window.snapshot(6_000).calls()).isZero();
  }

  @Test
  void anUnevenSplitRoundsTheBucketDownSoTheWindowNeverLastsLonger() {
    SlidingWindow window = new SlidingWindow(1_000, 3);
    assertThat(window.bucketMillis()).isEqualTo(333);
    window.record(0, false, false);
    assertThat(window.snapshot(998).calls()).isEqualTo(1);
    assertThat(window.snapshot(999).calls()).isZero();
  }

  @Test
  void anIdleGapOfAWholeWindowOrMoreClearsEverything() {
    SlidingWindow window = new SlidingWindow(1_000, 10);
    for (int t = 0; t < 1_000; t += 7) {
      window.record(t, true, true);
    }
    assertThat(window.snapshot(999).calls()).isEqualTo(143);
    window.record(1_000_000_000L, false, false);
    assertThat(window.snapshot(1_000_000_000L)).isEqualTo(new Snapshot(1, 0, 0));
    assertThat(window.snapshot(Long.MAX_VALUE - 1)).isEqualTo(Snapshot.EMPTY);
  }

  @Test
  void aGapShorterThanTheWindowKeepsTheYoungerBuckets() {
    SlidingWindow window = new SlidingWindow(1_000, 10);
    window.record(0, true, false);
    window.record(450, true, false);
    window.record(1_320, false, false);
    assertThat(window.snapshot(1_320)).isEqualTo(new Snapshot(2, 1, 0));
    assertThat(window.snapshot(1_400)).isEqualTo(new Snapshot(1, 0, 0));
  }

  @Test
  void negativeTimesAlignOnTheSameGrid() {
    SlidingWindow window = new SlidingWindow(1_000, 10);
    window.record(-150, true, false); // bucket [-200, -100)
    assertThat(window.snapshot(799).calls()).isEqualTo(1);
    assertThat(window.snapshot(800).calls()).isZero();
  }

  @Test
  void theWindowKeepsWorkingAcrossTheClockWrappingAround() {
    SlidingWindow window = new SlidingWindow(1_000, 10);
    long start = Long.MAX_VALUE - 450;
    window.record(start, true, false);
    window.record(start + 500, true, false); // wraps to a negative time
    assertThat(start + 500).isNegative();
    assertThat(window.snapshot(start + 600).calls()).isEqualTo(2);
    assertThat(window.snapshot(start + 1_100).calls()).isEqualTo(1);
    assertThat(window.snapshot(start + 1_600).calls()).isZero();
  }

  @Test
  void aTimeBeforeTheNewestBucketCountsAsTheNewestBucket() {
    SlidingWindow window = new SlidingWindow(1_000, 10);
    window.record(2_000, false, false);
    window.record(500, true, false);
    assertThat(window.snapshot(400)).isEqualTo(new Snapshot(2, 1, 0));
    assertThat(window.snapshot(2_999).calls()).isEqualTo(2);
    assertThat(window.snapshot(3_000).calls()).isZero();
  }

  @Test
  void resetForgetsEverythingAndRealignsOnTheNextCall() {
    SlidingWindow window = new SlidingWindow(1_000, 10);
    window.record(10, true, true);
    window.reset();
    assertThat(window.snapshot(10)).isEqualTo(Snapshot.EMPTY);
    window.record(-5_000, false, false);
    assertThat(window.snapshot(-4_001).calls()).isEqualTo(1);
    assertThat(window.snapshot(-4_000).calls()).isZero();
  }

  @Test
  void shapeAndSnapshotsAreValidated() {
    assertThatThrownBy(() -> new SlidingWindow(0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("windowMillis must be > 0, got 0");
    assertThatThrownBy(() -> new SlidingWindow(5, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("windowMillis (5) must be >= buckets (10): a bucket spans at least 1 ms");
    assertThatThrownBy(() -> new Snapshot(1, 2, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("failures (2) and slow calls (0) cannot exceed calls (1)");
    assertThatThrownBy(() -> new Snapshot(-1, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("counts must be >= 0, got -1, 0, 0");
  }
}
