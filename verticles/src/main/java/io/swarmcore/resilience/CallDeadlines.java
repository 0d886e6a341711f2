package io.swarmcore.resilience;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;

/**
 * Call timeouts for one breaker without a timer per call: calls enter a queue in start order (one
 * timeout for all, so deadlines are in order too) and a periodic sweep, every tenth of the timeout
 * (at least 1 ms, at most 100 ms), fails those past their deadline. A call therefore fails between
 * the timeout and the timeout plus one sweep period after it started.
 */
final class CallDeadlines {
  private final Vertx vertx;
  private final String name;
  private final long timeoutNanos;
  private final ConcurrentLinkedQueue<Pending<?>> pending = new ConcurrentLinkedQueue<>();
  private final long sweeper;

  private record Pending<T>(Promise<T> promise, long deadlineNanos) {}

  CallDeadlines(Vertx vertx, String name, long timeoutMillis) {
    this.vertx = vertx;
    this.name = name;
    this.timeoutNanos = timeoutMillis * 1_000_000L;
    this.sweeper = vertx.setPeriodic(Math.max(1, Math.min(100, timeoutMillis / 10)), t -> sweep());
  }

  /**
   * A future that completes as {@code call} does, or fails once the timeout has passed; {@code
   * whenDone} sees the outcome first, on the same callback.
   */
  <T> Future<T> bound(
      Future<T> call,
      long startNanos,
      io.vertx.core.Handler<io.vertx.core.AsyncResult<T>> whenDone) {
    if (call.isComplete()) {
      whenDone.handle(call);
      return call;
    }
    Promise<T> promise = Promise.promise();
    pending.add(new Pending<>(promise, startNanos + timeoutNanos));
    promise.future().onComplete(whenDone);
    call.onComplete(
        outcome -> {
          if (outcome.succeeded()) {
            promise.tryComplete(outcome.result());
          } else {
            promise.tryFail(outcome.cause());
          }
        });
    return promise.future();
  }

  private void sweep() {
    long now = System.nanoTime();
    for (Pending<?> head = pending.peek(); head != null; head = pending.peek()) {
      if (head.promise().future().isComplete()) {
        pending.poll();
      } else if (now - head.deadlineNanos() >= 0) {
        pending.poll();
        head.promise()
            .tryFail(
                new TimeoutException(
                    "call through breaker "
                        + name
                        + " took longer than "
                        + timeoutNanos / 1_000_000
                        + " ms"));
      } else {
        return;
      }
    }
  }

  void close() {
    vertx.cancelTimer(sweeper);
  }
}
