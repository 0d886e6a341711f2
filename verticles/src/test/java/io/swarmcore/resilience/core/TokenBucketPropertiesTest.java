package io.swarmcore.resilience.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.resilience.core.TokenBucket.Grant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Random schedules of requests, at times starting anywhere in the long range (so nanoTime-style
 * wrap-around is covered) and spaced in fractions of the refill interval.
 */
class TokenBucketPropertiesTest {
  /** Time since the previous request in thousandths of an interval, tokens asked, partial grant. */
  record Step(int gapPermille, int tokens, boolean partial) {
    long gapNanos(long intervalNanos) {
      return intervalNanos * gapPermille / 1000;
    }
  }

  /**
   * The rate guarantee: for any i <= j, the tokens granted to requests i..j (made at t_i <= ... <=
   * t_j) add up to at most capacity + floor((t_j - t_i) / intervalNanos). This implies the capacity
   * + ceil((t1 - t0) / interval) bound for any interval [t0, t1], and capacity + rate * t.
   */
  @Property(tries = 500)
  void grantsInAnyIntervalNeverExceedCapacityPlusRefills(
      @ForAll @IntRange(min = 1, max = 20) int capacity,
      @ForAll @IntRange(min = 1, max = 1_000_000_000) int refillPerSecond,
      @ForAll long start,
      @ForAll("schedules") List<Step> schedule) {
    long interval = new TokenBucket(capacity, refillPerSecond).intervalNanos();
    int n = schedule.size();
    long[] offset = new long[n];
    long[] granted = new long[n];
    long tat = TokenBucket.FULL;
    long elapsed = 0;
    for (int i = 0; i < n; i++) {
      Step step = schedule.get(i);
      elapsed += step.gapNanos(interval);
      Grant grant =
          TokenBucket.grant(
              tat, step.tokens(), step.partial(), capacity, interval, start + elapsed);
      tat = grant.newTatNanos();
      offset[i] = elapsed;
      granted[i] = grant.granted();
    }
    for (int i = 0; i < n; i++) {
      long sum = 0;
      for (int j = i; j < n; j++) {
        sum += granted[j];
        assertThat(sum)
            .as("requests %d..%d", i, j)
            .isLessThanOrEqualTo(capacity + (offset[j] - offset[i]) / interval);
      }
    }
  }

  /** Waiting exactly nanosUntilAvailable is enough, and one nanosecond less is not. */
  @Property(tries = 500)
  void aRequestWithinCapacitySucceedsAfterTheAnnouncedWait(
      @ForAll @IntRange(min = 1, max = 20) int capacity,
      @ForAll @IntRange(min = 1, max = 1_000_000_000) int refillPerSecond,
      @ForAll long start,
      @ForAll("schedules") List<Step> schedule,
      @ForAll @IntRange(min = 1, max = 20) int wanted) {
    int tokens = Math.min(wanted, capacity);
    TokenBucket bucket = new TokenBucket(capacity, refillPerSecond);
    long now = run(bucket, start, schedule);

    long wait = bucket.nanosUntilAvailable(tokens, now);

    assertThat(wait).isBetween(0L, tokens * bucket.intervalNanos());
    if (wait > 0) {
      assertThat(bucket.tryAcquire(tokens, now + wait - 1)).isFalse();
    }
    assertThat(bucket.tryAcquire(tokens, now + wait)).isTrue();
  }

  /** The shared-state form and the instance compute the same thing at every step. */
  @Property(tries = 500)
  void grantAgreesWithTheInstanceMethods(
      @ForAll @IntRange(min = 1, max = 20) int capacity,
      @ForAll @IntRange(min = 1, max = 1_000_000_000) int refillPerSecond,
      @ForAll long start,
      @ForAll("schedules") List<Step> schedule) {
    TokenBucket bucket = new TokenBucket(capacity, refillPerSecond);
    long interval = bucket.intervalNanos();
    long now = start;
    for (Step step : schedule) {
      now += step.gapNanos(interval);
      long n = step.tokens();
      long tat = bucket.tatNanos();
      long available = bucket.available(now);
      long wait = bucket.nanosUntilAvailable(n, now);
      assertThat(available).isBetween(0L, (long) capacity);
      assertThat(wait == 0).isEqualTo(n <= available);

      Grant partial = TokenBucket.grant(tat, n, true, capacity, interval, now);
      assertThat(partial.granted()).isEqualTo(Math.min(n, available));
      if (partial.granted() > 0) {
        Grant same = TokenBucket.grant(tat, partial.granted(), false, capacity, interval, now);
        assertThat(same.newTatNanos()).isEqualTo(partial.newTatNanos());
      } else {
        assertThat(partial.newTatNanos()).isEqualTo(tat);
        assertThat(partial.nanosUntilNext()).isEqualTo(bucket.nanosUntilAvailable(1, now));
      }

      Grant whole = TokenBucket.grant(tat, n, false, capacity, interval, now);
      boolean acquired = bucket.tryAcquire(n, now);
      assertThat(whole.granted()).isEqualTo(acquired ? n : 0);
      assertThat(whole.newTatNanos()).isEqualTo(bucket.tatNanos());
      assertThat(whole.nanosUntilNext()).isEqualTo(bucket.nanosUntilAvailable(n, now));
      if (!acquired) {
        assertThat(whole.nanosUntilNext()).isEqualTo(wait);
      }
    }
  }

  /** Drives the bucket through the schedule; returns the time of the last step. */
  private static long run(TokenBucket bucket, long start, List<Step> schedule) {
    long now = start;
    for (Step step : schedule) {
      now += step.gapNanos(bucket.intervalNanos());
      bucket.tryAcquire(step.tokens(), now);
    }
    return now;
  }

  @Provide
  Arbitrary<List<Step>> schedules() {
    Arbitrary<Integer> gaps =
        Arbitraries.oneOf(
            Arbitraries.just(0),
            Arbitraries.integers().between(0, 1_000),
            Arbitraries.integers().between(0, 30_000));
    return Combinators.combine(
            gaps, Arbitraries.integers().between(1, 22), Arbitraries.of(true, false))
        .as(Step::new)
        .list()
        .ofMaxSize(60);
  }
}
