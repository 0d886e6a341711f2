package io.swarmcore.resilience;

import io.swarmcore.resilience.core.TokenBucket;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * A token bucket in this process: {@link #tryAcquire} never blocks; {@link #acquire} waits on a
 * Vert.x timer until tokens are free or the deadline passes.
 */
public final class RateLimiter {
  private final Vertx vertx;
  private final String name;
  private final TokenBucket bucket;
  private final ResilienceMetrics.LimiterMeters meters;
  private long admitted;
  private long rejected;

  RateLimiter(
      Vertx vertx, String name, long capacity, long refillPerSecond, ResilienceMetrics metrics) {
    this.vertx = vertx;
    this.name = name;
    this.bucket = new TokenBucket(capacity, refillPerSecond);
    this.meters = metrics.limiter(name);
  }

  public String name() {
    return name;
  }

  /** Takes {@code tokens} if they are there now. */
  public boolean tryAcquire(long tokens) {
    boolean granted;
    synchronized (this) {
      granted = bucket.tryAcquire(tokens, System.nanoTime());
      if (granted) {
        admitted++;
      } else {
        rejected++;
      }
    }
    meters.decision(granted);
    return granted;
  }

  /** How long until {@code tokens} would be granted (0: now). */
  public synchronized long nanosUntilAvailable(long tokens) {
    return bucket.nanosUntilAvailable(tokens, System.nanoTime());
  }

  /**
   * Completes once {@code tokens} are taken; fails with RATE_LIMITED (saying when to retry) if that
   * cannot happen within {@code maxWait}.
   */
  public Future<Void> acquire(long tokens, Duration maxWait) {
    long deadline = System.nanoTime() + maxWait.toNanos();
    Promise<Void> promise = Promise.promise();
    attempt(tokens, deadline, promise);
    return promise.future();
  }

  private void attempt(long tokens, long deadline, Promise<Void> promise) {
    long wait;
    synchronized (this) {
      long now = System.nanoTime();
      if (bucket.tryAcquire(tokens, now)) {
        admitted++;
        wait = 0;
      } else {
        wait = bucket.nanosUntilAvailable(tokens, now);
        if (wait == Long.MAX_VALUE || now + wait - deadline > 0) {
          rejected++;
          wait = -1;
        }
      }
    }
    if (wait == 0) {
      meters.decision(true);
      promise.complete();
    } else if (wait < 0) {
      meters.decision(false);
      promise.fail(
          ResilienceException.rateLimited(
              name, Math.max(1, nanosUntilAvailable(tokens) / 1_000_000)));
    } else {
      vertx.setTimer(
          Math.max(1, (wait + 999_999) / 1_000_000), t -> attempt(tokens, deadline, promise));
    }
  }

  public synchronized JsonObject stats() {
    return new JsonObject()
        .put("type", "rateLimiter")
        .put("capacity", bucket.capacity())
        .put("refillPerSecond", bucket.refillPerSecond())
        .put("available", bucket.available(System.nanoTime()))
        .put("admitted", admitted)
        .put("rejected", rejected);
  }
}
