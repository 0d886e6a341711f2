package io.swarmcore.node;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code swarm run [VERTICLE] [Vert.x launcher options]}: checks everything that can be checked
 * before the JVM joins a cluster (options JSON, node configuration, key file), then hands over to
 * Vert.x's launcher, so that -cluster, -conf, -options, -instances and friends behave as Vert.x
 * users expect.
 */
@Command(
    name = "run",
    description = {
      "Runs a node (or any verticle by class name) with Vert.x launcher options.",
      "The verticle defaults to io.swarmcore.node.NodeVerticle. Launcher options:",
      "  -cluster, -cluster-host H, -cluster-port P, -conf FILE|JSON (JSON or YAML file),",
      "  -options FILE|JSON, -deployment-options JSON, -instances N, -worker, -h.",
      "Example: swarm run io.swarmcore.node.NodeVerticle -cluster -conf conf/node.json"
    })
final class RunCommand implements Callable<Integer> {
  static final int USAGE = 2;

  @Unmatched List<String> launcherArgs = new ArrayList<>();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return launch(launcherArgs, spec.commandLine().getErr(), "swarm run");
  }

  /**
   * Checks the launcher arguments and the node configuration, then runs Vert.x's launcher.
   *
   * @param command how errors name the command (e.g. "swarm run")
   */
  static int launch(List<String> launcherArgs, PrintWriter err, String command) {
    LauncherArguments arguments = LauncherArguments.parse(launcherArgs);
    try {
      checkJson("-options", arguments.vertxOptions(), json -> new VertxOptions(json));
      checkJson(
          "-deployment-options",
          arguments.deploymentOptions(),
          json -> new DeploymentOptions(json));
      NodeConfig config = null;
      if (arguments.deploysSwarmVerticle()) {
        config = loadNodeConfig(arguments.conf());
        checkStartable(config);
      } else {
        checkJson("-conf", arguments.conf(), json -> json);
      }
      List<String> args = new ArrayList<>(launcherArgs);
      if (arguments.mainVerticle() == null) {
        // Vert.x looks for Main-Verticle only in a manifest whose Main-Class is the launcher.
        args.add(0, arguments.verticleOrDefault());
      }
      return new SwarmApplication(args.toArray(String[]::new), config, err, command).run();
    } catch (ConfigException e) {
      for (String problem : e.problems()) {
        err.println(command + ": config: " + problem);
      }
      return USAGE;
    } catch (IllegalArgumentException e) {
      err.println(command + ": " + e.getMessage());
      return USAGE;
    }
  }

  /**
   * What the launcher's hooks would otherwise fail on with no reason shown (Vert.x's launcher
   * swallows exceptions from them): the Hazelcast file and the tracing exporter.
   */
  private static void checkStartable(NodeConfig config) {
    List<String> problems = new ArrayList<>();
    try {
      HazelcastConfigs.forNode(config.cluster());
    } catch (RuntimeException e) {
      problems.add("\"cluster.hazelcastConfig\": " + SwarmApplication.oneLine(e));
    }
    if (config.tracing().enabled()) {
      try {
        io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter.builder()
            .setEndpoint(config.tracing().otlpEndpoint())
            .build()
            .close();
      } catch (RuntimeException e) {
        problems.add("\"tracing.otlpEndpoint\": " + SwarmApplication.oneLine(e));
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  /** Loads the configuration on a short-lived Vert.x instance, before any clustering starts. */
  static NodeConfig loadNodeConfig(String source) {
    Vertx vertx = Vertx.vertx();
    try {
      return NodeConfigLoader.load(vertx, source)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof ConfigException config) {
        throw config;
      }
      throw new ConfigException(List.of("cannot load configuration: " + e.getCause()));
    } catch (java.util.concurrent.TimeoutException e) {
      throw new ConfigException(List.of("loading the configuration timed out"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConfigException(List.of("interrupted while loading the configuration"));
    } finally {
      vertx.close();
    }
  }

  private interface JsonCheck {
    Object apply(JsonObject json);
  }

  /** The stock launcher silently ignores an unreadable JSON option, or exits 1 on a bad one. */
  private static void checkJson(String option, String value, JsonCheck check) {
    if (value == null) {
      return;
    }
    JsonObject json;
    String trimmed = value.trim();
    try {
      if (trimmed.startsWith("{")) {
        json = new JsonObject(trimmed);
      } else {
        Path path = Path.of(trimmed);
        if (!Files.isRegularFile(path)) {
          throw new IllegalArgumentException(
              option + " " + value + " is neither a JSON object nor an existing file");
        }
        json = new JsonObject(Files.readString(path));
      }
    } catch (DecodeException e) {
      throw new IllegalArgumentException(option + " is not valid JSON: " + e.getMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException(option + ": cannot read " + value + ": " + e);
    }
    try {
      check.apply(json);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(option + " is not valid: " + SwarmApplication.oneLine(e));
    }
  }
}
