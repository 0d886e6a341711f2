package io.swarmcore.resilience.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class BreakerSettingsTest {
  @Test
  void defaultsAreTheDocumentedOnes() {
    BreakerSettings defaults = BreakerSettings.DEFAULTS;
    assertThat(defaults)
        .isEqualTo(new BreakerSettings(0.5, 1.0, 60_000, 20, 60_000, 60_000, 10, 3))
        .isEqualTo(BreakerSettings.builder().build());
  }

  @Test
  void theBuilderSetsEachFieldAndToBuilderCopies() {
    BreakerSettings custom =
        BreakerSettings.builder()
            .failureRateThreshold(0.25)
            .slowCallRateThreshold(0.75)
            .slowCallDurationMillis(500)
            .minRequests(5)
            .openMillis(1_000)
            .windowMillis(2_000)
            .buckets(4)
            .permittedProbes(1)
            .build();
    assertThat(custom).isEqualTo(new BreakerSettings(0.25, 0.75, 500, 5, 1_000, 2_000, 4, 1));
    assertThat(custom.toBuilder().build()).isEqualTo(custom);
    assertThat(custom.toBuilder().minRequests(6).build().minRequests()).isEqualTo(6);
    assertThat(custom.minRequests()).isEqualTo(5);
  }

  @Test
  void everyFieldIsValidatedWithAMessageNamingIt() {
    assertRejected(
        b -> b.failureRateThreshold(0), "failureRateThreshold must be in (0, 1], got 0.0");
    assertRejected(
        b -> b.failureRateThreshold(1.01), "failureRateThreshold must be in (0, 1], got 1.01");
    assertRejected(
        b -> b.failureRateThreshold(Double.NaN), "failureRateThreshold must be in (0, 1], got NaN");
    assertRejected(
        b -> b.slowCallRateThreshold(-0.5), "slowCallRateThreshold must be in (0, 1], got -0.5");
    assertRejected(
        b -> b.slowCallRateThreshold(Double.NaN),
        "slowCallRateThreshold must be in (0, 1], got NaN");
    assertRejected(b -> b.slowCallDurationMillis(0), "slowCallDurationMillis must be > 0, got 0");
    assertRejected(b -> b.minRequests(0), "minRequests must be >= 1, got 0");
    assertRejected(b -> b.openMillis(-1), "openMillis must be > 0, got -1");
    assertRejected(b -> b.windowMillis(0), "windowMillis must be > 0, got 0");
    assertRejected(b -> b.buckets(0), "buckets must be in 1..1000, got 0");
    assertRejected(b -> b.buckets(1001), "buckets must be in 1..1000, got 1001");
    assertRejected(
        b -> b.windowMillis(9).buckets(10),
        "windowMillis (9) must be >= buckets (10): a bucket spans at least 1 ms");
    assertRejected(b -> b.permittedProbes(0), "permittedProbes must be >= 1, got 0");
  }

  @Test
  void theLimitsThemselvesAreAccepted() {
    BreakerSettings edge =
        BreakerSettings.builder()
            .failureRateThreshold(1)
            .slowCallRateThreshold(Double.MIN_VALUE)
            .slowCallDurationMillis(1)
            .minRequests(1)
            .openMillis(1)
            .windowMillis(1000)
            .buckets(1000)
            .permittedProbes(1)
            .build();
    assertThat(edge.buckets()).isEqualTo(1000);
  }

  private static void assertRejected(
      UnaryOperator<BreakerSettings.Builder> change, String message) {
    assertThatThrownBy(() -> change.apply(BreakerSettings.builder()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
