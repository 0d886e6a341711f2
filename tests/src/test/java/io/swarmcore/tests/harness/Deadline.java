package io.swarmcore.tests.harness;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or time runs out; never sleeps longer than one interval. */
public final class Deadline {
  private static final long POLL_MILLIS = 100;

  private Deadline() {}

  /**
   * @throws AssertionError naming {@code what} when {@code condition} still fails at the deadline
   */
  public static void await(String what, Duration timeout, BooleanSupplier condition) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError(
            "timed out after " + timeout.toSeconds() + " s waiting for " + what);
      }
      // A short pause between polls; the deadline above bounds the whole wait.
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
    }
  }
}
