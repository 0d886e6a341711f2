package io.swarmcore.bench;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.swarmcore.resilience.ResilienceManager;
import io.swarmcore.resilience.core.TokenBucket;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Local rate limiters and bulkheads side by side, decisions per second on one thread. Limits are
 * set far above the call rate, so every path measured is the admitting one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LocalLimiterBenchmark {
  private static final long HUGE = 1_000_000_000L;

  private Vertx vertx;
  private Context context;
  private io.swarmcore.resilience.RateLimiter ours;
  private TokenBucket oursCore;
  private Bucket bucket4j;
  private RateLimiter r4jLimiter;
  private io.swarmcore.resilience.Bulkhead ourBulkhead;
  private Bulkhead r4jBulkhead;

  @Setup
  public void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    ResilienceManager manager = ResilienceManager.create(vertx, null);
    ours = manager.rateLimiter("local", HUGE, HUGE);
    oursCore = new TokenBucket(HUGE, HUGE);
    bucket4j =
        Bucket.builder()
            .addLimit(
                Bandwidth.builder()
                    .capacity(HUGE)
                    .refillGreedy(HUGE, Duration.ofSeconds(1))
                    .build())
            .build();
    r4jLimiter =
        RateLimiter.of(
            "local",
            RateLimiterConfig.custom()
                .limitForPeriod(Integer.MAX_VALUE)
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build());
    ourBulkhead = manager.bulkhead("bulk", 1_000_000, 0, 1_000);
    r4jBulkhead =
        Bulkhead.of(
            "bulk",
            BulkheadConfig.custom()
                .maxConcurrentCalls(1_000_000)
                .maxWaitDuration(Duration.ZERO)
                .build());
  }

  @TearDown
  public void tearDown() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Benchmark
  public boolean swarmRateLimiter() {
    return ours.tryAcquire(1);
  }

  @Benchmark
  public boolean swarmTokenBucketCore() {
    return oursCore.tryAcquire(1, System.nanoTime());
  }

  @Benchmark
  public boolean bucket4jLocal() {
    return bucket4j.tryConsume(1);
  }

  @Benchmark
  public boolean resilience4jRateLimiter() {
    return r4jLimiter.acquirePermission();
  }

  @Benchmark
  @org.openjdk.jmh.annotations.OperationsPerInvocation(EventLoopBatch.SIZE)
  public void swarmBulkhead() {
    EventLoopBatch.run(context, () -> ourBulkhead.execute(() -> Future.succeededFuture("ok")));
  }

  @Benchmark
  public boolean resilience4jSemaphoreBulkhead() {
    boolean admitted = r4jBulkhead.tryAcquirePermission();
    if (admitted) {
      r4jBulkhead.onComplete();
    }
    return admitted;
  }
}
