package io.swarmcore.bench;

import com.hazelcast.core.HazelcastInstance;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.grid.hazelcast.HazelcastProxyManager;
import io.swarmcore.node.HazelcastConfigs;
import io.swarmcore.node.NodeConfig;
import io.swarmcore.resilience.ClusterRateLimiter;
import io.swarmcore.resilience.ClusterRateLimiterConfig;
import io.swarmcore.resilience.ResilienceManager;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cluster-wide rate-limit decisions per second on two Hazelcast members in one JVM (loopback),
 * asked from the member that does not own the key, 64 decisions in flight: ours (exact, leased)
 * against Bucket4j on Hazelcast (no optimization, and "delaying"). Limits are far above the call
 * rate, so every decision measured is an admission.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Dhazelcast.logging.type=none")
public class ClusterLimiterBenchmark {
  private static final long HUGE = 1_000_000_000L;

  private final List<Vertx> members = new ArrayList<>();
  private Context caller;
  private String key;
  private ClusterRateLimiter exact;
  private ClusterRateLimiter leased;
  private AsyncBucketProxy bucket4jExact;
  private AsyncBucketProxy bucket4jDelaying;
  private io.github.bucket4j.distributed.BucketProxy bucket4jDelayingSync;

  @Setup
  public void setUp() throws Exception {
    String cluster = "bench-" + UUID.randomUUID();
    List<Integer> ports = List.of(freePort(), freePort());
    List<String> list = ports.stream().map(p -> "127.0.0.1:" + p).toList();
    for (int port : ports) {
      NodeConfig.Cluster settings = new NodeConfig.Cluster(cluster, "127.0.0.1", port, list);
      members.add(
          Vertx.builder()
              .with(
                  new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1")))
              .withClusterManager(new HazelcastClusterManager(HazelcastConfigs.forNode(settings)))
              .buildClustered()
              .toCompletionStage()
              .toCompletableFuture()
              .get(120, TimeUnit.SECONDS));
    }
    Vertx asker = members.get(1);
    HazelcastInstance hazelcast =
        ((HazelcastClusterManager) ((VertxInternal) asker).clusterManager()).getHazelcastInstance();
    for (int i = 0; key == null; i++) {
      String candidate = "client-" + i;
      if (!hazelcast.getPartitionService().getPartition(candidate).getOwner().localMember()) {
        key = candidate;
      }
    }
    caller = asker.getOrCreateContext();
    ResilienceManager manager = ResilienceManager.create(asker, null);
    exact = manager.clusterRateLimiter("bench-exact", ClusterRateLimiterConfig.exact(HUGE, HUGE));
    leased =
        manager.clusterRateLimiter(
            "bench-leased", ClusterRateLimiterConfig.exact(HUGE, HUGE).leased(1_000, 1_000));
    HazelcastProxyManager<String> syncProxies =
        new HazelcastProxyManager<>(hazelcast.getMap("bucket4j"));
    AsyncProxyManager<String> proxies = syncProxies.asAsync();
    BucketConfiguration configuration =
        BucketConfiguration.builder()
            .addLimit(
                Bandwidth.builder()
                    .capacity(HUGE)
                    .refillGreedy(HUGE, Duration.ofSeconds(1))
                    .build())
            .build();
    bucket4jExact =
        proxies.builder().build(key, () -> CompletableFuture.completedFuture(configuration));
    bucket4jDelaying =
        proxies
            .builder()
            .withOptimization(
                Optimizations.delaying(new DelayParameters(1_000, Duration.ofMillis(50))))
            .build(key + "-delaying", () -> CompletableFuture.completedFuture(configuration));
    bucket4jDelayingSync =
        syncProxies
            .builder()
            .withOptimization(
                Optimizations.delaying(new DelayParameters(1_000, Duration.ofMillis(50))))
            .build(key + "-delaying-sync", configuration);
  }

  /** Our lease's synchronous path on the JMH thread (a refill below half a lease runs behind). */
  @Benchmark
  public boolean swarmLeasedLocal() {
    return leased.tryAcquireLocal(key, 1);
  }

  /** Bucket4j "delaying" through its synchronous proxy on the JMH thread. */
  @Benchmark
  public boolean bucket4jDelayingSync() {
    return bucket4jDelayingSync.tryConsume(1);
  }

  @TearDown
  public void tearDown() {
    for (Vertx vertx : members) {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  @Benchmark
  @OperationsPerInvocation(InFlight.TOTAL)
  public void swarmExact() {
    onCaller(() -> exact.tryAcquire(key, 1).toCompletionStage());
  }

  @Benchmark
  @OperationsPerInvocation(InFlight.TOTAL)
  public void swarmLeased() {
    onCaller(() -> leased.tryAcquire(key, 1).toCompletionStage());
  }

  @Benchmark
  @OperationsPerInvocation(InFlight.TOTAL)
  public void bucket4jExact() {
    InFlight.run(() -> bucket4jExact.tryConsume(1));
  }

  @Benchmark
  @OperationsPerInvocation(InFlight.TOTAL)
  public void bucket4jDelaying() {
    InFlight.run(() -> bucket4jDelaying.tryConsume(1));
  }

  /** Our limiter runs on the asking member's event loop, as a verticle would use it. */
  private void onCaller(
      java.util.function.Supplier<java.util.concurrent.CompletionStage<?>> decision) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    caller.runOnContext(
        v ->
            InFlight.start(decision)
                .whenComplete(
                    (r, e) -> {
                      if (e != null) {
                        done.completeExceptionally(e);
                      } else {
                        done.complete(null);
                      }
                    }));
    try {
      done.get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("decisions did not complete: " + e, e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
