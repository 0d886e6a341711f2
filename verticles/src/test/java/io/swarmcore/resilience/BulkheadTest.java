package io.swarmcore.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class BulkheadTest {
  @Test
  void runsAtMostMaxConcurrentQueuesFifoAndRefusesBeyondTheQueue(
      Vertx vertx, VertxTestContext test) {
    ResilienceManager manager = ResilienceManager.create(vertx, null);
    Bulkhead bulkhead = manager.bulkhead("b", 2, 1, 5_000);
    List<Promise<String>> running = new ArrayList<>();
    List<String> order = new ArrayList<>();
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int index = i;
      results.add(
          bulkhead.execute(
              () -> {
                order.add("start " + index);
                Promise<String> promise = Promise.promise();
                running.add(promise);
                return promise.future();
              }));
    }
    Future<String> refused = bulkhead.execute(() -> Future.succeededFuture("never"));

    test.verify(
        () -> {
          assertThat(order).containsExactly("start 0", "start 1");
          assertThat(bulkhead.inFlight()).isEqualTo(2);
          assertThat(refused.failed()).isTrue();
          assertThat(((ResilienceException) refused.cause()).kind())
              .isEqualTo(ResilienceException.Kind.BULKHEAD_FULL);
          assertThat(refused.cause().getMessage())
              .contains("all 2 slots are busy and all 1 queue places are taken");
        });
    running.get(0).complete("done 0");
    results
        .get(2)
        .onComplete(
            test.succeeding(
                value ->
                    test.verify(
                        () -> {
                          assertThat(value).isEqualTo("done 2");
                          assertThat(order).containsExactly("start 0", "start 1", "start 2");
                          test.completeNow();
                        })));
    vertx.setTimer(50, t -> running.get(2).complete("done 2"));
  }

  @Test
  void aQueuedCallGivesUpAfterTheMaxWait(Vertx vertx, VertxTestContext test) {
    Bulkhead bulkhead = ResilienceManager.create(vertx, null).bulkhead("w", 1, 5, 100);
    bulkhead.execute(() -> Promise.<String>promise().future()); // holds the only slot
    long start = System.nanoTime();
    bulkhead
        .execute(() -> Future.succeededFuture("late"))
        .onComplete(
            test.failing(
                failure ->
                    test.verify(
                        () -> {
                          assertThat(failure).hasMessageContaining("waited 100 ms in the queue");
                          assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(90_000_000L);
                          assertThat(bulkhead.stats().getLong("rejected")).isEqualTo(1);
                          test.completeNow();
                        })));
  }
}
