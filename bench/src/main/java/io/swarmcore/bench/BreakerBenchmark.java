package io.swarmcore.bench;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.swarmcore.resilience.ResilienceManager;
import io.swarmcore.resilience.core.Admission;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
 * Circuit breakers side by side, calls per second: our {@code protect} and plain Vert.x {@code
 * CircuitBreaker.execute} on the event loop (batches of 1000), Resilience4j's decorated call and
 * the permission paths (ours and Resilience4j's acquire + onSuccess) on one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BreakerBenchmark {
  private Vertx vertx;
  private Context context;
  private ResilienceManager manager;
  private io.swarmcore.resilience.CircuitBreaker ours;
  private CircuitBreaker vertxBreaker;
  private CircuitBreaker vertxBreakerNoTimeout;
  private io.github.resilience4j.circuitbreaker.CircuitBreaker r4j;
  private Supplier<String> r4jDecorated;
  private final Supplier<Future<String>> call = () -> Future.succeededFuture("ok");

  @Setup
  public void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    // The node's registry kind: Prometheus, whose histograms cost less than the simple registry's.
    manager =
        ResilienceManager.create(
            vertx,
            new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT));
    ours = manager.circuitBreaker("dep", io.swarmcore.resilience.CircuitBreakerConfig.DEFAULTS);
    vertxBreaker =
        CircuitBreaker.create(
            "dep",
            vertx,
            new CircuitBreakerOptions().setTimeout(10_000).setNotificationAddress(null));
    r4j =
        io.github.resilience4j.circuitbreaker.CircuitBreaker.of(
            "dep", CircuitBreakerConfig.ofDefaults());
    r4jDecorated =
        io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateSupplier(r4j, () -> "ok");
  }

  @TearDown
  public void tearDown() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Benchmark
  @OperationsPerInvocation(EventLoopBatch.SIZE)
  public void swarmProtect() {
    EventLoopBatch.run(context, () -> manager.protect("dep", call));
  }

  @Benchmark
  @OperationsPerInvocation(EventLoopBatch.SIZE)
  public void swarmBreakerExecute() {
    EventLoopBatch.run(context, () -> ours.execute(call));
  }

  @Benchmark
  @OperationsPerInvocation(EventLoopBatch.SIZE)
  public void vertxExecuteWithoutTimeout() {
    EventLoopBatch.run(context, () -> vertxBreakerNoTimeout.execute(call));
  }

  @Benchmark
  @OperationsPerInvocation(EventLoopBatch.SIZE)
  public void vertxExecute() {
    EventLoopBatch.run(context, () -> vertxBreaker.execute(call));
  }

  @Benchmark
  @OperationsPerInvocation(EventLoopBatch.SIZE)
  public int resilience4jDecorated() {
    int length = 0;
    for (int i = 0; i < EventLoopBatch.SIZE; i++) {
      length += r4jDecorated.get().length();
    }
    return length;
  }

  @Benchmark
  @OperationsPerInvocation(EventLoopBatch.SIZE)
  public int swarmPermission() {
    int admitted = 0;
    for (int i = 0; i < EventLoopBatch.SIZE; i++) {
      Admission admission = ours.tryAcquire();
      if (admission.admitted()) {
        ours.record(admission, 1_000, false);
        admitted++;
      }
    }
    return admitted;
  }

  @Benchmark
  @OperationsPerInvocation(EventLoopBatch.SIZE)
  public int resilience4jPermission() {
    int admitted = 0;
    for (int i = 0; i < EventLoopBatch.SIZE; i++) {
      if (r4j.tryAcquirePermission()) {
        r4j.onSuccess(1_000, TimeUnit.NANOSECONDS);
        admitted++;
      }
    }
    return admitted;
  }
}
