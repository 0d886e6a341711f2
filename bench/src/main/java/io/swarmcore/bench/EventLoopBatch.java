package io.swarmcore.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs a batch of Future-returning calls on a Vert.x event loop, as a verticle would, and waits
 * until every one has completed: how event-loop code is measured here, for ours and for Vert.x.
 */
final class EventLoopBatch {
  static final int SIZE = 1000;

  private EventLoopBatch() {}

  static void run(Context context, Supplier<Future<?>> call) {
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger completed = new AtomicInteger();
    context.runOnContext(
        v -> {
          for (int i = 0; i < SIZE; i++) {
            call.get()
                .onComplete(
                    result -> {
                      if (completed.incrementAndGet() == SIZE) {
                        done.countDown();
                      }
                    });
          }
        });
    try {
      if (!done.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("a batch did not complete within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
