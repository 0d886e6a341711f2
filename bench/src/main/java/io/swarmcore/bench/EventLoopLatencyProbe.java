package io.swarmcore.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.swarmcore.resilience.CircuitBreakerConfig;
import io.swarmcore.resilience.ResilienceManager;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The latency of one protected call on the event loop, from the call to its completion callback,
 * with nothing else queued: calls run one after another, each started from the previous one's
 * callback. JMH cannot sample inside an event loop, hence this probe. Prints p50, p99 and p99.9 for
 * our {@code protect} and for plain Vert.x {@code CircuitBreaker.execute}, one run, side by side.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.swarmcore.bench.EventLoopLatencyProbe</pre>
 */
public final class EventLoopLatencyProbe {
  private static final int WARMUP = 300_000;
  private static final int MEASURED = 1_000_000;

  private EventLoopLatencyProbe() {}

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Context context = vertx.getOrCreateContext();
      ResilienceManager manager =
          ResilienceManager.create(vertx, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
      manager.circuitBreaker("dep", CircuitBreakerConfig.DEFAULTS);
      CircuitBreaker plain =
          CircuitBreaker.create(
              "dep",
              vertx,
              new CircuitBreakerOptions().setTimeout(10_000).setNotificationAddress(null));
      Supplier<Future<String>> call = () -> Future.succeededFuture("ok");
      for (int round = 0; round < 2; round++) { // the second round is the one reported
        report("swarm protect", measure(context, () -> manager.protect("dep", call)), round);
        report("vertx execute", measure(context, () -> plain.execute(call)), round);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static long[] measure(Context context, Supplier<Future<String>> call) throws Exception {
    long[] samples = new long[MEASURED];
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(v -> next(call, samples, -WARMUP, done));
    done.get(300, TimeUnit.SECONDS);
    Arrays.sort(samples);
    return samples;
  }

  /** Call {@code index} (negative: warm-up), then the next one from its completion callback. */
  private static void next(
      Supplier<Future<String>> call, long[] samples, int index, CompletableFuture<Void> done) {
    if (index == samples.length) {
      done.complete(null);
      return;
    }
    long start = System.nanoTime();
    call.get()
        .onComplete(
            result -> {
              long elapsed = System.nanoTime() - start;
              if (index >= 0) {
                samples[index] = elapsed;
              }
              // Completion callbacks of Vert.x's breaker run as their own tasks, so this does not
              // recurse deeper than one call.
              next(call, samples, index + 1, done);
            });
  }

  private static void report(String what, long[] sorted, int round) {
    if (round == 0) {
      return;
    }
    System.out.printf(
        "%-14s p50 %6.2f us   p99 %6.2f us   p99.9 %7.2f us%n",
        what,
        sorted[sorted.length / 2] / 1000.0,
        sorted[(int) (sorted.length * 0.99)] / 1000.0,
        sorted[(int) (sorted.length * 0.999)] / 1000.0);
  }
}
