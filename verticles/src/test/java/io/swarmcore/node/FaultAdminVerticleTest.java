package io.swarmcore.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class FaultAdminVerticleTest {
  private static final String ADMIN = FaultAdminVerticle.address("n1");

  /** Deploys the admin of node n1 and sends it {@code command}: its reply. */
  private static io.vertx.core.Future<io.vertx.core.eventbus.Message<JsonObject>> deployAndCommand(
      Vertx vertx, JsonObject command) {
    return vertx
        .deployVerticle(new FaultAdminVerticle("n1"))
        .compose(id -> vertx.eventBus().<JsonObject>request(ADMIN, command));
  }

  @Test
  void blockedPeersAreDroppedOthersPassAndEverySendIsStamped(Vertx vertx, VertxTestContext test) {
    List<String> seen = new CopyOnWriteArrayList<>();
    List<String> stamps = new CopyOnWriteArrayList<>();
    vertx
        .eventBus()
        .<String>consumer(
            "inbox",
            message -> {
              seen.add(message.body());
              stamps.add(message.headers().get(FaultAdminVerticle.FROM_HEADER));
            });
    DeliveryOptions fromN2 = new DeliveryOptions().addHeader(FaultAdminVerticle.FROM_HEADER, "n2");
    DeliveryOptions fromN3 = new DeliveryOptions().addHeader(FaultAdminVerticle.FROM_HEADER, "n3");
    deployAndCommand(vertx, new JsonObject().put("block", new JsonArray().add("n2")))
        .onComplete(
            test.succeeding(
                state -> {
                  assertThat(state.body().getJsonArray("block").getList()).containsExactly("n2");
                  vertx.eventBus().send("inbox", "from n2", fromN2);
                  vertx.eventBus().send("inbox", "from n3", fromN3);
                  vertx.eventBus().send("inbox", "unstamped");
                }));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    vertx.setPeriodic(
        20,
        id -> {
          if (seen.size() >= 2 || System.nanoTime() > deadline) {
            vertx.cancelTimer(id);
            test.verify(
                () -> {
                  assertThat(seen).containsExactlyInAnyOrder("from n3", "unstamped");
                  // What this node sends unstamped leaves with its own id.
                  assertThat(stamps).containsExactlyInAnyOrder("n3", "n1");
                });
            vertx
                .eventBus()
                .<JsonObject>request(ADMIN, new JsonObject().put("block", new JsonArray()))
                .onComplete(
                    test.succeeding(
                        healed ->
                            test.verify(
                                () -> {
                                  assertThat(healed.body().getLong("dropped")).isEqualTo(1L);
                                  assertThat(healed.body().getJsonArray("block")).isEmpty();
                                  test.completeNow();
                                })));
          }
        });
  }

  @Test
  void aDelayHoldsBackWhatGoesToPeersButNotTheNodesOwnAddresses(
      Vertx vertx, VertxTestContext test) {
    List<String> arrivals = new CopyOnWriteArrayList<>();
    long[] sentAt = new long[1];
    long[] peerArrivedAt = new long[1];
    vertx
        .eventBus()
        .consumer(
            "swarm.pbft.n2.inbox",
            m -> {
              peerArrivedAt[0] = System.nanoTime();
              arrivals.add("to n2");
            });
    vertx.eventBus().consumer("swarm.pbft.n1.inbox", m -> arrivals.add("to n1"));
    deployAndCommand(vertx, new JsonObject().put("block", new JsonArray()).put("delayMs", 300))
        .onComplete(
            test.succeeding(
                state -> {
                  sentAt[0] = System.nanoTime();
                  vertx.eventBus().send("swarm.pbft.n2.inbox", "x");
                  vertx.eventBus().send("swarm.pbft.n1.inbox", "y");
                }));
    vertx.setPeriodic(
        20,
        id -> {
          if (arrivals.size() == 2) {
            vertx.cancelTimer(id);
            test.verify(
                () -> {
                  assertThat(arrivals).containsExactly("to n1", "to n2");
                  assertThat(peerArrivedAt[0] - sentAt[0])
                      .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
                });
            test.completeNow();
          }
        });
  }

  @Test
  void aMalformedCommandIsRefusedAndChangesNothing(Vertx vertx, VertxTestContext test) {
    vertx
        .deployVerticle(new FaultAdminVerticle("n1"))
        .compose(
            id ->
                vertx
                    .eventBus()
                    .request(ADMIN, new JsonObject().put("block", "n2").put("delayMs", -5)))
        .onComplete(
            test.failing(
                failure ->
                    test.verify(
                        () -> {
                          assertThat(((ReplyException) failure).failureCode()).isEqualTo(400);
                          assertThat(failure.getMessage()).contains("expected {\"block\"");
                          test.completeNow();
                        })));
  }

  @Test
  void aClockOffsetMovesTheNodesWallClockWithinBounds(Vertx vertx, VertxTestContext test) {
    long hour = 3_600_000L;
    deployAndCommand(vertx, new JsonObject().put("clockOffsetMs", hour))
        .compose(
            set -> {
              test.verify(
                  () -> {
                    assertThat(set.body().getLong("clockOffsetMs")).isEqualTo(hour);
                    assertThat(NodeClock.forNode("n1").offsetMs()).isEqualTo(hour);
                    assertThat(NodeClock.forNode("n1").millis() - System.currentTimeMillis())
                        .isBetween(hour - 1_000, hour + 1_000);
                  });
              // A year is beyond the bound: refused, the clock stays where it was.
              return vertx
                  .eventBus()
                  .request(ADMIN, new JsonObject().put("clockOffsetMs", 365 * 24 * hour));
            })
        .onComplete(
            test.failing(
                failure ->
                    test.verify(
                        () -> {
                          assertThat(((ReplyException) failure).failureCode()).isEqualTo(400);
                          assertThat(NodeClock.forNode("n1").offsetMs()).isEqualTo(hour);
                          NodeClock.forNode("n1").setOffset(0); // other tests in this JVM
                          test.completeNow();
                        })));
  }
}
