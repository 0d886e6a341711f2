package io.swarmcore.tests.harness;

import io.swarmcore.crypto.KeyFile;
import io.swarmcore.crypto.SigningKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Swarm nodes as separate JVMs from the fat jar, on 127.0.0.1 only, with free ports and a
 * random cluster name so that parallel runs never join each other. Each node's output goes to
 * {@code target/node-logs/<test>/<node>.log}. {@link #close()} stops every process it started, by
 * PID, and a JVM shutdown hook does the same if the test JVM is killed.
 */
public final class ClusterHarness implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterHarness.class);
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);

  private final String clusterName;
  private final Path workDir;
  private final Path logDir;
  private final List<NodeHandle> nodes = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final Thread killer = new Thread(this::killAll, "cluster-harness-killer");

  private ClusterHarness(String testName) {
    this.clusterName = "swarm-test-" + HexFormat.of().formatHex(randomBytes(6));
    this.workDir = Path.of("target", "harness", testName);
    this.logDir = Path.of(System.getProperty("swarm.logs", "target/node-logs"), testName);
    Runtime.getRuntime().addShutdownHook(killer);
  }

  /** Starts {@code count} node JVMs named node-a, node-b, ... and waits until each is healthy. */
  public static ClusterHarness startJvms(String testName, int count, Duration readyTimeout) {
    ClusterHarness harness = new ClusterHarness(testName);
    try {
      harness.launch(count);
      for (NodeHandle node : harness.nodes) {
        harness.awaitHealthy(node, readyTimeout);
      }
      return harness;
    } catch (RuntimeException | Error e) {
      harness.close();
      throw e;
    }
  }

  public String clusterName() {
    return clusterName;
  }

  public List<NodeHandle> nodes() {
    return List.copyOf(nodes);
  }

  public NodeHandle node(String nodeId) {
    return nodes.stream()
        .filter(n -> n.nodeId().equals(nodeId))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + nodeId));
  }

  /** The Hazelcast member list of this cluster, for another member to join it. */
  public JsonArray members() {
    JsonArray members = new JsonArray();
    nodes.forEach(n -> members.add("127.0.0.1:" + n.clusterPort()));
    return members;
  }

  private void launch(int count) {
    try {
      Files.createDirectories(workDir);
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Integer> clusterPorts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      clusterPorts.add(FreePorts.next());
    }
    JsonArray members = new JsonArray();
    clusterPorts.forEach(port -> members.add("127.0.0.1:" + port));
    for (int i = 0; i < count; i++) {
      String nodeId = "node-" + (char) ('a' + i);
      int httpPort = FreePorts.next();
      Path conf = writeNodeFiles(nodeId, httpPort, clusterPorts.get(i), members);
      Path log = logDir.resolve(nodeId + ".log");
      processes.add(startProcess(conf, log));
      nodes.add(new NodeHandle(nodeId, httpPort, clusterPorts.get(i), log));
    }
  }

  private Path writeNodeFiles(String nodeId, int httpPort, int clusterPort, JsonArray members) {
    Path dir = workDir.resolve(nodeId);
    try {
      if (Files.exists(dir)) {
        try (var old = Files.walk(dir)) {
          old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      Files.createDirectories(dir);
      Path key = dir.resolve("key.json");
      KeyFile.write(key, SigningKey.generate(new SecureRandom()));
      JsonObject config =
          new JsonObject()
              .put("nodeId", nodeId)
              .put("keyFile", key.toAbsolutePath().toString())
              .put("dataDir", dir.resolve("data").toAbsolutePath().toString())
              .put("http", new JsonObject().put("host", "127.0.0.1").put("port", httpPort))
              .put("grpc", new JsonObject().put("host", "127.0.0.1").put("port", FreePorts.next()))
              .put(
                  "cluster",
                  new JsonObject()
                      .put("name", clusterName)
                      .put("host", "127.0.0.1")
                      .put("port", clusterPort)
                      .put("members", members))
              .put("peers", new JsonObject().put("announceIntervalMs", 500));
      Path conf = dir.resolve("node.json");
      Files.writeString(conf, config.encodePrettily());
      return conf;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Process startProcess(Path conf, Path log) {
    String jar = System.getProperty("swarm.jar", "../verticles/target/swarm.jar");
    if (!Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "no fat jar at " + jar + ": build it first (mvn package, or run the whole reactor)");
    }
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-jar",
            jar,
            "run",
            "io.swarmcore.node.NodeVerticle",
            "-cluster",
            "-cluster-host",
            "127.0.0.1",
            "-conf",
            conf.toAbsolutePath().toString());
    try {
      return new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  private void awaitHealthy(NodeHandle node, Duration timeout) {
    Process process = processes.get(nodes.indexOf(node));
    Deadline.await(
        node.nodeId() + " to report UP on /health (log: " + node.log() + ")",
        timeout,
        () -> {
          if (!process.isAlive()) {
            throw new AssertionError(
                node.nodeId()
                    + " exited with "
                    + process.exitValue()
                    + "; log:\n"
                    + tail(node.log()));
          }
          return node.get("/health").status() == 200;
        });
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** Stops every node: SIGTERM, then a kill after a grace period, children included. */
  @Override
  public void close() {
    for (Process process : processes) {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
    }
    for (Process process : processes) {
      try {
        if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.warn("node pid {} ignored SIGTERM; killing it", process.pid());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to: it kills the same processes
    }
  }

  private void killAll() {
    for (Process process : processes) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }
}
