package io.swarmcore.tests.harness;

import io.swarmcore.codecs.Codecs;
import io.swarmcore.node.HazelcastConfigs;
import io.swarmcore.node.NodeConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A clustered Vert.x instance in the test JVM that joins a harness cluster as one more member: the
 * vantage point of another application (or an attacker) on the same event bus.
 */
public final class ClusterProbe implements AutoCloseable {
  private final Vertx vertx;

  private ClusterProbe(Vertx vertx) {
    this.vertx = vertx;
  }

  public static ClusterProbe join(ClusterHarness harness, Duration timeout) {
    List<String> members = harness.members().stream().map(String::valueOf).toList();
    NodeConfig.Cluster cluster =
        new NodeConfig.Cluster(harness.clusterName(), "127.0.0.1", FreePorts.next(), members);
    Future<Vertx> started =
        Vertx.builder()
            .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1")))
            .withClusterManager(new HazelcastClusterManager(HazelcastConfigs.forNode(cluster)))
            .buildClustered();
    Vertx vertx = await(started, timeout);
    Codecs.register(vertx.eventBus());
    return new ClusterProbe(vertx);
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Blocks the test thread (never an event loop) for a future's outcome. */
  public static <T> T await(Future<T> future, Duration timeout) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no outcome within " + timeout.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public void close() {
    await(vertx.close(), Duration.ofSeconds(30));
  }
}
