package io.swarmcore.demo;

import io.swarmcore.Swarm;
import io.swarmcore.crypto.PublicKey;
import io.swarmcore.node.ClusterFiles;
import io.swarmcore.node.HazelcastConfigs;
import io.swarmcore.node.NodeConfig;
import io.swarmcore.node.NodeConfigLoader;
import io.swarmcore.node.NodeVertx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A fresh chain of validators in this JVM: each a clustered Vert.x instance (real Hazelcast on
 * 127.0.0.1, a random cluster name, free ports) running a whole node through {@link Swarm#embed},
 * with keys, genesis and ledgers in a temporary folder that {@link #close} removes.
 */
public final class LocalChain implements AutoCloseable {
  /** One running validator. */
  public record Member(
      String nodeId, int grpcPort, int httpPort, Vertx vertx, Swarm.EmbeddedNode node) {}

  private final Path dir;
  private final List<Member> members = new ArrayList<>();
  private final Map<String, PublicKey> votingKeys = new LinkedHashMap<>();

  private LocalChain(Path dir) {
    this.dir = dir;
  }

  /**
   * Starts {@code validators} validators node-1..node-N.
   *
   * @param overrides configuration merged into a node's, given its id and the id of the leader of
   *     view 0 (empty for none)
   */
  public static LocalChain start(
      int validators,
      java.util.function.BiFunction<String, String, JsonObject> overrides,
      Duration timeout) {
    LocalChain chain;
    try {
      chain = new LocalChain(Files.createTempDirectory("swarm-demo-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      chain.launch(validators, overrides, timeout);
      return chain;
    } catch (RuntimeException | Error e) {
      chain.close();
      throw e;
    }
  }

  public List<Member> members() {
    return List.copyOf(members);
  }

  /** Every validator's voting key, by id: what a receipt is verified against. */
  public Map<String, PublicKey> votingKeys() {
    return Map.copyOf(votingKeys);
  }

  private void launch(
      int count,
      java.util.function.BiFunction<String, String, JsonObject> overrides,
      Duration timeout) {
    ClusterFiles.Written written = writeFiles(dir, count, "swarm-demo-");
    votingKeys.putAll(written.votingKeys());
    List<Future<Member>> starting = new ArrayList<>();
    for (var entry : written.configs().entrySet()) {
      JsonObject config = readJson(entry.getValue());
      config.mergeIn(overrides.apply(entry.getKey(), written.firstLeader()), true);
      starting.add(startMember(config));
    }
    Future<?> all = Future.all(starting);
    await(all, timeout);
    starting.forEach(member -> this.members.add(member.result()));
  }

  /**
   * Keys, genesis and configurations of {@code count} validators on 127.0.0.1, each with three free
   * ports (HTTP, gRPC, cluster), written into {@code dir} under a random cluster name.
   */
  public static ClusterFiles.Written writeFiles(Path dir, int count, String clusterNamePrefix) {
    SecureRandom random = new SecureRandom();
    Map<Integer, int[]> ports = new java.util.HashMap<>();
    for (int i = 1; i <= count; i++) {
      ports.put(i, new int[] {freePort(), freePort(), freePort()});
    }
    return ClusterFiles.write(
        dir,
        new ClusterFiles.Layout(
            count,
            "127.0.0.1",
            ClusterFiles.randomClusterName(clusterNamePrefix, random),
            i -> ports.get(i)[0],
            i -> ports.get(i)[1],
            i -> ports.get(i)[2],
            1_000_000_000L,
            500,
            false),
        random);
  }

  private static JsonObject readJson(Path file) {
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Future<Member> startMember(JsonObject config) {
    NodeConfig parsed = NodeConfig.parse(NodeConfigLoader.defaults().mergeIn(config.copy(), true));
    VertxOptions options = NodeVertx.withDefaults(new VertxOptions(), parsed);
    var builder =
        Vertx.builder()
            .with(options)
            .withClusterManager(
                new HazelcastClusterManager(HazelcastConfigs.forNode(parsed.cluster())));
    io.swarmcore.node.NodeTracing.fromConfig(parsed)
        .ifPresent(sdk -> io.swarmcore.node.NodeTracing.install(builder, sdk));
    return builder
        .buildClustered()
        .compose(
            vertx ->
                Swarm.embed(vertx, config)
                    .map(
                        node ->
                            new Member(
                                parsed.nodeId(),
                                parsed.grpc().port(),
                                parsed.http().port(),
                                vertx,
                                node)));
  }

  /** The future's result, waiting at most {@code timeout} on this (non-Vert.x) thread. */
  public static <T> T await(Future<T> future, Duration timeout) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("not done within " + timeout.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  // Below Linux's ephemeral range (32768 and up): a port the kernel hands out for outgoing
  // connections (Hazelcast opens many while the nodes start) could be taken before a node binds it.
  private static final int FIRST_PORT = 20_000;
  private static final int LAST_PORT = 32_000;
  private static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT =
      new java.util.concurrent.atomic.AtomicInteger(
          FIRST_PORT + new SecureRandom().nextInt(LAST_PORT - FIRST_PORT));

  /** A port on 127.0.0.1 that was free a moment ago, below the ephemeral range. */
  public static int freePort() {
    for (int tries = 0; tries < LAST_PORT - FIRST_PORT; tries++) {
      int port = NEXT_PORT.getAndUpdate(p -> p + 1 >= LAST_PORT ? FIRST_PORT : p + 1);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
        return port;
      } catch (IOException taken) {
        // try the next one
      }
    }
    throw new UncheckedIOException(
        new IOException("no free port on 127.0.0.1 in " + FIRST_PORT + ".." + LAST_PORT));
  }

  /** Stops every node, then every Vert.x instance (all at once), then removes the folder. */
  @Override
  public void close() {
    List<Future<?>> stopping = new ArrayList<>();
    members.forEach(member -> stopping.add(member.node().stop()));
    try {
      await(Future.join(stopping), Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      // Close the instances anyway.
    }
    List<Future<?>> closing = new ArrayList<>();
    members.forEach(member -> closing.add(member.vertx().close()));
    try {
      await(Future.join(closing), Duration.ofSeconds(30));
    } catch (RuntimeException e) {
      // The folder goes anyway.
    }
    members.forEach(member -> io.swarmcore.node.NodeTracing.close(member.nodeId()));
    members.clear();
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A temporary folder left behind is no failure of the demo.
    }
  }
}
