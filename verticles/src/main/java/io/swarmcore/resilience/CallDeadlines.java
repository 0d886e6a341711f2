package io.swarmcore.resilience;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeoutException;

/**
 * Call timeouts for one breaker without a timer per call. Calls in flight sit in a doubly linked
 * list in start order (one timeout for all, so deadlines are in order too); a call leaves it the
 * moment it completes, and a periodic sweep, every tenth of the timeout (at least 1 ms, at most 100
 * ms), fails the ones past their deadline from the head. A call therefore fails between the timeout
 * and the timeout plus one sweep period after it started.
 */
final class CallDeadlines {
  private final Vertx vertx;
  private final String name;
  private final long timeoutNanos;
  private final long sweeper;
  private Pending<?> head;
  private Pending<?> tail;

  private static final class Pending<T> {
    final Promise<T> promise;
    final long deadlineNanos;
    Pending<?> previous;
    Pending<?> next;
    boolean linked = true;

    Pending(Promise<T> promise, long deadlineNanos) {
      this.promise = promise;
      this.deadlineNanos = deadlineNanos;
    }
  }

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
  <T> Future<T> bound(Future<T> call, long startNanos, Handler<AsyncResult<T>> whenDone) {
    if (call.isComplete()) {
      whenDone.handle(call);
      return call;
    }
    Promise<T> promise = Promise.promise();
    Pending<T> pending = new Pending<>(promise, startNanos + timeoutNanos);
    link(pending);
    promise.future().onComplete(whenDone);
    call.onComplete(
        outcome -> {
          unlink(pending);
          if (outcome.succeeded()) {
            promise.tryComplete(outcome.result());
          } else {
            promise.tryFail(outcome.cause());
          }
        });
    return promise.future();
  }

  private synchronized void link(Pending<?> pending) {
    pending.previous = tail;
    if (tail == null) {
      head = pending;
    } else {
      tail.next = pending;
    }
    tail = pending;
  }

  private synchronized void unlink(Pending<?> pending) {
    if (!pending.linked) {
      return;
    }
    pending.linked = false;
    if (pending.previous == null) {
      head = pending.next;
    } else {
      pending.previous.next = pending.next;
    }
    if (pending.next == null) {
      tail = pending.previous;
    } else {
      pending.next.previous = pending.previous;
    }
  }

  private void sweep() {
    long now = System.nanoTime();
    while (true) {
      Pending<?> expired;
      synchronized (this) {
        if (head == null || now - head.deadlineNanos < 0) {
          return;
        }
        expired = head;
        unlink(expired);
      }
      expired.promise.tryFail(
          new TimeoutException(
              "call through breaker "
                  + name
                  + " took longer than "
                  + timeoutNanos / 1_000_000
                  + " ms"));
    }
  }

  void close() {
    vertx.cancelTimer(sweeper);
  }
}
