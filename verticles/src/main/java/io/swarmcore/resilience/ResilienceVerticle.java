package io.swarmcore.resilience;

import io.swarmcore.node.NodeConfig;
import io.swarmcore.node.NodeConfigLoader;
import io.swarmcore.node.NodeVertx;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.backends.BackendRegistries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link ResilienceManager} from the node config's {@code resilience} section and serves
 * its stats on {@value #STATS} (this JVM) and {@code swarm.resilience.<nodeId>.stats} (the
 * cluster). In a node, the HTTP endpoint mounts {@code /health/resilience}; deployed alone ({@code
 * swarm run io.swarmcore.resilience.ResilienceVerticle -cluster -conf ...}) it serves that route on
 * the config's HTTP port itself.
 */
public final class ResilienceVerticle extends VerticleBase {
  public static final String STATS = "swarm.resilience.stats";
  private static final Logger LOG = LoggerFactory.getLogger(ResilienceVerticle.class);

  private NodeConfig config;
  private ResilienceManager manager;
  private final boolean standalone;

  /** Alone, by class name: builds its manager and serves HTTP itself. */
  public ResilienceVerticle() {
    this.standalone = true;
  }

  /** In a node: serves the manager the node built (and whose routes its HTTP endpoint mounts). */
  public ResilienceVerticle(NodeConfig config, ResilienceManager manager) {
    this.config = config;
    this.manager = manager;
    this.standalone = false;
  }

  public static ResilienceManager build(io.vertx.core.Vertx vertx, NodeConfig config) {
    ResilienceManager manager =
        ResilienceManager.create(
            vertx, BackendRegistries.getNow(NodeVertx.metricsRegistry(config.nodeId())));
    config.resilience().applyTo(manager);
    return manager;
  }

  @Override
  public Future<?> stop() {
    if (manager != null) {
      manager.close();
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<?> start() {
    if (config == null) {
      config = NodeConfig.parse(NodeConfigLoader.defaults().mergeIn(config(), true));
    }
    if (manager == null) {
      manager = build(vertx, config);
    }
    vertx.eventBus().localConsumer(STATS, message -> message.reply(manager.stats()));
    vertx
        .eventBus()
        .consumer(
            "swarm.resilience." + config.nodeId() + ".stats",
            message -> message.reply(manager.stats()));
    if (!standalone) {
      return Future.succeededFuture();
    }
    Router router = Router.router(vertx);
    ResilienceRoutes.mount(router, manager);
    return vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(config.http().port(), config.http().host())
        .onSuccess(
            server ->
                LOG.info(
                    "resilience stats on http://{}:{}{}",
                    config.http().host(),
                    server.actualPort(),
                    ResilienceRoutes.PATH));
  }
}
