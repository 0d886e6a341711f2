package io.swarmcore.resilience;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;

/**
 * At most {@code maxConcurrent} calls in flight; up to {@code maxQueue} more wait in FIFO order for
 * at most {@code maxWaitMillis}; anything beyond is refused at once with BULKHEAD_FULL. Never
 * blocks a thread: waiting calls are promises, started when a slot frees.
 */
public final class Bulkhead {
  private final Vertx vertx;
  private final String name;
  private final int maxConcurrent;
  private final int maxQueue;
  private final long maxWaitMillis;
  private final Deque<Waiter> queue = new ArrayDeque<>();
  private int inFlight;
  private long admitted;
  private long rejected;
  private final ResilienceMetrics metrics;

  private record Waiter(Promise<Void> slot, long timer) {}

  Bulkhead(
      Vertx vertx,
      String name,
      int maxConcurrent,
      int maxQueue,
      long maxWaitMillis,
      ResilienceMetrics metrics) {
    if (maxConcurrent < 1 || maxQueue < 0 || maxWaitMillis < 0) {
      throw new IllegalArgumentException(
          "bulkhead "
              + name
              + " needs maxConcurrent >= 1, maxQueue >= 0 and maxWaitMillis >= 0, got "
              + maxConcurrent
              + ", "
              + maxQueue
              + ", "
              + maxWaitMillis);
    }
    this.vertx = vertx;
    this.name = name;
    this.maxConcurrent = maxConcurrent;
    this.maxQueue = maxQueue;
    this.maxWaitMillis = maxWaitMillis;
    this.metrics = metrics;
    metrics.bulkhead(name, this::inFlight, maxConcurrent);
  }

  public String name() {
    return name;
  }

  /** Runs {@code call} when a slot is free; fails with BULKHEAD_FULL when none will be soon. */
  public <T> Future<T> execute(Supplier<Future<T>> call) {
    return slot().compose(free -> run(call));
  }

  private <T> Future<T> run(Supplier<Future<T>> call) {
    Future<T> result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.andThen(done -> release());
  }

  /** Takes a slot now, or queues for one. */
  private synchronized Future<Void> slot() {
    if (inFlight < maxConcurrent) {
      inFlight++;
      admitted++;
      return Future.succeededFuture();
    }
    if (queue.size() >= maxQueue) {
      rejected++;
      metrics.bulkheadRejected(name);
      return Future.failedFuture(
          ResilienceException.bulkheadFull(
              name,
              "all "
                  + maxConcurrent
                  + " slots are busy and all "
                  + maxQueue
                  + " queue places are taken"));
    }
    Promise<Void> promise = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, maxWaitMillis), t -> expire(promise));
    queue.addLast(new Waiter(promise, timer));
    return promise.future();
  }

  private void expire(Promise<Void> promise) {
    synchronized (this) {
      if (!queue.removeIf(waiter -> waiter.slot() == promise)) {
        return;
      }
      rejected++;
    }
    metrics.bulkheadRejected(name);
    promise.tryFail(
        ResilienceException.bulkheadFull(
            name, "waited " + maxWaitMillis + " ms in the queue without a free slot"));
  }

  private void release() {
    Waiter next;
    synchronized (this) {
      next = queue.pollFirst();
      if (next == null) {
        inFlight--;
        return;
      }
      admitted++; // the slot passes straight to the next waiter
    }
    vertx.cancelTimer(next.timer());
    next.slot().tryComplete();
  }

  public synchronized int inFlight() {
    return inFlight;
  }

  public synchronized JsonObject stats() {
    return new JsonObject()
        .put("type", "bulkhead")
        .put("maxConcurrent", maxConcurrent)
        .put("maxQueue", maxQueue)
        .put("inFlight", inFlight)
        .put("queued", queue.size())
        .put("admitted", admitted)
        .put("rejected", rejected);
  }
}
