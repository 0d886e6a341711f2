package io.swarmcore.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.swarmcore.resilience.core.BreakerState;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** /health/resilience, the Prometheus names, and the verticle deployed alone. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class ResilienceEndpointsTest {
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static Future<Object[]> get(Vertx vertx, int port, String path) {
    return vertx
        .createHttpClient()
        .request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(request -> request.send())
        .compose(
            (HttpClientResponse response) ->
                response
                    .body()
                    .map((Buffer body) -> new Object[] {response.statusCode(), body.toString()}));
  }

  @Test
  void healthIsDownWhileACriticalBreakerIsOpen(Vertx vertx, VertxTestContext test)
      throws IOException {
    ResilienceManager manager = ResilienceManager.create(vertx, null);
    CircuitBreaker critical =
        manager.circuitBreaker("db", CircuitBreakerConfig.DEFAULTS.withCritical(true));
    Router router = Router.router(vertx);
    ResilienceRoutes.mount(router, manager);
    int port = freePort();
    vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(port, "127.0.0.1")
        .compose(server -> get(vertx, port, ResilienceRoutes.PATH))
        .compose(
            up -> {
              test.verify(
                  () -> {
                    assertThat(up[0]).isEqualTo(200);
                    assertThat(new JsonObject((String) up[1]).getString("status")).isEqualTo("UP");
                  });
              critical.force(BreakerState.OPEN);
              return get(vertx, port, ResilienceRoutes.PATH);
            })
        .onComplete(
            test.succeeding(
                down ->
                    test.verify(
                        () -> {
                          assertThat(down[0]).isEqualTo(503);
                          JsonObject stats = new JsonObject((String) down[1]);
                          assertThat(
                                  stats
                                      .getJsonObject("circuitBreakers")
                                      .getJsonObject("db")
                                      .getString("state"))
                              .isEqualTo("OPEN");
                          test.completeNow();
                        })));
  }

  @Test
  void everyDocumentedMetricIsExported(Vertx vertx, VertxTestContext test) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ResilienceManager manager = ResilienceManager.create(vertx, registry);
    manager.circuitBreaker("api", CircuitBreakerConfig.DEFAULTS);
    manager.rateLimiter("api", 1, 1);
    manager.bulkhead("api", 2, 0, 10);
    Retry retry = manager.retry("api", RetryConfig.DEFAULTS.withDelays(1, 2));
    manager
        .protect("api", () -> Future.failedFuture("boom"))
        .otherwiseEmpty()
        .compose(
            x -> manager.protect("api", () -> Future.succeededFuture("refused by the limiter")))
        .otherwiseEmpty()
        .compose(x -> retry.execute(() -> Future.failedFuture("again")).otherwiseEmpty())
        .onComplete(
            test.succeeding(
                x ->
                    test.verify(
                        () -> {
                          String scrape = registry.scrape();
                          assertThat(scrape)
                              .contains(
                                  "resilience_circuit_breaker_state{service=\"api\"} 0",
                                  "resilience_circuit_breaker_requests_total{service=\"api\"} 1",
                                  "resilience_circuit_breaker_failures_total{service=\"api\"} 1",
                                  "resilience_rate_limiter_requests_total{service=\"api\"} 2",
                                  "resilience_rate_limiter_rejections_total{service=\"api\"} 1",
                                  "resilience_bulkhead_current{service=\"api\"} 0",
                                  "resilience_bulkhead_max_concurrent{service=\"api\"} 2",
                                  "resilience_retries_total{service=\"api\"} 2",
                                  "# TYPE resilience_protect_seconds histogram",
                                  "resilience_protect_seconds_count{service=\"api\"} 2",
                                  "resilience_slow_calls_total{service=\"api\"} 0");
                          test.completeNow();
                        })));
  }

  @Test
  void theVerticleDeployedAloneServesItsStats(Vertx vertx, VertxTestContext test)
      throws IOException {
    int port = freePort();
    JsonObject config =
        new JsonObject()
            .put("http", new JsonObject().put("port", port))
            .put("grpc", new JsonObject().put("port", 0))
            .put(
                "resilience",
                new JsonObject()
                    .put(
                        "bulkheads",
                        new JsonObject().put("submit", new JsonObject().put("maxConcurrent", 3))));
    vertx
        .deployVerticle(
            ResilienceVerticle.class.getName(), new DeploymentOptions().setConfig(config))
        .compose(id -> get(vertx, port, ResilienceRoutes.PATH))
        .compose(
            http -> {
              test.verify(
                  () ->
                      assertThat(
                              new JsonObject((String) http[1])
                                  .getJsonObject("bulkheads")
                                  .getJsonObject("submit")
                                  .getInteger("maxConcurrent"))
                          .isEqualTo(3));
              return vertx.eventBus().request(ResilienceVerticle.STATS, new JsonObject());
            })
        .onComplete(
            test.succeeding(
                reply ->
                    test.verify(
                        () -> {
                          assertThat(((JsonObject) reply.body()).getJsonObject("circuitBreakers"))
                              .isNotNull();
                          test.completeNow();
                        })));
  }
}
