package io.swarmcore.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class RetryTest {
  @Test
  void retriesUntilSuccess(Vertx vertx, VertxTestContext test) {
    Retry retry =
        ResilienceManager.create(vertx, null).retry("r", RetryConfig.DEFAULTS.withDelays(1, 10));
    AtomicInteger calls = new AtomicInteger();
    retry
        .execute(
            () ->
                calls.incrementAndGet() < 3
                    ? Future.failedFuture(new IllegalStateException("flaky"))
                    : Future.succeededFuture("ok"))
        .onComplete(
            test.succeeding(
                value ->
                    test.verify(
                        () -> {
                          assertThat(value).isEqualTo("ok");
                          assertThat(calls).hasValue(3);
                          assertThat(retry.stats().getLong("retries")).isEqualTo(2);
                          test.completeNow();
                        })));
  }

  @Test
  void givesUpAfterMaxAttemptsWithTheLastCause(Vertx vertx, VertxTestContext test) {
    Retry retry =
        ResilienceManager.create(vertx, null).retry("r", RetryConfig.DEFAULTS.withDelays(1, 5));
    AtomicInteger calls = new AtomicInteger();
    retry
        .execute(
            () -> Future.failedFuture(new IllegalStateException("down " + calls.incrementAndGet())))
        .onComplete(
            test.failing(
                failure ->
                    test.verify(
                        () -> {
                          ResilienceException e = (ResilienceException) failure;
                          assertThat(e.kind())
                              .isEqualTo(ResilienceException.Kind.RETRIES_EXHAUSTED);
                          assertThat(e.getCause()).hasMessage("down 3");
                          assertThat(calls).hasValue(3);
                          test.completeNow();
                        })));
  }

  @Test
  void doesNotRetryWhatThePredicateRefuses(Vertx vertx, VertxTestContext test) {
    Retry retry =
        ResilienceManager.create(vertx, null)
            .retry(
                "r",
                RetryConfig.DEFAULTS.retryingOn(f -> !(f instanceof IllegalArgumentException)));
    AtomicInteger calls = new AtomicInteger();
    retry
        .execute(
            () ->
                Future.failedFuture(
                    new IllegalArgumentException("bad input " + calls.incrementAndGet())))
        .onComplete(
            test.failing(
                failure ->
                    test.verify(
                        () -> {
                          assertThat(failure).hasMessage("bad input 1");
                          test.completeNow();
                        })));
  }

  @Test
  void backoffIsFullJitterUnderTheCap(Vertx vertx) {
    Retry retry =
        new Retry(
            vertx, "j", RetryConfig.DEFAULTS.withDelays(100, 1_000), new ResilienceMetrics(null));
    for (int i = 0; i < 1000; i++) {
      assertThat(retry.delayBefore(1)).isBetween(0L, 99L);
      assertThat(retry.delayBefore(3)).isBetween(0L, 399L);
      assertThat(retry.delayBefore(20)).isBetween(0L, 999L);
    }
  }
}
