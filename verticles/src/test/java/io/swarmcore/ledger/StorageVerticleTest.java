package io.swarmcore.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.codecs.Codecs;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.Receipt;
import io.swarmcore.merkle.MerkleHash;
import io.swarmcore.merkle.MerkleVerifier;
import io.swarmcore.node.NodeConfig;
import io.swarmcore.node.NodeConfigLoader;
import io.swarmcore.storage.TestChain;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class StorageVerticleTest {
  private static final HexFormat HEX = HexFormat.of();

  @TempDir Path dir;
  private final TestChain chain = new TestChain();
  private final List<FinalizedBlock> blocks =
      IntStream.range(0, 6).mapToObj(i -> chain.next(3, 40)).toList();

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext test) {
    Codecs.register(vertx.eventBus());
    NodeConfig config =
        NodeConfig.parse(
            NodeConfigLoader.defaults()
                .mergeIn(
                    new JsonObject().put("nodeId", "s1").put("dataDir", dir.toString()), true));
    vertx
        .deployVerticle(new StorageVerticle(config, null))
        .onComplete(test.succeedingThenComplete());
  }

  private static <T> Future<T> request(Vertx vertx, String verb, Object body) {
    return vertx
        .eventBus()
        .<T>request(StorageVerticle.address("s1", verb), body)
        .map(m -> m.body());
  }

  private Future<Object> appendAll(Vertx vertx) {
    Future<Object> done = Future.succeededFuture();
    for (FinalizedBlock block : blocks) {
      done = done.compose(x -> request(vertx, "append", block));
    }
    return done;
  }

  @Test
  void appendsAndServesBlocksReceiptsAndProofs(Vertx vertx, VertxTestContext test) {
    FinalizedBlock third = blocks.get(2);
    byte[] txHash = LedgerHashes.transaction(third.getBlock().getTransactions(1));
    appendAll(vertx)
        .compose(tip -> request(vertx, "block", new JsonObject().put("height", 2)))
        .compose(
            block -> {
              test.verify(() -> assertThat(block).isEqualTo(third));
              return request(
                  vertx, "receipt", new JsonObject().put("txHash", HEX.formatHex(txHash)));
            })
        .compose(
            body -> {
              Receipt receipt = (Receipt) body;
              test.verify(
                  () -> {
                    assertThat(receipt.getHeight()).isEqualTo(2);
                    assertThat(receipt.getPosition()).isEqualTo(1);
                    byte[] blockLeaf = MerkleHash.leaf(LedgerHashes.block(third.getBlock()));
                    assertThat(
                            MerkleVerifier.verifyInclusion(
                                blockLeaf,
                                2,
                                receipt.getLedgerTreeSize(),
                                receipt.getBlockInclusion().getAuditPathList().stream()
                                    .map(b -> b.toByteArray())
                                    .toList(),
                                receipt.getLedgerRoot().toByteArray()))
                        .isTrue();
                  });
              return request(
                  vertx, "consistency", new JsonObject().put("oldSize", 3).put("newSize", 6));
            })
        .compose(
            body -> {
              JsonObject proof = (JsonObject) body;
              test.verify(
                  () ->
                      assertThat(
                              MerkleVerifier.verifyConsistency(
                                  3,
                                  6,
                                  proof.getJsonArray("path").stream()
                                      .map(h -> HEX.parseHex((String) h))
                                      .toList(),
                                  HEX.parseHex(proof.getString("oldRoot")),
                                  HEX.parseHex(proof.getString("newRoot"))))
                          .isTrue());
              return request(vertx, "status", new JsonObject());
            })
        .onComplete(
            test.succeeding(
                status ->
                    test.verify(
                        () -> {
                          assertThat(((JsonObject) status).getLong("size")).isEqualTo(6);
                          test.completeNow();
                        })));
  }

  @Test
  void receiptsOfSeveralTransactionsEqualTheirOneByOneReceipts(Vertx vertx, VertxTestContext test) {
    List<String> asked = new java.util.ArrayList<>();
    for (int height : new int[] {4, 1}) {
      for (int position : new int[] {2, 0}) {
        asked.add(
            HEX.formatHex(
                LedgerHashes.transaction(blocks.get(height).getBlock().getTransactions(position))));
      }
    }
    asked.add(HEX.formatHex(new byte[32])); // not in the ledger: left out
    appendAll(vertx)
        .compose(tip -> request(vertx, "receipts", new io.vertx.core.json.JsonArray(asked)))
        .compose(
            body -> {
              List<Receipt> batch = ((io.swarmcore.codecs.proto.Receipts) body).getReceiptsList();
              test.verify(
                  () ->
                      assertThat(batch)
                          .extracting(r -> r.getHeight() + "/" + r.getPosition())
                          .containsExactly("1/2", "1/0", "4/2", "4/0"));
              Future<Object> each = Future.succeededFuture();
              for (Receipt receipt : batch) {
                each =
                    each.compose(
                        x ->
                            request(
                                    vertx,
                                    "receipt",
                                    new JsonObject()
                                        .put(
                                            "txHash",
                                            HEX.formatHex(receipt.getTxHash().toByteArray())))
                                .map(
                                    single -> {
                                      test.verify(() -> assertThat(single).isEqualTo(receipt));
                                      return single;
                                    }));
              }
              return each;
            })
        .compose(x -> request(vertx, "receipts", new JsonObject()))
        .onComplete(
            test.failing(
                failure ->
                    test.verify(
                        () -> {
                          assertFailure(failure, StorageFailure.BAD_REQUEST, "JSON array");
                          test.completeNow();
                        })));
  }

  @Test
  void failuresCarryTheirDocumentedCodes(Vertx vertx, VertxTestContext test) {
    request(vertx, "append", blocks.get(1))
        .recover(
            failure -> {
              test.verify(
                  () -> assertFailure(failure, StorageFailure.INVALID_BLOCK, "WRONG_HEIGHT"));
              return request(vertx, "block", new JsonObject().put("height", 99));
            })
        .recover(
            failure -> {
              test.verify(() -> assertFailure(failure, StorageFailure.NOT_FOUND, "no block"));
              return request(vertx, "receipt", new JsonObject().put("txHash", "zz"));
            })
        .recover(
            failure -> {
              test.verify(
                  () -> assertFailure(failure, StorageFailure.BAD_REQUEST, "64 hex digits"));
              return request(vertx, "proof", new JsonObject().put("height", 0).put("treeSize", 5));
            })
        .recover(
            failure -> {
              test.verify(
                  () ->
                      assertFailure(
                          failure, StorageFailure.BAD_REQUEST, "beyond the ledger's 0 blocks"));
              return request(vertx, "append", "not a block");
            })
        .onComplete(
            test.failing(
                failure ->
                    test.verify(
                        () -> {
                          assertThat(((ReplyException) failure).failureCode()).isEqualTo(400);
                          test.completeNow();
                        })));
  }

  @Test
  void healthSaysStorageIsNotWritableOnceTheMapIsFull(Vertx vertx, VertxTestContext test) {
    io.vertx.ext.healthchecks.HealthChecks health =
        io.vertx.ext.healthchecks.HealthChecks.create(vertx);
    NodeConfig config =
        NodeConfig.parse(
            NodeConfigLoader.defaults()
                .mergeIn(
                    new JsonObject()
                        .put("nodeId", "full")
                        .put("dataDir", dir.resolve("full").toString())
                        .put(
                            "storage",
                            new JsonObject().put("maxMapSizeBytes", 64L << 20).put("noSync", true)),
                    true));
    TestChain big = new TestChain();
    vertx
        .deployVerticle(new StorageVerticle(config, health))
        .compose(id -> appendUntilRefused(vertx, big, 40))
        .compose(
            refusal -> {
              test.verify(() -> assertFailure(refusal, StorageFailure.STORE_FULL, ""));
              return health.checkStatus("storage");
            })
        .onComplete(
            test.succeeding(
                result ->
                    test.verify(
                        () -> {
                          assertThat(result.getUp()).isFalse();
                          JsonObject data = result.getStatus().getData();
                          assertThat(data.getBoolean("writable")).isFalse();
                          assertThat(data.getString("error")).isNotBlank();
                          test.completeNow();
                        })));
  }

  /** Appends 8 MiB blocks until the store refuses one (or {@code left} run out): the refusal. */
  private static Future<Throwable> appendUntilRefused(Vertx vertx, TestChain chain, int left) {
    if (left == 0) {
      return Future.failedFuture("the 64 MiB map took every block");
    }
    return vertx
        .eventBus()
        .request(StorageVerticle.address("full", "append"), chain.next(8, 1_000_000))
        .<Throwable>map(ok -> null)
        .recover(Future::succeededFuture)
        .compose(
            refusal ->
                refusal != null
                    ? Future.succeededFuture(refusal)
                    : appendUntilRefused(vertx, chain, left - 1));
  }

  private static void assertFailure(Throwable failure, StorageFailure expected, String text) {
    assertThat(failure).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) failure).failureCode()).isEqualTo(expected.code());
    assertThat(failure.getMessage()).startsWith(expected.name()).contains(text);
  }

  @Test
  void offersASnapshotInChunksAndRefusesToInstallOneOverBlocks(Vertx vertx, VertxTestContext test) {
    request(vertx, "snapshot-offer", new JsonObject())
        .recover(
            empty -> {
              test.verify(
                  () -> assertFailure(empty, StorageFailure.NOT_FOUND, "the ledger is empty"));
              return appendAll(vertx);
            })
        .compose(x -> request(vertx, "snapshot-offer", new JsonObject()))
        .compose(
            body -> {
              JsonObject offer = (JsonObject) body;
              test.verify(
                  () -> {
                    assertThat(offer.getJsonObject("manifest").getLong("size")).isEqualTo(6);
                    assertThat(FinalizedBlock.parseFrom(offer.getBinary("tipBlock")))
                        .isEqualTo(blocks.get(5));
                  });
              return request(
                      vertx,
                      "snapshot-chunk",
                      new JsonObject().put("id", offer.getString("id")).put("index", 0))
                  .map(
                      chunk -> {
                        JsonObject first = offer.getJsonArray("chunks").getJsonObject(0);
                        test.verify(
                            () ->
                                assertThat(
                                        HEX.formatHex(
                                            io.swarmcore.crypto.Sha256.hash(
                                                ((io.vertx.core.buffer.Buffer) chunk).getBytes())))
                                    .isEqualTo(first.getString("sha256")));
                        return offer;
                      });
            })
        .compose(
            offer ->
                request(
                        vertx,
                        "snapshot-chunk",
                        new JsonObject().put("id", "offer-gone").put("index", 0))
                    .recover(
                        gone -> {
                          test.verify(
                              () -> assertFailure(gone, StorageFailure.NOT_FOUND, "ask for a new"));
                          return request(
                              vertx, "snapshot-staging", new JsonObject().put("bytes", 1 << 20));
                        }))
        .compose(
            handedOut ->
                Future.failedFuture(
                    new AssertionError("a ledger with blocks handed out a staging folder")),
            busy -> {
              test.verify(
                  () ->
                      assertFailure(
                          busy,
                          StorageFailure.BAD_REQUEST,
                          "no snapshot can be received now: the ledger is not empty"));
              return Future.succeededFuture();
            })
        .compose(
            refused ->
                request(
                        vertx,
                        "install-snapshot",
                        new JsonObject()
                            .put("dir", dir.resolve("snapshot-staging/transfer-9").toString())
                            .put("tipBlock", blocks.get(5).toByteArray()))
                    .recover(
                        full -> {
                          test.verify(
                              () ->
                                  assertFailure(
                                      full,
                                      StorageFailure.BAD_REQUEST,
                                      "only into an empty ledger; this one holds 6 blocks"));
                          return request(
                              vertx,
                              "install-snapshot",
                              new JsonObject()
                                  .put("dir", dir.resolve("elsewhere").toString())
                                  .put("tipBlock", blocks.get(5).toByteArray()));
                        }))
        .onComplete(
            test.failing(
                outside ->
                    test.verify(
                        () -> {
                          assertFailure(
                              outside,
                              StorageFailure.BAD_REQUEST,
                              "a folder from snapshot-staging");
                          test.completeNow();
                        })));
  }
}
