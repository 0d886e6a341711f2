package io.swarmcore.node;

import io.swarmcore.codecs.Codecs;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.PrintWriter;

/**
 * Vert.x's own launcher with Swarm's hooks: the node configuration (already loaded and validated)
 * becomes the verticle's config and sets up Hazelcast and metrics, and the codecs are registered
 * before anything deploys. Failures print one line saying why, instead of the stock launcher's
 * silent exit codes.
 */
final class SwarmApplication extends VertxApplication implements VertxApplicationHooks {
  private final NodeConfig nodeConfig;
  private final PrintWriter err;
  private final String command;
  private volatile boolean reasonPrinted;

  /**
   * @param nodeConfig the validated node configuration, or null for a verticle that is not Swarm's
   *     (it then gets the {@code -conf} JSON as Vert.x would give it)
   */
  SwarmApplication(String[] args, NodeConfig nodeConfig, PrintWriter err, String command) {
    super(args, null, true, false);
    this.nodeConfig = nodeConfig;
    this.err = err;
    this.command = command;
  }

  /** Runs the launcher; a non-zero result has had its reason printed. */
  int run() {
    int exitCode = launch();
    if (exitCode == RunCommand.USAGE) {
      err.println(command + ": invalid launcher arguments (see above; swarm run -h lists them)");
    } else if (exitCode != 0 && !reasonPrinted) {
      err.println(command + ": failed with exit code " + exitCode + " (see the log above)");
    }
    return exitCode;
  }

  @Override
  public JsonObject afterConfigParsed(JsonObject config) {
    return nodeConfig != null ? nodeConfig.json() : config;
  }

  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    if (nodeConfig == null) {
      return VertxApplicationHooks.super.createVertxBuilder(options);
    }
    NodeVertx.withDefaults(options, nodeConfig);
    VertxBuilder builder =
        io.vertx.core.Vertx.builder()
            .with(options)
            .withClusterManager(
                new HazelcastClusterManager(HazelcastConfigs.forNode(nodeConfig.cluster())));
    NodeTracing.fromConfig(nodeConfig).ifPresent(sdk -> NodeTracing.install(builder, sdk));
    return builder;
  }

  @Override
  public void afterVertxStopped(HookContext context) {
    if (nodeConfig != null) {
      NodeTracing.close(nodeConfig.nodeId());
    }
  }

  @Override
  public void afterVertxStarted(HookContext context) {
    Codecs.register(context.vertx().eventBus());
  }

  @Override
  public void afterFailureToStartVertx(HookContext context, Throwable failure) {
    printReason("cannot start Vert.x", failure);
  }

  @Override
  public void afterFailureToDeployVerticle(HookContext context, Throwable failure) {
    printReason("deployment failed", failure);
    context.vertx().close();
  }

  private void printReason(String what, Throwable failure) {
    reasonPrinted = true;
    err.println(command + ": " + what + ": " + (failure == null ? "timed out" : oneLine(failure)));
  }

  /** The outermost message that says something, on one line. */
  static String oneLine(Throwable failure) {
    Throwable current = failure;
    while (current.getMessage() == null && current.getCause() != null) {
      current = current.getCause();
    }
    String message = current.getMessage();
    return (message == null ? current.getClass().getSimpleName() : message).replace('\n', ' ');
  }
}
