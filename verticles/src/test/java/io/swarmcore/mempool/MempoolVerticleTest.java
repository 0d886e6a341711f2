package io.swarmcore.mempool;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.codecs.Codecs;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.proto.SubmitBatchResponse;
import io.swarmcore.codecs.proto.SubmitOutcome;
import io.swarmcore.codecs.proto.Transaction;
import io.swarmcore.codecs.proto.TransactionBatch;
import io.swarmcore.crypto.PublicKey;
import io.swarmcore.crypto.SigningKey;
import io.swarmcore.node.NodeConfig;
import io.swarmcore.node.NodeConfigLoader;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two validators' mempools on one event bus: submission, refusals, gossip, proposal, finality. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class MempoolVerticleTest {
  private static NodeConfig config(String nodeId, int maxTransactions) {
    return NodeConfig.parse(
        NodeConfigLoader.defaults()
            .mergeIn(
                new JsonObject()
                    .put("nodeId", nodeId)
                    .put(
                        "mempool",
                        new JsonObject()
                            .put("maxTransactions", maxTransactions)
                            .put("maxTransactionBytes", 1_000)
                            .put("gossipIntervalMs", 10)),
                true));
  }

  /** Fresh voting keys for validators {@code ids}, in order. */
  private static Map<String, SigningKey> keys(String... ids) {
    Map<String, SigningKey> keys = new LinkedHashMap<>();
    for (String id : ids) {
      keys.put(id, SigningKey.generate(new SecureRandom()));
    }
    return keys;
  }

  private static Supplier<Map<String, PublicKey>> votingKeys(Map<String, SigningKey> keys) {
    Map<String, PublicKey> keysById = new LinkedHashMap<>();
    keys.forEach((id, key) -> keysById.put(id, key.publicKey()));
    return () -> keysById;
  }

  private static MempoolVerticle mempool(NodeConfig config, Map<String, SigningKey> keys) {
    return new MempoolVerticle(config, votingKeys(keys), keys.get(config.nodeId()));
  }

  @BeforeEach
  void deployTwo(Vertx vertx, VertxTestContext test) {
    Codecs.register(vertx.eventBus());
    // Two validators: f = 0, so a submission is acknowledged at once.
    Map<String, SigningKey> validators = keys("a", "b");
    vertx
        .deployVerticle(mempool(config("a", 3), validators))
        .compose(id -> vertx.deployVerticle(mempool(config("b", 3), validators)))
        .onComplete(test.succeedingThenComplete());
  }

  private static Future<JsonObject> submit(Vertx vertx, String node, Object body) {
    return vertx
        .eventBus()
        .<JsonObject>request(MempoolVerticle.address(node, "submit"), body)
        .map(m -> m.body());
  }

  private static JsonObject json(String client, long nonce, byte[] payload) {
    return new JsonObject()
        .put("clientId", client)
        .put("nonce", nonce)
        .put("payload", Base64.getEncoder().encodeToString(payload));
  }

  private static Future<Integer> failureCode(Future<?> call) {
    return call.transform(
        done ->
            done.failed() && done.cause() instanceof ReplyException e
                ? Future.succeededFuture(e.failureCode())
                : Future.failedFuture("expected a refusal, got " + done));
  }

  @Test
  void acceptsJsonAndProtobufAndRefusesClearly(Vertx vertx, VertxTestContext test) {
    Transaction proto = Transaction.newBuilder().setClientId("pb").setNonce(1).build();
    submit(vertx, "a", json("alice", 1, new byte[] {1, 2}))
        .compose(
            first -> {
              test.verify(
                  () -> {
                    assertThat(first.getString("status")).isEqualTo("pending");
                    assertThat(first.getString("hash")).hasSize(64);
                  });
              return submit(vertx, "a", json("alice", 1, new byte[] {1, 2}));
            })
        .compose(
            again -> {
              test.verify(() -> assertThat(again.getString("status")).isEqualTo("already pending"));
              return submit(vertx, "a", proto);
            })
        .compose(
            pb -> {
              test.verify(() -> assertThat(pb.getString("status")).isEqualTo("pending"));
              return failureCode(submit(vertx, "a", new JsonObject().put("clientId", 7)));
            })
        .compose(
            malformed -> {
              test.verify(() -> assertThat(malformed).isEqualTo(MempoolVerticle.MALFORMED));
              return failureCode(submit(vertx, "a", json("bob", 1, new byte[2_000])));
            })
        .compose(
            tooLarge -> {
              test.verify(() -> assertThat(tooLarge).isEqualTo(MempoolVerticle.TOO_LARGE));
              return submit(vertx, "a", json("carol", 1, new byte[1]));
            })
        .compose(third -> failureCode(submit(vertx, "a", json("dave", 1, new byte[1]))))
        .onComplete(
            test.succeeding(
                full -> {
                  test.verify(() -> assertThat(full).isEqualTo(MempoolVerticle.FULL));
                  test.completeNow();
                }));
  }

  @Test
  void gossipReachesTheOtherValidatorAndFinalTransactionsAreNotProposedAgain(
      Vertx vertx, VertxTestContext test) {
    JsonObject tx = json("erin", 9, new byte[] {9});
    submit(vertx, "a", tx)
        .compose(added -> untilSize(vertx, "b", 1).map(added.getString("hash")))
        .compose(
            hash ->
                vertx
                    .eventBus()
                    .<TransactionBatch>request(
                        MempoolVerticle.address("b", "propose"),
                        new JsonObject().put("maxTransactions", 10))
                    .compose(
                        batch -> {
                          test.verify(
                              () -> assertThat(batch.body().getTransactionsCount()).isEqualTo(1));
                          return vertx
                              .eventBus()
                              .request(
                                  MempoolVerticle.address("b", "finalized"),
                                  new JsonArray().add(hash));
                        })
                    .compose(done -> submit(vertx, "b", tx)))
        .onComplete(
            test.succeeding(
                again -> {
                  test.verify(() -> assertThat(again.getString("status")).isEqualTo("final"));
                  test.completeNow();
                }));
  }

  @Test
  void aTransactionWhoseGossipWasLostReachesTheOthersLater(Vertx vertx, VertxTestContext test) {
    Map<String, SigningKey> pair = keys("x", "y");
    // y is not running when x takes the transaction: x's first gossip of it reaches nobody.
    vertx
        .deployVerticle(mempool(regossiping("x"), pair))
        .compose(id -> submit(vertx, "x", json("frank", 1, new byte[] {1})))
        .compose(
            added -> {
              io.vertx.core.Promise<Void> later = Promise.promise();
              vertx.setTimer(100, t -> later.complete()); // several gossip rounds go by
              return later.future();
            })
        .compose(x -> vertx.deployVerticle(mempool(regossiping("y"), pair)))
        .compose(x -> untilSize(vertx, "y", 1))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  void aGossipedTransactionWhoseTakerIsGoneReachesAValidatorThatStartsLater(
      Vertx vertx, VertxTestContext test) {
    Map<String, SigningKey> three = keys("x", "y", "z");
    // y takes the transaction and gossips it to x, then stops; z was not running to hear it.
    vertx
        .deployVerticle(mempool(regossiping("x"), three))
        .compose(x -> vertx.deployVerticle(mempool(regossiping("y"), three)))
        .compose(y -> submit(vertx, "y", json("gina", 1, new byte[] {1})).map(y))
        .compose(y -> untilSize(vertx, "x", 1).map(y))
        .compose(y -> vertx.undeploy(y))
        .compose(x -> vertx.deployVerticle(mempool(regossiping("z"), three)))
        .compose(x -> untilSize(vertx, "z", 1))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  void aSubmissionIsAcknowledgedOnlyOnceAnotherValidatorConfirmedHoldingIt(
      Vertx vertx, VertxTestContext test) {
    Map<String, SigningKey> three = keys("p", "q", "r");
    vertx
        .deployVerticle(mempool(acking("p", 1, 5_000), three))
        .compose(
            p -> {
              // q starts only after the submission: p cannot acknowledge before q holds it.
              vertx.setTimer(300, t -> vertx.deployVerticle(mempool(acking("q", 1, 5_000), three)));
              return submit(vertx, "p", json("hank", 1, new byte[] {1}));
            })
        .compose(
            ack -> {
              test.verify(() -> assertThat(ack.getString("status")).isEqualTo("pending"));
              return status(vertx, "q");
            })
        .onComplete(
            test.succeeding(
                q -> {
                  test.verify(() -> assertThat(q.getInteger("size")).isEqualTo(1));
                  test.completeNow();
                }));
  }

  private static Future<List<SubmitOutcome>> submitBatch(
      Vertx vertx, String node, Transaction... transactions) {
    TransactionBatch.Builder batch = TransactionBatch.newBuilder();
    for (Transaction transaction : transactions) {
      batch.addTransactions(transaction.toByteString());
    }
    return submitBatch(vertx, node, batch.build());
  }

  private static Future<List<SubmitOutcome>> submitBatch(
      Vertx vertx, String node, TransactionBatch batch) {
    return vertx
        .eventBus()
        .<SubmitBatchResponse>request(MempoolVerticle.address(node, "submit-batch"), batch)
        .map(m -> m.body().getOutcomesList());
  }

  private static Transaction tx(String client, long nonce, int payloadBytes) {
    return Transaction.newBuilder()
        .setClientId(client)
        .setNonce(nonce)
        .setPayload(com.google.protobuf.ByteString.copyFrom(new byte[payloadBytes]))
        .build();
  }

  @Test
  void aBatchGetsOneOutcomePerTransactionInOrder(Vertx vertx, VertxTestContext test) {
    com.google.protobuf.ByteString first = tx("lou", 1, 1).toByteString();
    TransactionBatch batch =
        TransactionBatch.newBuilder()
            .addTransactions(first)
            .addTransactions(first)
            .addTransactions(com.google.protobuf.ByteString.copyFrom(new byte[] {(byte) 0xff}))
            .addTransactions(tx("lou", 2, 2_000).toByteString())
            .addTransactions(tx("lou", 3, 1).toByteString())
            .addTransactions(tx("lou", 4, 1).toByteString())
            .addTransactions(tx("lou", 5, 1).toByteString()) // the pool holds 3
            .build();
    String firstHash = java.util.HexFormat.of().formatHex(LedgerHashes.transaction(first));
    submitBatch(vertx, "a", batch)
        .compose(
            outcomes -> {
              test.verify(
                  () -> {
                    assertThat(outcomes)
                        .extracting(SubmitOutcome::getStatus)
                        .containsExactly(
                            SubmitOutcome.Status.PENDING,
                            SubmitOutcome.Status.PENDING,
                            SubmitOutcome.Status.REFUSED,
                            SubmitOutcome.Status.REFUSED,
                            SubmitOutcome.Status.PENDING,
                            SubmitOutcome.Status.PENDING,
                            SubmitOutcome.Status.RETRY);
                    assertThat(outcomes.get(0).getTxHash().toByteArray())
                        .isEqualTo(LedgerHashes.transaction(first));
                    assertThat(outcomes.get(1).getTxHash()).isEqualTo(outcomes.get(0).getTxHash());
                    assertThat(outcomes.get(2).getTxHash().isEmpty()).isTrue();
                    assertThat(outcomes.get(2).getError()).isNotEmpty();
                    assertThat(outcomes.get(3).getError()).contains("above the limit");
                    assertThat(outcomes.get(6).getError()).contains("mempool full");
                    assertThat(outcomes.get(6).getTxHash().size()).isEqualTo(32);
                  });
              return vertx
                  .eventBus()
                  .request(
                      MempoolVerticle.address("a", "finalized"), new JsonArray().add(firstHash));
            })
        .compose(finalized -> submitBatch(vertx, "a", tx("lou", 1, 1)))
        .compose(
            again -> {
              test.verify(
                  () -> assertThat(again.get(0).getStatus()).isEqualTo(SubmitOutcome.Status.FINAL));
              return failureCode(
                  vertx
                      .eventBus()
                      .request(MempoolVerticle.address("a", "submit-batch"), new JsonObject()));
            })
        .onComplete(
            test.succeeding(
                code -> {
                  test.verify(() -> assertThat(code).isEqualTo(MempoolVerticle.MALFORMED));
                  test.completeNow();
                }));
  }

  @Test
  void aBatchIsAnsweredOnceReplicatedAndWhatIsNotReplicatedInTimeMayBeRetried(
      Vertx vertx, VertxTestContext test) {
    Map<String, SigningKey> three = keys("p", "q", "r");
    Map<String, SigningKey> alone = keys("s", "t", "u");
    vertx
        .deployVerticle(mempool(acking("p", 1, 5_000), three))
        .compose(
            p -> {
              // q starts only after the submission: p cannot answer before q holds them.
              vertx.setTimer(300, t -> vertx.deployVerticle(mempool(acking("q", 1, 5_000), three)));
              return submitBatch(vertx, "p", tx("mia", 1, 1), tx("mia", 2, 1));
            })
        .compose(
            replicated -> {
              test.verify(
                  () ->
                      assertThat(replicated)
                          .extracting(SubmitOutcome::getStatus)
                          .containsExactly(
                              SubmitOutcome.Status.PENDING, SubmitOutcome.Status.PENDING));
              return status(vertx, "q");
            })
        .compose(
            q -> {
              test.verify(() -> assertThat(q.getInteger("size")).isEqualTo(2));
              return vertx
                  .deployVerticle(mempool(acking("s", 1, 200), alone))
                  .compose(s -> submitBatch(vertx, "s", tx("ned", 1, 1)));
            })
        .onComplete(
            test.succeeding(
                late -> {
                  test.verify(
                      () -> {
                        assertThat(late.get(0).getStatus()).isEqualTo(SubmitOutcome.Status.RETRY);
                        assertThat(late.get(0).getError()).contains("submitting it again is safe");
                      });
                  test.completeNow();
                }));
  }

  @Test
  void withoutConfirmationsASubmissionIsRefusedAsNotReplicatedAndStaysPending(
      Vertx vertx, VertxTestContext test) {
    Map<String, SigningKey> three = keys("s", "t", "u");
    failureCode(
            vertx
                .deployVerticle(mempool(acking("s", 1, 200), three))
                .compose(s -> submit(vertx, "s", json("ivy", 1, new byte[] {1}))))
        .compose(
            code -> {
              test.verify(() -> assertThat(code).isEqualTo(MempoolVerticle.NOT_REPLICATED));
              return status(vertx, "s");
            })
        .onComplete(
            test.succeeding(
                s -> {
                  test.verify(
                      () -> {
                        assertThat(s.getInteger("size")).isEqualTo(1);
                        assertThat(s.getInteger("awaitingReplication")).isZero();
                      });
                  test.completeNow();
                }));
  }

  @Test
  void aForgedConfirmationCountsForNothing(Vertx vertx, VertxTestContext test) {
    Map<String, SigningKey> three = keys("v", "w", "x");
    SigningKey impostor = SigningKey.generate(new SecureRandom());
    io.swarmcore.crypto.PublicKey votingKeyOfV = three.get("v").publicKey();
    Future<JsonObject> submitted =
        vertx
            .deployVerticle(mempool(acking("v", 1, 1_000), three))
            .compose(v -> submit(vertx, "v", json("jack", 1, new byte[] {1})));
    // A cluster member that is not w claims, under w's name, to hold everything v gossips.
    vertx
        .eventBus()
        .<TransactionBatch>consumer(MempoolVerticle.address("w", "gossip"))
        .handler(
            gossip -> {
              List<com.google.protobuf.ByteString> hashes =
                  gossip.body().getTransactionsList().stream()
                      .map(
                          tx ->
                              com.google.protobuf.ByteString.copyFrom(LedgerHashes.transaction(tx)))
                      .toList();
              vertx
                  .eventBus()
                  .publish(
                      MempoolVerticle.address("v", "held"),
                      HeldConfirmation.sealed(
                          "w",
                          "v",
                          hashes,
                          io.swarmcore.crypto.LinkKeys.of(impostor),
                          votingKeyOfV));
            });
    failureCode(submitted)
        .compose(
            code -> {
              test.verify(() -> assertThat(code).isEqualTo(MempoolVerticle.NOT_REPLICATED));
              return status(vertx, "v");
            })
        .onComplete(
            test.succeeding(
                v -> {
                  test.verify(() -> assertThat(v.getLong("refusedConfirmations")).isPositive());
                  test.completeNow();
                }));
  }

  @Test
  void aNodeThatIsNoValidatorHandsSubmissionsToAValidator(Vertx vertx, VertxTestContext test) {
    Map<String, SigningKey> validatorsOnly = keys("a", "b");
    SigningKey observerKey = SigningKey.generate(new SecureRandom());
    vertx
        .deployVerticle(
            new MempoolVerticle(config("o", 3), votingKeys(validatorsOnly), observerKey))
        .compose(o -> submit(vertx, "o", json("kate", 1, new byte[] {1})))
        .compose(
            ack -> {
              test.verify(
                  () -> {
                    assertThat(ack.getString("status")).isEqualTo("pending");
                    assertThat(ack.getString("node")).isIn("a", "b");
                  });
              return status(vertx, "o");
            })
        .onComplete(
            test.succeeding(
                o -> {
                  test.verify(() -> assertThat(o.getInteger("size")).isZero());
                  test.completeNow();
                }));
  }

  @Test
  void gossipNotSignedByAnotherValidatorIsRefusedAndCounted(Vertx vertx, VertxTestContext test) {
    TransactionBatch batch =
        TransactionBatch.newBuilder()
            .addTransactions(
                Transaction.newBuilder().setClientId("mallory").setNonce(1).build().toByteString())
            .build();
    // Unsigned, then under b's name with a made-up signature.
    vertx.eventBus().publish(MempoolVerticle.address("a", "gossip"), batch);
    vertx
        .eventBus()
        .publish(
            MempoolVerticle.address("a", "gossip"),
            batch,
            new io.vertx.core.eventbus.DeliveryOptions()
                .addHeader(MempoolVerticle.ORIGIN_HEADER, "b")
                .addHeader(MempoolVerticle.MAC_HEADER, "AAAA"));
    Promise<JsonObject> refusedTwice = Promise.promise();
    vertx.setPeriodic(
        10,
        timer ->
            status(vertx, "a")
                .onSuccess(
                    a -> {
                      if (a.getLong("refusedGossip") >= 2 && refusedTwice.tryComplete(a)) {
                        vertx.cancelTimer(timer);
                      }
                    }));
    refusedTwice
        .future()
        .onComplete(
            test.succeeding(
                a -> {
                  test.verify(() -> assertThat(a.getInteger("size")).isZero());
                  test.completeNow();
                }));
  }

  private static NodeConfig acking(String nodeId, int replicas, long timeoutMs) {
    return NodeConfig.parse(
        NodeConfigLoader.defaults()
            .mergeIn(
                new JsonObject()
                    .put("nodeId", nodeId)
                    .put(
                        "mempool",
                        new JsonObject()
                            .put("gossipIntervalMs", 10)
                            .put("ackReplicas", replicas)
                            .put("replicationTimeoutMs", timeoutMs)),
                true));
  }

  private static Future<JsonObject> status(Vertx vertx, String node) {
    return vertx
        .eventBus()
        .<JsonObject>request(MempoolVerticle.address(node, "status"), new JsonObject())
        .map(m -> m.body());
  }

  private static NodeConfig regossiping(String nodeId) {
    return NodeConfig.parse(
        NodeConfigLoader.defaults()
            .mergeIn(
                new JsonObject()
                    .put("nodeId", nodeId)
                    .put(
                        "mempool",
                        new JsonObject().put("gossipIntervalMs", 10).put("regossipIntervalMs", 50)),
                true));
  }

  /** Polls a mempool's size until it reaches {@code size} (the test's timeout bounds it). */
  private static Future<Void> untilSize(Vertx vertx, String node, int size) {
    Promise<Void> reached = Promise.promise();
    vertx.setPeriodic(
        10,
        timer ->
            vertx
                .eventBus()
                .<JsonObject>request(MempoolVerticle.address(node, "status"), new JsonObject())
                .onSuccess(
                    status -> {
                      if (status.body().getInteger("size") >= size && reached.tryComplete()) {
                        vertx.cancelTimer(timer);
                      }
                    }));
    return reached.future();
  }
}
