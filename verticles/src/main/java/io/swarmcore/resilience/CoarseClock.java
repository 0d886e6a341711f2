package io.swarmcore.resilience;

import io.vertx.core.Vertx;

/**
 * Wall-clock milliseconds refreshed by a Vert.x timer every millisecond, for the one place where
 * reading the clock per call showed up in profiles: recording call outcomes in a breaker's sliding
 * window, whose buckets are seconds wide. A volatile read instead of a system call.
 */
final class CoarseClock {
  private final Vertx vertx;
  private volatile long millis = System.currentTimeMillis();
  private long timer = -1;

  CoarseClock(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Starts ticking (idempotent): only managers with breakers need it. */
  synchronized void start() {
    if (timer < 0) {
      timer = vertx.setPeriodic(1, t -> millis = System.currentTimeMillis());
    }
  }

  long millis() {
    return millis;
  }

  synchronized void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }
}
