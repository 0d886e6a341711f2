package io.swarmcore.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.resilience.core.BreakerSettings;
import io.swarmcore.resilience.core.BreakerState;
import io.swarmcore.resilience.core.Transition;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
class CircuitBreakerTest {
  private static final CircuitBreakerConfig FAST =
      CircuitBreakerConfig.DEFAULTS
          .withCallTimeoutMillis(200)
          .withPolicy(
              BreakerSettings.builder()
                  .minRequests(4)
                  .failureRateThreshold(0.5)
                  .openMillis(300)
                  .permittedProbes(2)
                  .build());

  private static Future<Void> calls(CircuitBreaker breaker, int count, boolean fail) {
    Future<Void> done = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      done =
          done.compose(
              x ->
                  breaker
                      .execute(
                          () ->
                              fail
                                  ? Future.<Void>failedFuture("boom")
                                  : Future.<Void>succeededFuture())
                      .otherwiseEmpty());
    }
    return done;
  }

  @Test
  void opensOnTheFailureRateThenProbesAndCloses(Vertx vertx, VertxTestContext test) {
    CircuitBreaker breaker = ResilienceManager.create(vertx, null).circuitBreaker("dep", FAST);
    List<Transition> transitions = new ArrayList<>();
    breaker.onTransition(transitions::add);
    calls(breaker, 2, false)
        .compose(x -> calls(breaker, 2, true))
        .compose(
            x -> {
              test.verify(() -> assertThat(breaker.state()).isEqualTo(BreakerState.OPEN));
              return breaker.execute(() -> Future.succeededFuture("never"));
            })
        .recover(
            refused -> {
              test.verify(
                  () -> {
                    ResilienceException e = (ResilienceException) refused;
                    assertThat(e.kind()).isEqualTo(ResilienceException.Kind.CIRCUIT_OPEN);
                    assertThat(e.retryAfterMillis()).isBetween(1L, 300L);
                  });
              Promise<String> later = Promise.promise();
              vertx.setTimer(350, t -> later.complete("waited"));
              return later.future();
            })
        .compose(x -> calls(breaker, 2, false))
        .onComplete(
            test.succeeding(
                x ->
                    test.verify(
                        () -> {
                          assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
                          assertThat(transitions)
                              .extracting(Transition::to)
                              .containsExactly(
                                  BreakerState.OPEN, BreakerState.HALF_OPEN, BreakerState.CLOSED);
                          test.completeNow();
                        })));
  }

  @Test
  void aCallThatOutlivesTheTimeoutFails(Vertx vertx, VertxTestContext test) {
    CircuitBreaker breaker = ResilienceManager.create(vertx, null).circuitBreaker("slow", FAST);
    breaker
        .execute(() -> Promise.<String>promise().future())
        .onComplete(
            test.failing(
                failure ->
                    test.verify(
                        () -> {
                          assertThat(breaker.stats().getLong("failures")).isEqualTo(1);
                          test.completeNow();
                        })));
  }

  @Test
  void aFallbackAnswersForRefusals(Vertx vertx, VertxTestContext test) {
    CircuitBreaker breaker = ResilienceManager.create(vertx, null).circuitBreaker("fb", FAST);
    breaker.force(BreakerState.OPEN);
    breaker
        .executeWithFallback(() -> Future.succeededFuture("live"), failure -> "cached")
        .onComplete(
            test.succeeding(
                value ->
                    test.verify(
                        () -> {
                          assertThat(value).isEqualTo("cached");
                          test.completeNow();
                        })));
  }
}
