package io.swarmcore.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.swarmcore.resilience.ClusterRateLimiter;
import io.swarmcore.resilience.ClusterRateLimiterConfig;
import io.swarmcore.resilience.ResilienceManager;
import io.swarmcore.tests.harness.ClusterProbe;
import io.swarmcore.tests.harness.Deadline;
import io.swarmcore.tests.harness.LocalCluster;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Idle keys expire; an unreachable cluster fails open or closed as configured, and says so. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterLimiterFailureTest {
  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration STEP = Duration.ofSeconds(10);

  @Test
  void anIdleKeyIsForgottenAfterItsTtl() {
    try (LocalCluster cluster = new LocalCluster(1)) {
      ResilienceManager manager = ResilienceManager.create(cluster.join(START), null);
      ClusterRateLimiterConfig base = ClusterRateLimiterConfig.exact(2, 1);
      ClusterRateLimiter limiter =
          manager.clusterRateLimiter(
              "ttl",
              new ClusterRateLimiterConfig(2, 1, base.mode(), 1, 1_000, 1_000, 1_000, false));
      assertThat(ClusterProbe.await(limiter.tryAcquire("k", 2), STEP)).isTrue();
      assertThat(ClusterProbe.await(limiter.tryAcquire("k", 2), STEP)).isFalse();
      long emptied = System.nanoTime();
      // Refilling 2 tokens at 1/s takes 2 s; the 1 s TTL forgets the key (a full bucket) sooner.
      Deadline.await(
          "the idle key to expire",
          STEP,
          () -> ClusterProbe.await(limiter.tryAcquire("k", 2), STEP));
      assertThat(System.nanoTime() - emptied).isLessThan(TimeUnit.MILLISECONDS.toNanos(1_900));
    }
  }

  @Test
  void withoutTheClusterTheLimiterFailsAsConfiguredAndReportsIt() {
    try (LocalCluster cluster = new LocalCluster(1)) {
      Vertx vertx = cluster.join(START);
      ResilienceManager manager = ResilienceManager.create(vertx, null);
      ClusterRateLimiter closed =
          manager.clusterRateLimiter("closed", ClusterRateLimiterConfig.exact(100, 100));
      ClusterRateLimiter open =
          manager.clusterRateLimiter(
              "open", ClusterRateLimiterConfig.exact(100, 100).withFailOpen(true));
      assertThat(ClusterProbe.await(closed.tryAcquire("k", 1), STEP)).isTrue();

      HazelcastInstance hazelcast =
          ((HazelcastClusterManager) ((VertxInternal) vertx).clusterManager())
              .getHazelcastInstance();
      hazelcast.getLifecycleService().terminate();

      assertThat(ClusterProbe.await(closed.tryAcquire("k", 1), STEP)).isFalse();
      assertThat(ClusterProbe.await(open.tryAcquire("k", 1), STEP)).isTrue();
      assertThat(closed.stats().getBoolean("clusterReachable")).isFalse();
      assertThat(closed.stats().getString("lastClusterError")).isNotBlank();
      assertThat(closed.stats().getString("whenUnreachable")).isEqualTo("fail closed");
      assertThat(open.stats().getString("whenUnreachable")).isEqualTo("fail open");
    }
  }
}
