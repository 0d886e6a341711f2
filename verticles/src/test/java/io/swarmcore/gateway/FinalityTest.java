package io.swarmcore.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.Codecs;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.Receipt;
import io.swarmcore.ledger.StorageVerticle;
import io.swarmcore.node.NodeConfig;
import io.swarmcore.node.NodeConfigLoader;
import io.swarmcore.pbft.PbftVerticle;
import io.swarmcore.storage.TestChain;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A waiting {@code Submit} gets its receipt however its transaction became final here: already in
 * the ledger when it started waiting, in a block announced later, or in a block stored without an
 * announcement (catch-up), found by the sweep.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class FinalityTest {
  private static final String NODE = "f1";

  @TempDir Path dir;
  private final TestChain chain = new TestChain();
  private final List<FinalizedBlock> blocks =
      java.util.stream.IntStream.range(0, 3).mapToObj(i -> chain.next(4, 40)).toList();
  private Finality finality;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext test) {
    Codecs.register(vertx.eventBus());
    NodeConfig config =
        NodeConfig.parse(
            NodeConfigLoader.defaults()
                .mergeIn(
                    new JsonObject().put("nodeId", NODE).put("dataDir", dir.toString()), true));
    vertx
        .deployVerticle(new StorageVerticle(config, null))
        .onComplete(
            test.succeeding(
                id -> {
                  finality = new Finality(vertx, NODE, 100);
                  test.completeNow();
                }));
  }

  private static Future<Object> append(Vertx vertx, FinalizedBlock block) {
    return vertx
        .eventBus()
        .request(StorageVerticle.address(NODE, "append"), block)
        .map(reply -> reply.body());
  }

  private static ByteString hashOf(FinalizedBlock block, int position) {
    return ByteString.copyFrom(
        LedgerHashes.transaction(block.getBlock().getTransactions(position)));
  }

  private static void announce(Vertx vertx, FinalizedBlock block) {
    vertx
        .eventBus()
        .publish(
            PbftVerticle.FINALIZED,
            block.toBuilder().setBlock(block.getBlock().toBuilder().clearTransactions()).build(),
            new DeliveryOptions().addHeader("node", NODE));
  }

  @Test
  void aTransactionFinalBeforeItsWaiterGetsItsReceiptAtOnce(Vertx vertx, VertxTestContext test) {
    ByteString hash = hashOf(blocks.get(0), 2);
    append(vertx, blocks.get(0))
        .compose(tip -> finality.await(hash, 20_000))
        .onComplete(
            test.succeeding(
                receipt ->
                    test.verify(
                        () -> {
                          assertThat(receipt.getTxHash()).isEqualTo(hash);
                          assertThat(receipt.getPosition()).isEqualTo(2);
                          test.completeNow();
                        })));
  }

  @Test
  void waitersOfAnAnnouncedBlockGetTheirReceipts(Vertx vertx, VertxTestContext test) {
    ByteString first = hashOf(blocks.get(1), 0);
    ByteString last = hashOf(blocks.get(1), 3);
    Future<Receipt> a = finality.await(first, 20_000);
    Future<Receipt> b = finality.await(last, 20_000);
    append(vertx, blocks.get(0))
        .compose(tip -> append(vertx, blocks.get(1)))
        .onSuccess(tip -> announce(vertx, blocks.get(1)));
    Future.all(a, b)
        .onComplete(
            test.succeeding(
                both ->
                    test.verify(
                        () -> {
                          assertThat(a.result().getHeight()).isEqualTo(1);
                          assertThat(b.result().getPosition()).isEqualTo(3);
                          test.completeNow();
                        })));
  }

  @Test
  void aBlockStoredWithoutAnnouncementIsFoundByTheSweep(Vertx vertx, VertxTestContext test) {
    ByteString hash = hashOf(blocks.get(2), 1);
    long began = System.nanoTime();
    Future<Receipt> waiting = finality.await(hash, 20_000);
    // As a catch-up stores blocks: no announcement.
    append(vertx, blocks.get(0))
        .compose(tip -> append(vertx, blocks.get(1)))
        .compose(tip -> append(vertx, blocks.get(2)));
    waiting.onComplete(
        test.succeeding(
            receipt ->
                test.verify(
                    () -> {
                      assertThat(receipt.getHeight()).isEqualTo(2);
                      assertThat(System.nanoTime() - began)
                          .as("found by a sweep, not by the 20 s deadline")
                          .isLessThan(TimeUnit.SECONDS.toNanos(10));
                      test.completeNow();
                    })));
  }

  @Test
  void aTransactionNeverFinalFailsAtItsDeadline(Vertx vertx, VertxTestContext test) {
    finality
        .await(ByteString.copyFrom(new byte[32]), 300)
        .onComplete(
            test.failing(
                failure ->
                    test.verify(
                        () -> {
                          assertThat(failure).isInstanceOf(ApiException.class);
                          assertThat(((ApiException) failure).kind())
                              .isEqualTo(ApiException.Kind.DEADLINE_EXCEEDED);
                          test.completeNow();
                        })));
  }

  @Test
  void aBatchLearnsWhereEachTransactionIsHoweverItBecameFinal(Vertx vertx, VertxTestContext test) {
    ByteString before = hashOf(blocks.get(0), 2);
    ByteString announced = hashOf(blocks.get(1), 3);
    ByteString caughtUp = hashOf(blocks.get(2), 1);
    append(vertx, blocks.get(0))
        .compose(
            tip -> {
              Future<java.util.Map<ByteString, Finality.Placement>> placed =
                  finality.awaitPlaced(List.of(before, announced, caughtUp), 20_000);
              append(vertx, blocks.get(1))
                  .onSuccess(stored -> announce(vertx, blocks.get(1)))
                  .compose(stored -> append(vertx, blocks.get(2))); // as a catch-up: silent
              return placed;
            })
        .onComplete(
            test.succeeding(
                placements ->
                    test.verify(
                        () -> {
                          assertThat(placements)
                              .containsEntry(before, new Finality.Placement(0, 2))
                              .containsEntry(announced, new Finality.Placement(1, 3))
                              .containsEntry(caughtUp, new Finality.Placement(2, 1))
                              .hasSize(3);
                          test.completeNow();
                        })));
  }

  @Test
  void aBatchAnswersAtItsDeadlineWithWhatIsFinalByThen(Vertx vertx, VertxTestContext test) {
    ByteString known = hashOf(blocks.get(0), 0);
    ByteString never = ByteString.copyFrom(new byte[32]);
    append(vertx, blocks.get(0))
        .compose(tip -> finality.awaitPlaced(List.of(known, never), 500))
        .onComplete(
            test.succeeding(
                placements ->
                    test.verify(
                        () -> {
                          assertThat(placements)
                              .containsOnlyKeys(known)
                              .containsEntry(known, new Finality.Placement(0, 0));
                          test.completeNow();
                        })));
  }

  @Test
  void aBatchCountsOneWaiterPerHundredTransactions(Vertx vertx, VertxTestContext test) {
    List<ByteString> many =
        java.util.stream.IntStream.range(0, 10_001)
            .mapToObj(i -> ByteString.copyFrom(java.nio.ByteBuffer.allocate(32).putInt(i).array()))
            .toList();
    // 101 waiters' worth against room for 100.
    finality
        .awaitPlaced(many, 20_000)
        .onComplete(
            test.failing(
                refused ->
                    test.verify(
                        () -> {
                          assertThat(((ApiException) refused).kind())
                              .isEqualTo(ApiException.Kind.RESOURCE_EXHAUSTED);
                          assertThat(refused).hasMessageContaining("one per 100 transactions");
                          test.completeNow();
                        })));
  }
}
