package io.swarmcore.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class RateLimiterTest {
  @Test
  void tryAcquireTakesTheBurstThenRefuses(Vertx vertx) {
    RateLimiter limiter = ResilienceManager.create(vertx, null).rateLimiter("l", 5, 1);
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryAcquire(1)).isTrue();
    }
    assertThat(limiter.tryAcquire(1)).isFalse();
    assertThat(limiter.stats().getLong("rejected")).isEqualTo(1);
  }

  @Test
  void acquireWaitsForTheNextToken(Vertx vertx, VertxTestContext test) {
    RateLimiter limiter = ResilienceManager.create(vertx, null).rateLimiter("l", 1, 20);
    limiter.tryAcquire(1);
    long start = System.nanoTime();
    limiter
        .acquire(1, Duration.ofSeconds(1))
        .onComplete(
            test.succeeding(
                v ->
                    test.verify(
                        () -> {
                          assertThat(System.nanoTime() - start).isGreaterThan(30_000_000L);
                          test.completeNow();
                        })));
  }

  @Test
  void acquireFailsWhenTheWaitIsTooLong(Vertx vertx, VertxTestContext test) {
    RateLimiter limiter = ResilienceManager.create(vertx, null).rateLimiter("l", 1, 1);
    limiter.tryAcquire(1);
    limiter
        .acquire(1, Duration.ofMillis(10))
        .onComplete(
            test.failing(
                failure ->
                    test.verify(
                        () -> {
                          ResilienceException e = (ResilienceException) failure;
                          assertThat(e.kind()).isEqualTo(ResilienceException.Kind.RATE_LIMITED);
                          assertThat(e.retryAfterMillis()).isBetween(1L, 1000L);
                          test.completeNow();
                        })));
  }
}
