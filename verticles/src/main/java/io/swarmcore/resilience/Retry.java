package io.swarmcore.resilience;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Retries failed calls with exponential backoff and full jitter, on Vert.x timers. */
public final class Retry {
  private final Vertx vertx;
  private final String name;
  private final RetryConfig config;
  private final ResilienceMetrics metrics;
  private final SplittableRandom random = new SplittableRandom();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong exhausted = new AtomicLong();

  Retry(Vertx vertx, String name, RetryConfig config, ResilienceMetrics metrics) {
    this.vertx = vertx;
    this.name = name;
    this.config = config;
    this.metrics = metrics;
  }

  public String name() {
    return name;
  }

  public <T> Future<T> execute(Supplier<Future<T>> call) {
    Promise<T> result = Promise.promise();
    attempt(call, 1, result);
    return result.future();
  }

  private <T> void attempt(Supplier<Future<T>> call, int attempt, Promise<T> result) {
    Future<T> future;
    try {
      future = call.get();
    } catch (RuntimeException e) {
      future = Future.failedFuture(e);
    }
    future.onComplete(
        outcome -> {
          if (outcome.succeeded()) {
            result.complete(outcome.result());
          } else if (!config.retryOn().test(outcome.cause())) {
            result.fail(outcome.cause());
          } else if (attempt >= config.maxAttempts()) {
            exhausted.incrementAndGet();
            result.fail(ResilienceException.retriesExhausted(name, attempt, outcome.cause()));
          } else {
            retries.incrementAndGet();
            metrics.retried(name);
            vertx.setTimer(
                Math.max(1, delayBefore(attempt)), t -> attempt(call, attempt + 1, result));
          }
        });
  }

  /** Full jitter: uniform in [0, min(cap, base * 2^(attempt - 1))). */
  long delayBefore(int attempt) {
    long ceiling = config.baseDelayMillis() << Math.min(attempt - 1, 30);
    if (ceiling <= 0 || ceiling > config.maxDelayMillis()) {
      ceiling = config.maxDelayMillis();
    }
    return ceiling == 0 ? 0 : random.nextLong(ceiling);
  }

  public JsonObject stats() {
    return new JsonObject()
        .put("type", "retry")
        .put("maxAttempts", config.maxAttempts())
        .put("retries", retries.get())
        .put("exhausted", exhausted.get());
  }
}
