package io.swarmcore.pbft.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swarmcore.pbft.wire.InboundGuard.Verdict;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InboundGuardTest {
  private static final long SECOND = 1_000_000_000L;

  private static ByteString signature(int i) {
    return ByteString.copyFromUtf8("signature-" + i);
  }

  private static InboundGuard guard(long perSecond) {
    return new InboundGuard(Set.of("a", "b")::contains, perSecond, SECOND, 1_000);
  }

  @Test
  void theSameEnvelopeWithinTheWindowIsAReplayAndAfterItNot() {
    InboundGuard guard = guard(100);
    assertThat(guard.admit("a", signature(1), 0)).isEqualTo(Verdict.ADMIT);
    assertThat(guard.admit("a", signature(1), 0))
        .as("not verified yet: a forged copy must not shut the real one out")
        .isEqualTo(Verdict.ADMIT);
    guard.verified(signature(1), 0);
    assertThat(guard.admit("a", signature(1), SECOND / 2)).isEqualTo(Verdict.REPLAYED);
    assertThat(guard.admit("a", signature(1), 2 * SECOND))
        .as("a resend after a timeout")
        .isEqualTo(Verdict.ADMIT);
  }

  @Test
  void aFloodUnderOneNameIsCutAtTwiceTheRateAndTheOthersGoOn() {
    InboundGuard guard = guard(10);
    int admitted = 0;
    for (int i = 0; i < 100; i++) {
      if (guard.admit("a", signature(i), 0) == Verdict.ADMIT) {
        admitted++;
      }
    }
    assertThat(admitted).isEqualTo(20);
    assertThat(guard.admit("a", signature(1_000), 0)).isEqualTo(Verdict.RATE_LIMITED);
    assertThat(guard.admit("b", signature(1_001), 0)).isEqualTo(Verdict.ADMIT);
    assertThat(guard.admit("a", signature(1_002), SECOND)).as("refilled").isEqualTo(Verdict.ADMIT);
  }

  @Test
  void madeUpSignersShareOneBudget() {
    InboundGuard guard = guard(5);
    int admitted = 0;
    for (int i = 0; i < 100; i++) {
      if (guard.admit("stranger-" + i, signature(i), 0) == Verdict.ADMIT) {
        admitted++;
      }
    }
    assertThat(admitted).isEqualTo(10);
    assertThat(guard.admit("a", signature(500), 0)).isEqualTo(Verdict.ADMIT);
  }

  @Test
  void aRateLimitedEnvelopeIsNotRememberedAsSeen() {
    // Nothing is remembered until verified; a refill lets it in.
    InboundGuard guard = guard(1);
    guard.admit("a", signature(1), 0);
    guard.admit("a", signature(2), 0);
    assertThat(guard.admit("a", signature(3), 0)).isEqualTo(Verdict.RATE_LIMITED);
    assertThat(guard.admit("a", signature(3), SECOND)).isEqualTo(Verdict.ADMIT);
  }
}
