package io.swarmcore.tests.harness;

import io.swarmcore.codecs.Codecs;
import io.swarmcore.crypto.KeyFile;
import io.swarmcore.crypto.SigningKey;
import io.swarmcore.crypto.vrf.VrfKeyPair;
import io.swarmcore.crypto.vrf.VrfSuite;
import io.swarmcore.node.HazelcastConfigs;
import io.swarmcore.node.NodeConfig;
import io.swarmcore.node.NodeConfigLoader;
import io.swarmcore.node.NodeVerticle;
import io.swarmcore.node.NodeVertx;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a cluster of Swarm nodes on 127.0.0.1 only, with free ports and a random cluster name so
 * that parallel runs never join each other: either as separate JVMs from the fat jar (each node's
 * output in {@code target/node-logs/<test>/<node>.log}) or, for speed, as clustered Vert.x
 * instances inside the test JVM. {@link #close()} stops everything it started (node JVMs by PID,
 * SIGTERM then kill); a JVM shutdown hook kills the node JVMs if the test JVM itself is killed.
 */
public final class ClusterHarness implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterHarness.class);
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);

  private final String clusterName;
  private final Path workDir;
  private final Path logDir;
  private final List<NodeHandle> nodes = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private long epochLength = 1_000_000_000L;
  // How many of the prepared nodes the genesis names as validators (all: -1); the others observe.
  private int genesisValidators = -1;
  private SigningKey governance;
  // Merged into every node's configuration as it is written.
  private JsonObject overrides = new JsonObject();
  private final java.util.Map<String, VrfKeyPair> vrfKeyPairs = new java.util.HashMap<>();
  private final java.util.Map<String, Process> current = new java.util.HashMap<>();
  private final java.util.Map<String, JsonObject> configs = new java.util.LinkedHashMap<>();
  private final java.util.Map<String, SigningKey> signingKeys = new java.util.HashMap<>();
  private final List<Vertx> inJvmNodes = new ArrayList<>();
  private final Thread killer = new Thread(this::killProcesses, "cluster-harness-killer");

  private ClusterHarness(String testName) {
    this.clusterName = "swarm-test-" + HexFormat.of().formatHex(randomBytes(6));
    this.workDir = Path.of("target", "harness", testName);
    this.logDir = Path.of(System.getProperty("swarm.logs", "target/node-logs"), testName);
    Runtime.getRuntime().addShutdownHook(killer);
  }

  /** Starts {@code count} node JVMs named node-a, node-b, ... and waits until each is healthy. */
  public static ClusterHarness startJvms(String testName, int count, Duration readyTimeout) {
    return start(testName, count, readyTimeout, true, false);
  }

  /**
   * Like {@link #startJvms}, as the validators of one chain: a genesis file names all of them
   * (voting and VRF keys, equal stakes), so every node runs consensus.
   */
  public static ClusterHarness startValidatorJvms(
      String testName, int count, Duration readyTimeout) {
    return start(testName, count, readyTimeout, true, true);
  }

  /** Like {@link #startValidatorJvms}, with epochs of {@code epochLength} blocks. */
  public static ClusterHarness startValidatorJvms(
      String testName, int count, Duration readyTimeout, long epochLength) {
    ClusterHarness harness = new ClusterHarness(testName);
    harness.epochLength = epochLength;
    return harness.startAll(count, readyTimeout, true, true);
  }

  /**
   * Like {@link #startValidatorJvms(String, int, Duration, long)}, with only the first {@code
   * validators} of the {@code count} nodes in the genesis: the others run as observers until a
   * governance change (signed with {@link #governanceKey()}) makes them validators.
   */
  public static ClusterHarness startValidatorJvms(
      String testName, int count, int validators, Duration readyTimeout, long epochLength) {
    ClusterHarness harness = new ClusterHarness(testName);
    harness.epochLength = epochLength;
    harness.genesisValidators = validators;
    return harness.startAll(count, readyTimeout, true, true);
  }

  /**
   * Writes the files of {@code count} validators of one chain, each configuration with {@code
   * overrides} merged in, and starts none: {@link #startNodeInJvm} starts one as a clustered Vert.x
   * instance in this JVM, {@link #startNode} as a JVM of its own.
   */
  public static ClusterHarness prepareValidators(String testName, int count, JsonObject overrides) {
    ClusterHarness harness = new ClusterHarness(testName);
    harness.overrides = overrides.copy();
    try {
      harness.prepare(count, true);
      return harness;
    } catch (RuntimeException | Error e) {
      harness.close();
      throw e;
    }
  }

  /** Starts one prepared node as a clustered Vert.x instance in this JVM, once healthy. */
  public NodeHandle startNodeInJvm(String nodeId, Duration readyTimeout) {
    JsonObject config = configs.get(nodeId);
    if (config == null) {
      throw new IllegalArgumentException("no node " + nodeId + " was prepared");
    }
    startInJvm(config, readyTimeout);
    NodeHandle node = node(nodeId);
    awaitHealthy(node, readyTimeout);
    return node;
  }

  /** The genesis file of the prepared validators. */
  public Path genesisFile() {
    return workDir.resolve("genesis.json").toAbsolutePath();
  }

  /** A copy of a prepared node's configuration, as written to its node.json. */
  public JsonObject config(String nodeId) {
    return configs.get(nodeId).copy();
  }

  /** The port of a prepared node's client gRPC API. */
  public int grpcPort(String nodeId) {
    return configs.get(nodeId).getJsonObject("grpc").getInteger("port");
  }

  /** The governance key of the genesis: it signs validator changes. */
  public SigningKey governanceKey() {
    return governance;
  }

  /** A prepared node as a validator set entry (for a governance join), with {@code stake}. */
  public io.swarmcore.codecs.proto.ValidatorEntry validatorEntry(String nodeId, long stake) {
    VrfKeyPair vrf = vrfKeyPairs.get(nodeId);
    return io.swarmcore.codecs.proto.ValidatorEntry.newBuilder()
        .setId(nodeId)
        .setVotingKey(
            com.google.protobuf.ByteString.copyFrom(signingKeys.get(nodeId).publicKey().bytes()))
        .setVrfSuite(vrf.suite().name())
        .setVrfKey(com.google.protobuf.ByteString.copyFrom(vrf.publicKey()))
        .setStake(stake)
        .setAddress("")
        .build();
  }

  /**
   * Writes the files of {@code count} validators of one chain (as {@link #startValidatorJvms}) and
   * starts none of them: the test prepares their data, then calls {@link #startNode} for each.
   */
  public static ClusterHarness prepareValidatorJvms(String testName, int count) {
    return prepareValidators(testName, count, new JsonObject());
  }

  /** Merges {@code overrides} into a prepared node's configuration before it starts. */
  public void configure(String nodeId, JsonObject overrides) {
    JsonObject config = configs.get(nodeId);
    if (config == null) {
      throw new IllegalArgumentException("no node " + nodeId + " was prepared");
    }
    config.mergeIn(overrides, true);
    try {
      Files.writeString(workDir.resolve(nodeId).resolve("node.json"), config.encodePrettily());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts (or restarts) one prepared node JVM and waits until it reports healthy. */
  public NodeHandle startNode(String nodeId, Duration readyTimeout) {
    JsonObject config = configs.get(nodeId);
    if (config == null) {
      throw new IllegalArgumentException("no node " + nodeId + " was prepared");
    }
    Process running = current.get(nodeId);
    if (running != null && running.isAlive()) {
      throw new IllegalStateException(nodeId + " is running already");
    }
    startProcess(config);
    NodeHandle node = node(nodeId);
    awaitHealthy(node, readyTimeout);
    return node;
  }

  /** Starts several prepared node JVMs together, then waits until each reports healthy. */
  public void startNodes(List<String> nodeIds, Duration readyTimeout) {
    for (String nodeId : nodeIds) {
      startProcess(configs.get(nodeId));
    }
    for (String nodeId : nodeIds) {
      awaitHealthy(node(nodeId), readyTimeout);
    }
  }

  /** SIGKILL to a node JVM (no shutdown hooks, no clean close): a crash. */
  public void kill(String nodeId) {
    Process process = current.get(nodeId);
    if (process == null) {
      throw new IllegalArgumentException("no running node " + nodeId);
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(nodeId + " survived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing " + nodeId, e);
    }
    LOG.info("killed {} (pid {}) with SIGKILL", nodeId, process.pid());
  }

  /** The process id of a running node JVM (for tests that change its limits). */
  public long pid(String nodeId) {
    Process process = current.get(nodeId);
    if (process == null || !process.isAlive()) {
      throw new IllegalArgumentException("no running node " + nodeId);
    }
    return process.pid();
  }

  /** The voting key a prepared validator signs with (for tests that build certified data). */
  public SigningKey signingKey(String nodeId) {
    return signingKeys.get(nodeId);
  }

  /** A prepared node's data folder (its ledger is in {@code ledger/} under it). */
  public Path dataDir(String nodeId) {
    return Path.of(configs.get(nodeId).getString("dataDir"));
  }

  /** Every prepared node id, started or not, in order. */
  public List<String> nodeIds() {
    return List.copyOf(configs.keySet());
  }

  /** Like {@link #startJvms}, with each node a clustered Vert.x instance in this JVM. */
  public static ClusterHarness startInJvm(String testName, int count, Duration readyTimeout) {
    return start(testName, count, readyTimeout, false, false);
  }

  private static ClusterHarness start(
      String testName, int count, Duration readyTimeout, boolean separateJvms, boolean genesis) {
    return new ClusterHarness(testName).startAll(count, readyTimeout, separateJvms, genesis);
  }

  private ClusterHarness startAll(
      int count, Duration readyTimeout, boolean separateJvms, boolean genesis) {
    ClusterHarness harness = this;
    try {
      List<JsonObject> configs = harness.prepare(count, genesis);
      for (JsonObject config : configs) {
        if (separateJvms) {
          harness.startProcess(config);
        } else {
          harness.startInJvm(config, readyTimeout);
        }
      }
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

  /** Writes each node's key and configuration (and the genesis); returns the configurations. */
  private List<JsonObject> prepare(int count, boolean genesis) {
    List<Integer> clusterPorts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      clusterPorts.add(FreePorts.next());
    }
    JsonArray members = new JsonArray();
    clusterPorts.forEach(port -> members.add("127.0.0.1:" + port));
    SecureRandom random = new SecureRandom();
    List<SigningKey> keys = new ArrayList<>();
    List<VrfKeyPair> vrfKeys = new ArrayList<>();
    JsonArray validators = new JsonArray();
    int inGenesis = genesisValidators < 0 ? count : genesisValidators;
    for (int i = 0; i < count; i++) {
      SigningKey key = SigningKey.generate(random);
      VrfKeyPair vrf = VrfSuite.P256_SHA256_TAI.vrf().generate(random);
      keys.add(key);
      vrfKeys.add(vrf);
      signingKeys.put("node-" + (char) ('a' + i), key);
      vrfKeyPairs.put("node-" + (char) ('a' + i), vrf);
      if (i >= inGenesis) {
        continue;
      }
      validators.add(
          new JsonObject()
              .put("id", "node-" + (char) ('a' + i))
              .put("votingKey", key.publicKey().hex())
              .put("vrfSuite", vrf.suite().name())
              .put("vrfKey", HexFormat.of().formatHex(vrf.publicKey()))
              .put("stake", 100)
              .put("address", ""));
    }
    Path genesisFile = null;
    if (genesis) {
      genesisFile = workDir.resolve("genesis.json").toAbsolutePath();
      governance = SigningKey.generate(random);
      JsonObject chain =
          new JsonObject()
              .put("seed", HexFormat.of().formatHex(randomBytes(32)))
              // Long epochs by default: most tests stay in the first one.
              .put("epochLength", epochLength)
              .put("governanceKey", governance.publicKey().hex())
              .put("validators", validators);
      try {
        Files.createDirectories(workDir);
        Files.writeString(genesisFile, chain.encodePrettily());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    List<JsonObject> configs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      JsonObject config =
          writeNodeFiles(
              "node-" + (char) ('a' + i),
              clusterPorts.get(i),
              members,
              keys.get(i),
              vrfKeys.get(i),
              genesisFile,
              inGenesis);
      configs.add(config);
      this.configs.put(config.getString("nodeId"), config);
    }
    return configs;
  }

  private JsonObject writeNodeFiles(
      String nodeId,
      int clusterPort,
      JsonArray members,
      SigningKey signingKey,
      VrfKeyPair vrfKey,
      Path genesisFile,
      int validatorCount) {
    Path dir = workDir.resolve(nodeId);
    try {
      deleteRecursively(dir);
      Files.createDirectories(dir);
      Files.createDirectories(logDir);
      Path key = dir.resolve("key.json");
      KeyFile.write(key, signingKey, vrfKey);
      JsonObject config =
          new JsonObject()
              .put("nodeId", nodeId)
              .put("keyFile", key.toAbsolutePath().toString())
              .put("dataDir", dir.resolve("data").toAbsolutePath().toString())
              .put("http", new JsonObject().put("host", "127.0.0.1").put("port", FreePorts.next()))
              .put("grpc", new JsonObject().put("host", "127.0.0.1").put("port", FreePorts.next()))
              .put(
                  "cluster",
                  new JsonObject()
                      .put("name", clusterName)
                      .put("host", "127.0.0.1")
                      .put("port", clusterPort)
                      .put("members", members))
              .put("peers", new JsonObject().put("announceIntervalMs", 500));
      if (genesisFile != null) {
        config
            .put("genesisFile", genesisFile.toString())
            .put(
                "consensus",
                new JsonObject()
                    .put("validatorCount", validatorCount)
                    .put("byzantineTolerance", (validatorCount - 1) / 3));
      }
      config.mergeIn(overrides, true);
      Files.writeString(dir.resolve("node.json"), config.encodePrettily());
      return config;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startProcess(JsonObject config) {
    String nodeId = config.getString("nodeId");
    Path conf = workDir.resolve(nodeId).resolve("node.json").toAbsolutePath();
    Path log = logDir.resolve(nodeId + ".log");
    List<String> command =
        swarmJvmCommand(
            List.of(
                "run",
                NodeVerticle.class.getName(),
                "-cluster",
                "-cluster-host",
                "127.0.0.1",
                "-conf",
                conf.toString()));
    boolean firstStart = nodes.stream().noneMatch(n -> n.nodeId().equals(nodeId));
    try {
      if (firstStart) {
        Files.deleteIfExists(log); // a restart appends to the same log
      }
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      processes.add(process);
      current.put(nodeId, process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    if (firstStart) {
      nodes.add(handle(config, log));
    }
  }

  /**
   * The command line of a JVM running {@code swarm <args>} from the fat jar, with the small-heap
   * settings node JVMs use in tests.
   */
  public static List<String> swarmJvmCommand(List<String> args) {
    String jar = System.getProperty("swarm.jar", "../verticles/target/swarm.jar");
    if (!Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "no fat jar at " + jar + ": build it first (mvn package, or run the whole reactor)");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Small heaps, a serial collector, C1 only (quick to warm up): many node JVMs share two
    // cores in short runs. Long runs want full tiered compilation: override with
    // -Dswarm.nodeJvmArgs="..." (space-separated).
    command.addAll(
        List.of(
            System.getProperty(
                    "swarm.nodeJvmArgs", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1")
                .trim()
                .split("\\s+")));
    command.addAll(List.of("-jar", jar));
    command.addAll(args);
    return command;
  }

  private void startInJvm(JsonObject json, Duration timeout) {
    NodeConfig config = NodeConfig.parse(NodeConfigLoader.defaults().mergeIn(json, true));
    VertxOptions options = NodeVertx.withDefaults(new VertxOptions(), config);
    Vertx vertx =
        ClusterProbe.await(
            Vertx.builder()
                .with(options)
                .withClusterManager(
                    new HazelcastClusterManager(HazelcastConfigs.forNode(config.cluster())))
                .buildClustered(),
            timeout);
    inJvmNodes.add(vertx);
    Codecs.register(vertx.eventBus());
    ClusterProbe.await(
        vertx.deployVerticle(NodeVerticle.class.getName(), new DeploymentOptions().setConfig(json)),
        timeout);
    nodes.add(handle(json, null));
  }

  private static NodeHandle handle(JsonObject config, Path log) {
    return new NodeHandle(
        config.getString("nodeId"),
        config.getJsonObject("http").getInteger("port"),
        config.getJsonObject("cluster").getInteger("port"),
        log);
  }

  private void awaitHealthy(NodeHandle node, Duration timeout) {
    Process process = current.get(node.nodeId());
    Deadline.await(
        node.nodeId()
            + " to report UP on /health"
            + (node.log() == null ? "" : " (log: " + node.log() + ")"),
        timeout,
        () -> {
          if (process != null && !process.isAlive()) {
            throw new AssertionError(
                node.nodeId()
                    + " exited with "
                    + process.exitValue()
                    + "; log:\n"
                    + tail(node.log()));
          }
          return started(node.get("/health"));
        });
  }

  /**
   * Whether /health says the node is up: every check UP, or only the quorum check DOWN (a node
   * started before enough of the others is up, but not yet ready).
   */
  private static boolean started(NodeHandle.Response health) {
    if (health.status() == 200) {
      return true;
    }
    if (health.status() != 503) {
      return false;
    }
    try {
      JsonArray checks = new JsonObject(health.body()).getJsonArray("checks", new JsonArray());
      return !checks.isEmpty()
          && checks.stream()
              .map(JsonObject.class::cast)
              .allMatch(
                  c -> "UP".equals(c.getString("status")) || "quorum".equals(c.getString("id")));
    } catch (RuntimeException notJson) {
      return false;
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** Closes a test's probe (if any), then its cluster (if any), the cluster even if that fails. */
  public static void stop(ClusterProbe probe, ClusterHarness cluster) {
    try {
      if (probe != null) {
        probe.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  /** Stops every node: in-JVM ones by closing Vert.x, JVMs by SIGTERM then kill. */
  @Override
  public void close() {
    for (Process process : processes) {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
    }
    for (Vertx vertx : inJvmNodes) {
      try {
        ClusterProbe.await(vertx.close(), STOP_GRACE);
      } catch (RuntimeException | AssertionError e) {
        LOG.warn("an in-JVM node did not close cleanly: {}", e.toString());
      }
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
    killProcesses();
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to: it kills the same processes
    }
  }

  private void killProcesses() {
    for (Process process : processes) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }
}
