package io.swarmcore.resilience.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmcore.resilience.core.TokenBucket.Grant;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private static final long MS = 1_000_000L;

  @Test
  void startsFullAtAnyTime() {
    for (long now : new long[] {Long.MIN_VALUE, -1, 0, 42, Long.MAX_VALUE}) {
      TokenBucket bucket = new TokenBucket(5, 1);
      assertThat(bucket.tatNanos()).isEqualTo(TokenBucket.FULL);
      assertThat(bucket.available(now)).isEqualTo(5);
      assertThat(bucket.nanosUntilAvailable(5, now)).isZero();
      assertThat(bucket.tryAcquire(5, now)).isTrue();
      assertThat(bucket.tryAcquire(1, now)).isFalse();
    }
  }

  @Test
  void theIntervalIsRoundedUp() {
    assertThat(new TokenBucket(1, 10).intervalNanos()).isEqualTo(100 * MS);
    assertThat(new TokenBucket(1, 3).intervalNanos()).isEqualTo(333_333_334);
    assertThat(new TokenBucket(1, 700_000_000).intervalNanos()).isEqualTo(2);
    assertThat(new TokenBucket(1, 1_000_000_000).intervalNanos()).isEqualTo(1);
    assertThat(new TokenBucket(1, 1).intervalNanos()).isEqualTo(1_000_000_000);
  }

  @Test
  void refillsOneTokenPerIntervalToTheNanosecond() {
    TokenBucket bucket = new TokenBucket(3, 10); // one token per 100 ms
    long t0 = 7 * MS;
    assertThat(bucket.tryAcquire(3, t0)).isTrue();
    assertThat(bucket.tatNanos()).isEqualTo(t0 + 300 * MS);

    assertThat(bucket.available(t0 + 100 * MS - 1)).isZero();
    assertThat(bucket.available(t0 + 100 * MS)).isEqualTo(1);
    assertThat(bucket.available(t0 + 200 * MS - 1)).isEqualTo(1);
    assertThat(bucket.available(t0 + 200 * MS)).isEqualTo(2);
    assertThat(bucket.available(t0 + 300 * MS)).isEqualTo(3);
    assertThat(bucket.available(t0 + 3_000 * MS)).as("never more than capacity").isEqualTo(3);

    assertThat(bucket.tryAcquire(1, t0 + 100 * MS - 1)).isFalse();
    assertThat(bucket.tryAcquire(1, t0 + 100 * MS)).isTrue();
    assertThat(bucket.tryAcquire(1, t0 + 100 * MS)).isFalse();
  }

  @Test
  void nanosUntilAvailableIsExact() {
    TokenBucket bucket = new TokenBucket(4, 3);
    long t0 = -123_456_789L;
    assertThat(bucket.tryAcquire(4, t0)).isTrue();
    long wait = bucket.nanosUntilAvailable(2, t0 + 5);
    assertThat(wait).isEqualTo(2 * 333_333_334L - 5);
    assertThat(bucket.tryAcquire(2, t0 + 5 + wait - 1)).isFalse();
    assertThat(bucket.tryAcquire(2, t0 + 5 + wait)).isTrue();
    assertThat(bucket.nanosUntilAvailable(1, t0 + 5 + wait)).isEqualTo(333_333_334L);
  }

  @Test
  void aRequestLargerThanTheCapacityNeverSucceedsAndSaysSo() {
    TokenBucket bucket = new TokenBucket(3, 1);
    assertThat(bucket.tryAcquire(4, 0)).isFalse();
    assertThat(bucket.nanosUntilAvailable(4, 0)).isEqualTo(Long.MAX_VALUE);
    assertThat(bucket.available(0)).isEqualTo(3);
    assertThat(TokenBucket.grant(TokenBucket.FULL, 4, false, 3, 1_000_000_000, 0))
        .isEqualTo(new Grant(0, TokenBucket.FULL, Long.MAX_VALUE));
  }

  @Test
  void keepsWorkingAcrossTheClockWrappingAround() {
    TokenBucket bucket = new TokenBucket(2, 1_000); // one token per ms
    long t0 = Long.MAX_VALUE - MS / 2;
    assertThat(bucket.tryAcquire(2, t0)).isTrue();
    assertThat(bucket.tatNanos()).isNegative();
    assertThat(bucket.tryAcquire(1, t0 + MS - 1)).isFalse();
    assertThat(bucket.tryAcquire(1, t0 + MS)).isTrue();
    assertThat(bucket.available(t0 + 10 * MS)).isEqualTo(2);
  }

  @Test
  void aClockThatGoesBackwardsGrantsNothingExtra() {
    TokenBucket bucket = new TokenBucket(2, 1_000);
    assertThat(bucket.tryAcquire(2, 10 * MS)).isTrue();
    assertThat(bucket.available(5 * MS)).isZero();
    assertThat(bucket.tryAcquire(1, 5 * MS)).isFalse();
    assertThat(bucket.nanosUntilAvailable(1, 5 * MS)).isEqualTo(6 * MS);
  }

  @Test
  void partialGrantsTakeWhatIsThere() {
    long interval = 100 * MS;
    Grant first = TokenBucket.grant(TokenBucket.FULL, 5, true, 3, interval, 0);
    assertThat(first).isEqualTo(new Grant(3, 3 * interval, interval));
    Grant empty = TokenBucket.grant(first.newTatNanos(), 5, true, 3, interval, 50 * MS);
    assertThat(empty).isEqualTo(new Grant(0, 3 * interval, 50 * MS));
    Grant one = TokenBucket.grant(first.newTatNanos(), 5, true, 3, interval, 150 * MS);
    assertThat(one).isEqualTo(new Grant(1, 4 * interval, 50 * MS));
  }

  @Test
  void allOrNothingGrantsReportTheWaitForTheWholeRequest() {
    long interval = 100 * MS;
    Grant taken = TokenBucket.grant(TokenBucket.FULL, 2, false, 3, interval, 0);
    assertThat(taken).isEqualTo(new Grant(2, 2 * interval, 100 * MS));
    Grant refused = TokenBucket.grant(taken.newTatNanos(), 2, false, 3, interval, 0);
    assertThat(refused).isEqualTo(new Grant(0, 2 * interval, 100 * MS));
  }

  @Test
  void argumentsAreValidated() {
    assertThatThrownBy(() -> new TokenBucket(0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("capacity must be >= 1, got 0");
    assertThatThrownBy(() -> new TokenBucket(1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("refillPerSecond must be in 1..1000000000, got 0");
    assertThatThrownBy(() -> new TokenBucket(1, 1_000_000_001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("refillPerSecond must be in 1..1000000000, got 1000000001");
    assertThatThrownBy(() -> new TokenBucket(10_000_000_000L, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "capacity 10000000000 takes longer than 9223372036854775807 ns to refill at one token"
                + " per 1000000000 ns; at most 9223372036 tokens");
    assertThat(new TokenBucket(9_223_372_036L, 1).available(0)).isEqualTo(9_223_372_036L);
    assertThat(new TokenBucket(Long.MAX_VALUE, 1_000_000_000).available(0))
        .isEqualTo(Long.MAX_VALUE);

    TokenBucket bucket = new TokenBucket(1, 1);
    assertThatThrownBy(() -> bucket.tryAcquire(0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tokens must be >= 1, got 0");
    assertThatThrownBy(() -> bucket.nanosUntilAvailable(-1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tokens must be >= 1, got -1");
    assertThatThrownBy(() -> TokenBucket.grant(TokenBucket.FULL, 1, false, 1, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("intervalNanos must be >= 1, got 0");
  }
}
