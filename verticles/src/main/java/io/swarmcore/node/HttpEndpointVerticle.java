package io.swarmcore.node;

import io.swarmcore.resilience.ResilienceManager;
import io.swarmcore.resilience.ResilienceRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.spi.cluster.hazelcast.ClusterHealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's operator endpoint: {@code /health} (every registered check, plus the Hazelcast
 * cluster-safe check when clustered), {@code /health/resilience} (the resilience stats) and {@code
 * /metrics} (Prometheus text format). Deployed by {@link NodeVerticle}, or alone by class name with
 * a node configuration.
 */
public final class HttpEndpointVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpEndpointVerticle.class);

  private NodeConfig config;
  private HealthChecks health;
  private ResilienceManager resilience;

  /** For deployment by class name: reads the node configuration from {@code config()}. */
  public HttpEndpointVerticle() {}

  HttpEndpointVerticle(NodeConfig config, HealthChecks health, ResilienceManager resilience) {
    this.config = config;
    this.health = health;
    this.resilience = resilience;
  }

  @Override
  public Future<?> start() {
    if (config == null) {
      config = NodeConfig.parse(NodeConfigLoader.defaults().mergeIn(config(), true));
    }
    if (health == null) {
      health = HealthChecks.create(vertx);
    }
    if (vertx.isClustered()) {
      health.register("cluster", ClusterHealthCheck.createProcedure(vertx));
    }
    Router router = Router.router(vertx);
    if (resilience != null) {
      // Before /health*, which would otherwise answer for it.
      ResilienceRoutes.mount(router, resilience);
    }
    router.get("/health*").handler(HealthCheckHandler.createWithHealthChecks(health));
    String registry = NodeVertx.metricsRegistry(config.nodeId());
    if (BackendRegistries.getNow(registry) != null) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    } else {
      router
          .get("/metrics")
          .handler(
              context ->
                  context
                      .response()
                      .setStatusCode(503)
                      .end(
                          "metrics are disabled: start Vert.x with"
                              + " NodeVertx.metricsOptions(nodeId)\n"));
    }
    return vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(config.http().port(), config.http().host())
        .recover(
            failure ->
                Future.failedFuture(
                    new IllegalStateException(
                        "cannot serve HTTP on "
                            + config.http().host()
                            + ":"
                            + config.http().port()
                            + " (\"http\" in the config): "
                            + failure.getMessage(),
                        failure)))
        .onSuccess(
            server ->
                LOG.info(
                    "node {} serves /health and /metrics on http://{}:{}",
                    config.nodeId(),
                    config.http().host(),
                    server.actualPort()));
  }
}
