package io.swarmcore.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.swarmcore.resilience.core.BreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class ResilienceManagerTest {
  @Test
  void protectAppliesTheBreakerBeforeTheLimiter(Vertx vertx, VertxTestContext test) {
    ResilienceManager manager = ResilienceManager.create(vertx, new SimpleMeterRegistry());
    manager.circuitBreaker("api", CircuitBreakerConfig.DEFAULTS).force(BreakerState.OPEN);
    RateLimiter limiter = manager.rateLimiter("api", 1, 1);
    manager
        .protect("api", () -> Future.succeededFuture("x"))
        .onComplete(
            test.failing(
                failure ->
                    test.verify(
                        () -> {
                          assertThat(((ResilienceException) failure).kind())
                              .isEqualTo(ResilienceException.Kind.CIRCUIT_OPEN);
                          assertThat(limiter.stats().getLong("admitted")).isZero();
                          test.completeNow();
                        })));
  }

  @Test
  void protectRateLimitsThenRunsThroughTheBulkhead(Vertx vertx, VertxTestContext test) {
    ResilienceManager manager = ResilienceManager.create(vertx, new SimpleMeterRegistry());
    manager.rateLimiter("api", 1, 1);
    manager.bulkhead("api", 1, 0, 10);
    manager
        .protect("api", () -> Future.succeededFuture("first"))
        .compose(first -> manager.protect("api", () -> Future.succeededFuture("second")))
        .onComplete(
            test.failing(
                failure ->
                    test.verify(
                        () -> {
                          assertThat(((ResilienceException) failure).kind())
                              .isEqualTo(ResilienceException.Kind.RATE_LIMITED);
                          JsonObject stats = manager.stats();
                          assertThat(
                                  stats
                                      .getJsonObject("bulkheads")
                                      .getJsonObject("api")
                                      .getLong("admitted"))
                              .isEqualTo(1);
                          assertThat(
                                  stats
                                      .getJsonObject("rateLimiters")
                                      .getJsonObject("api")
                                      .getLong("rejected"))
                              .isEqualTo(1);
                          test.completeNow();
                        })));
  }

  @Test
  void aCriticalOpenBreakerMakesTheStatsDown(Vertx vertx) {
    ResilienceManager manager = ResilienceManager.create(vertx, null);
    CircuitBreaker breaker =
        manager.circuitBreaker("db", CircuitBreakerConfig.DEFAULTS.withCritical(true));
    assertThat(manager.stats().getString("status")).isEqualTo("UP");
    breaker.force(BreakerState.OPEN);
    assertThat(manager.criticalOpen()).isTrue();
    assertThat(manager.stats().getString("status")).isEqualTo("DOWN");
    assertThat(
            manager.stats().getJsonObject("circuitBreakers").getJsonObject("db").getString("state"))
        .isEqualTo("OPEN");
  }

  @Test
  void settingsComeFromTheNodeConfigAndRefuseTypos() {
    ResilienceSettings settings =
        ResilienceSettings.parse(
            new JsonObject()
                .put(
                    "circuitBreakers",
                    new JsonObject().put("p", new JsonObject().put("minRequests", 5)))
                .put(
                    "bulkheads",
                    new JsonObject().put("b", new JsonObject().put("maxConcurrent", 3))));
    assertThat(settings.circuitBreakers().get("p").policy().minRequests()).isEqualTo(5);
    assertThat(settings.bulkheads().get("b")[0]).isEqualTo(3);

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                ResilienceSettings.parse(
                    new JsonObject()
                        .put(
                            "circuitBreakers",
                            new JsonObject().put("p", new JsonObject().put("minRequest", 5)))
                        .put("bulkhead", new JsonObject())))
        .hasMessageContaining("unknown key \"resilience.bulkhead\"")
        .hasMessageContaining("\"resilience.circuitBreakers.p\": unknown key \"minRequest\"");
  }
}
