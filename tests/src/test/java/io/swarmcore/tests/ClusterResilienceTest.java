package io.swarmcore.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.resilience.CircuitBreaker;
import io.swarmcore.resilience.CircuitBreakerConfig;
import io.swarmcore.resilience.ClusterRateLimiter;
import io.swarmcore.resilience.ClusterRateLimiterConfig;
import io.swarmcore.resilience.ResilienceManager;
import io.swarmcore.resilience.core.BreakerState;
import io.swarmcore.tests.harness.ClusterProbe;
import io.swarmcore.tests.harness.Deadline;
import io.swarmcore.tests.harness.LocalCluster;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Three clustered Vert.x instances share one cluster rate limiter under 10 s of concurrent load:
 * admissions stay within the limit plus the documented bound, in both modes. A shared breaker
 * opened on one instance is seen open by an instance started afterwards.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ClusterResilienceTest {
  private static final Duration START = Duration.ofSeconds(90);
  private static final long CAPACITY = 50;
  private static final long RATE = 200;
  private static final long LOAD_MILLIS = 10_000;
  private static final int CHAINS_PER_INSTANCE = 4;

  private static LocalCluster cluster;
  private static List<ResilienceManager> managers;

  @BeforeAll
  static void startThree() {
    cluster = new LocalCluster(3);
    managers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      managers.add(ResilienceManager.create(cluster.join(START), null));
    }
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void exactModeNeverAdmitsMoreThanTheLimit() {
    ClusterRateLimiterConfig config = ClusterRateLimiterConfig.exact(CAPACITY, RATE);
    long[] result = load("exact", config);
    long admitted = result[0];
    double seconds = result[1] / 1e9;
    long limit = CAPACITY + (long) Math.ceil(RATE * seconds) + config.overAdmissionBound(3);
    report("exact", admitted, seconds, limit);
    assertThat(admitted).as("admitted in %.2f s", seconds).isLessThanOrEqualTo(limit);
    assertThat(admitted).as("the limiter still admits close to the rate").isGreaterThan(limit / 2);
  }

  @Test
  void leasedModeStaysWithinTheLimitPlusTheLeases() {
    ClusterRateLimiterConfig config = ClusterRateLimiterConfig.exact(CAPACITY, RATE).leased(5, 500);
    long[] result = load("leased", config);
    long admitted = result[0];
    double seconds = result[1] / 1e9;
    long limit = CAPACITY + (long) Math.ceil(RATE * seconds) + config.overAdmissionBound(3);
    assertThat(config.overAdmissionBound(3)).isEqualTo(24);
    report("leased", admitted, seconds, limit);
    assertThat(admitted).as("admitted in %.2f s", seconds).isLessThanOrEqualTo(limit);
    assertThat(admitted).isGreaterThan(limit / 2);
  }

  private static void report(String mode, long admitted, double seconds, long limit) {
    LoggerFactory.getLogger(ClusterResilienceTest.class)
        .info(
            "{} mode: admitted {} in {} s; the limit with its bound is {}",
            mode,
            admitted,
            String.format("%.2f", seconds),
            limit);
  }

  @Test
  void theSynchronousLeasePathStaysWithinTheLimitPlusTheLeases() {
    ClusterRateLimiterConfig config = ClusterRateLimiterConfig.exact(CAPACITY, RATE).leased(5, 500);
    long[] result = load("leased-local", config, true);
    long admitted = result[0];
    double seconds = result[1] / 1e9;
    long limit = CAPACITY + (long) Math.ceil(RATE * seconds) + config.overAdmissionBound(3);
    report("leased (synchronous path)", admitted, seconds, limit);
    assertThat(admitted).as("admitted in %.2f s", seconds).isLessThanOrEqualTo(limit);
    assertThat(admitted).isGreaterThan(limit / 2);
  }

  private static long[] load(String name, ClusterRateLimiterConfig config) {
    return load(name, config, false);
  }

  /** Runs the load; returns {admitted, nanoseconds from the first request to the last answer}. */
  private static long[] load(String name, ClusterRateLimiterConfig config, boolean local) {
    AtomicLong admitted = new AtomicLong();
    long start = System.nanoTime();
    long end = start + TimeUnit.MILLISECONDS.toNanos(LOAD_MILLIS);
    List<Future<Void>> chains = new ArrayList<>();
    for (int i = 0; i < managers.size(); i++) {
      ClusterRateLimiter limiter = managers.get(i).clusterRateLimiter(name, config);
      Vertx vertx = cluster.members().get(i);
      for (int c = 0; c < CHAINS_PER_INSTANCE; c++) {
        Promise<Void> done = Promise.promise();
        vertx.runOnContext(v -> chain(vertx, limiter, admitted, end, done, local));
        chains.add(done.future());
      }
    }
    ClusterProbe.await(Future.all(chains), Duration.ofSeconds(60));
    return new long[] {admitted.get(), System.nanoTime() - start};
  }

  private static void chain(
      Vertx vertx,
      ClusterRateLimiter limiter,
      AtomicLong admitted,
      long end,
      Promise<Void> done,
      boolean local) {
    if (System.nanoTime() - end > 0) {
      done.complete();
      return;
    }
    if (local) {
      if (limiter.tryAcquireLocal("client-1", 1)) {
        admitted.incrementAndGet();
      }
      // Yield to the event loop between decisions, so refills and other chains run.
      vertx.setTimer(1, t -> chain(vertx, limiter, admitted, end, done, true));
      return;
    }
    limiter
        .tryAcquire("client-1", 1)
        .onComplete(
            decision -> {
              if (decision.succeeded() && decision.result()) {
                admitted.incrementAndGet();
              }
              chain(vertx, limiter, admitted, end, done, false);
            });
  }

  @Test
  void aSharedBreakerOpenedOnOneInstanceStartsOpenOnANewOne() {
    CircuitBreakerConfig shared = CircuitBreakerConfig.DEFAULTS.withShared(true);
    CircuitBreaker first = managers.get(0).circuitBreaker("payments", shared);
    first.force(BreakerState.OPEN);
    Vertx newcomer = cluster.join(START);
    CircuitBreaker second =
        ResilienceManager.create(newcomer, null).circuitBreaker("payments", shared);
    Deadline.await(
        "the new instance's breaker to adopt the shared OPEN state",
        Duration.ofSeconds(20),
        () -> second.state() == BreakerState.OPEN);
  }
}
