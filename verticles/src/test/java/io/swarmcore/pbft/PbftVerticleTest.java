package io.swarmcore.pbft;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.swarmcore.codecs.Codecs;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.crypto.SigningKey;
import io.swarmcore.ledger.StorageVerticle;
import io.swarmcore.mempool.MempoolVerticle;
import io.swarmcore.node.NodeConfig;
import io.swarmcore.node.NodeConfigLoader;
import io.swarmcore.pbft.core.Quorums;
import io.swarmcore.pbft.wire.ValidatorKeys;
import io.swarmcore.resilience.ResilienceManager;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four validators in one Vert.x instance (storage, mempool and consensus each), agreeing over the
 * event bus with real signatures: submitted transactions end up final, exactly once, in the same
 * chain everywhere.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class PbftVerticleTest {
  private static final int NODES = 4;
  private static final int TRANSACTIONS = 60;

  @TempDir Path dir;

  private List<String> ids() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      ids.add("n" + i);
    }
    return ids;
  }

  private NodeConfig config(String id) {
    return NodeConfig.parse(
        NodeConfigLoader.defaults()
            .mergeIn(
                new JsonObject()
                    .put("nodeId", id)
                    .put("dataDir", dir.resolve(id).toString())
                    .put(
                        "mempool",
                        new JsonObject()
                            .put("gossipIntervalMs", id.equals(quietGossip) ? 60_000 : 5)
                            // Nobody hears the quiet one's gossip to confirm it.
                            .put("ackReplicas", id.equals(quietGossip) ? 0 : -1)),
                true));
  }

  private final List<String> consensusDeployments = new ArrayList<>();
  // A node whose mempool does not gossip in the test that needs one (null: all gossip).
  private String quietGossip;

  private Future<Void> deployNodes(Vertx vertx) {
    Codecs.register(vertx.eventBus());
    List<String> ids = ids();
    List<SigningKey> keys = new ArrayList<>();
    List<ValidatorKeys.Entry> entries = new ArrayList<>();
    for (String id : ids) {
      SigningKey key = SigningKey.generate(new SecureRandom());
      keys.add(key);
      entries.add(new ValidatorKeys.Entry(id, key.publicKey()));
    }
    validators = new ValidatorKeys(entries);
    signingKeys = keys;
    java.util.Map<String, io.swarmcore.crypto.PublicKey> votingKeys =
        new java.util.LinkedHashMap<>();
    entries.forEach(entry -> votingKeys.put(entry.id(), entry.key()));
    Future<?> chain = Future.succeededFuture();
    for (int i = 0; i < NODES; i++) {
      int node = i;
      NodeConfig config = config(ids.get(i));
      chain =
          chain
              .compose(x -> vertx.deployVerticle(new StorageVerticle(config, null, null)))
              .compose(
                  x ->
                      vertx.deployVerticle(
                          new MempoolVerticle(config, () -> votingKeys, keys.get(node))))
              .compose(x -> deployConsensus(vertx, node))
              .map(
                  deployment -> {
                    consensusDeployments.add(deployment);
                    return deployment;
                  });
    }
    return chain.mapEmpty();
  }

  private ValidatorKeys validators;
  private List<SigningKey> signingKeys;
  private long snapshotMinBlocks = PbftVerticle.Settings.defaults().snapshotSyncMinBlocks();

  /** Node {@code index}'s consensus, over whatever its storage holds (a restart when it saved). */
  private Future<String> deployConsensus(Vertx vertx, int index) {
    return vertx.deployVerticle(
        new PbftVerticle(
            "n" + index,
            signingKeys.get(index),
            n -> Quorums.of(n, 1),
            tunedForTest(),
            ResilienceManager.create(vertx, new SimpleMeterRegistry()),
            EpochRules.endless(validators, view -> validators.idOf((int) (view % NODES)))),
        new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER));
  }

  private PbftVerticle.Settings tunedForTest() {
    PbftVerticle.Settings defaults = PbftVerticle.Settings.defaults();
    return defaults.tuned(defaults.commitGraceMs(), defaults.pipelineDepth(), snapshotMinBlocks);
  }

  private static Future<JsonObject> request(Vertx vertx, String address, Object body) {
    return vertx.eventBus().<JsonObject>request(address, body).map(m -> m.body());
  }

  private static Future<Void> until(Vertx vertx, Supplier<Future<Boolean>> check) {
    Promise<Void> done = Promise.promise();
    vertx.setPeriodic(
        50,
        timer ->
            check
                .get()
                .onSuccess(
                    ok -> {
                      if (ok && done.tryComplete()) {
                        vertx.cancelTimer(timer);
                      }
                    }));
    return done.future();
  }

  @Test
  void fourValidatorsFinalizeEverySubmittedTransactionOnceInOneChain(
      Vertx vertx, VertxTestContext test) {
    Set<String> submitted = new HashSet<>();
    List<FinalizedBlock> announced = new ArrayList<>();
    vertx
        .eventBus()
        .<FinalizedBlock>consumer(
            PbftVerticle.FINALIZED,
            m -> {
              if ("n0".equals(m.headers().get("node"))) {
                announced.add(m.body());
              }
            });
    deployNodes(vertx)
        .compose(x -> submit(vertx, 0, TRANSACTIONS, submitted))
        .compose(x -> until(vertx, () -> mempoolsEmpty(vertx, 0)))
        .compose(x -> until(vertx, () -> sameTip(vertx, 0)))
        .compose(x -> fastPathShares(vertx))
        .compose(
            shares -> {
              // Both paths run together and the commit path may win a race now and then; the
              // >= 99 % fast-path figure is measured over long runs by the system tests.
              test.verify(() -> assertThat(shares).anySatisfy(s -> assertThat(s).isPositive()));
              return chainOf(vertx, "n0");
            })
        .compose(
            chain ->
                until(vertx, () -> Future.succeededFuture(announced.size() >= chain.size()))
                    .map(chain))
        .onComplete(
            test.succeeding(
                chain -> {
                  test.verify(
                      () -> {
                        assertThat(announced)
                            .as("each stored block announced once, header and certificate only")
                            .hasSize(chain.size())
                            .allSatisfy(
                                b -> assertThat(b.getBlock().getTransactionsCount()).isZero());
                        assertThat(announced.get(0).getCertificate())
                            .isEqualTo(chain.get(0).getCertificate());
                        List<String> finalTxs = new ArrayList<>();
                        for (FinalizedBlock block : chain) {
                          block
                              .getBlock()
                              .getTransactionsList()
                              .forEach(
                                  t ->
                                      finalTxs.add(
                                          java.util.HexFormat.of()
                                              .formatHex(
                                                  io.swarmcore.codecs.LedgerHashes.transaction(
                                                      t))));
                          assertThat(block.getCertificate().getSignaturesCount())
                              .isGreaterThanOrEqualTo(3);
                        }
                        assertThat(finalTxs).doesNotHaveDuplicates();
                        assertThat(new HashSet<>(finalTxs)).isEqualTo(submitted);
                      });
                  test.completeNow();
                }));
  }

  @Test
  void whenTheLeaderCrashesTheOthersChangeViewAndFinalizeTheRest(
      Vertx vertx, VertxTestContext test) {
    Set<String> submitted = new HashSet<>();
    leaderCrashesAndTheOthersFinalize(vertx, 20, submitted)
        .compose(x -> request(vertx, PbftVerticle.address("n1", "status"), new JsonObject()))
        .compose(
            status -> {
              test.verify(() -> assertThat(status.getLong("view")).isGreaterThanOrEqualTo(1));
              return chainOf(vertx, "n1");
            })
        .onComplete(holdsExactly(test, submitted));
  }

  @Test
  void theCrashedLeaderRestartsCatchesUpFromItsPeersAndTakesPartAgain(
      Vertx vertx, VertxTestContext test) {
    Set<String> submitted = new HashSet<>();
    leaderCrashesAndTheOthersFinalize(vertx, 30, submitted)
        // n0 comes back over its own ledger and saved state: it fetches what it missed.
        .compose(x -> deployConsensus(vertx, 0))
        .compose(x -> until(vertx, () -> sameTip(vertx, 0)))
        .compose(x -> request(vertx, PbftVerticle.address("n0", "status"), new JsonObject()))
        .compose(
            status -> {
              test.verify(
                  () -> {
                    assertThat(status.getLong("synced"))
                        .as("blocks fetched from peers")
                        .isPositive();
                    assertThat(status.getLong("view"))
                        .as("it left the view it restarted in with the others")
                        .isGreaterThanOrEqualTo(0);
                  });
              // With n1 stopped, progress needs n0: 3 of 4 validators.
              return vertx.undeploy(consensusDeployments.get(1));
            })
        .compose(x -> submit(vertx, 50, 10, submitted))
        .compose(x -> until(vertx, () -> mempoolsEmpty(vertx, 2)))
        .compose(x -> until(vertx, () -> sameTipOf(vertx, List.of("n0", "n2", "n3"))))
        .compose(x -> chainOf(vertx, "n0"))
        .onComplete(holdsExactly(test, submitted));
  }

  @Test
  void anEmptyValidatorBehindInstallsAPeersSnapshotAndThenTakesPart(
      Vertx vertx, VertxTestContext test) {
    snapshotMinBlocks = 1;
    Set<String> submitted = new HashSet<>();
    List<String> others = List.of("n0", "n1", "n2");
    deployNodes(vertx)
        // n3 leaves before the first block: its ledger stays empty while the others go on.
        .compose(x -> vertx.undeploy(consensusDeployments.get(3)))
        .compose(x -> submit(vertx, 0, 30, submitted))
        .compose(x -> until(vertx, () -> holdAll(vertx, others, submitted)))
        .compose(x -> deployConsensus(vertx, 3))
        // Storage holds the snapshot a moment before consensus has taken it in: wait for both.
        .compose(
            x ->
                until(
                    vertx,
                    () ->
                        sameTip(vertx, 0)
                            .compose(
                                same ->
                                    request(
                                            vertx,
                                            PbftVerticle.address("n3", "status"),
                                            new JsonObject())
                                        .map(st -> same && !st.getBoolean("catchingUp")))))
        .compose(x -> request(vertx, PbftVerticle.address("n3", "status"), new JsonObject()))
        .compose(
            status -> {
              test.verify(
                  () ->
                      assertThat(status.getLong("fromSnapshot"))
                          .as("the ledger came as a snapshot, not block by block")
                          .isPositive());
              // With n1 stopped, progress needs n3: 3 of 4 validators.
              return vertx.undeploy(consensusDeployments.get(1));
            })
        .compose(x -> submit(vertx, 30, 10, submitted))
        .compose(x -> until(vertx, () -> holdAll(vertx, List.of("n0", "n2", "n3"), submitted)))
        .compose(x -> chainOf(vertx, "n3"))
        .onComplete(holdsExactly(test, submitted));
  }

  /** {@code nodes} hold one ledger in which every transaction in {@code submitted} is final. */
  private static Future<Boolean> holdAll(Vertx vertx, List<String> nodes, Set<String> submitted) {
    return sameTipOf(vertx, nodes)
        .compose(
            same ->
                same
                    ? chainOf(vertx, nodes.get(0))
                        .map(chain -> chainTransactions(chain).containsAll(submitted))
                    : Future.succeededFuture(false));
  }

  private static List<String> chainTransactions(List<FinalizedBlock> chain) {
    List<String> all = new ArrayList<>();
    chain.forEach(
        block ->
            block
                .getBlock()
                .getTransactionsList()
                .forEach(
                    t ->
                        all.add(
                            java.util.HexFormat.of()
                                .formatHex(io.swarmcore.codecs.LedgerHashes.transaction(t)))));
    return all;
  }

  @Test
  void aViewChangeGivesTheOldLeadersAbandonedProposalsBackToItsMempool(
      Vertx vertx, VertxTestContext test) {
    // n0 leads view 0; its mempool keeps what it receives to itself, so its proposals are the
    // only place those transactions are; nobody else runs consensus yet, so none become final.
    quietGossip = "n0";
    deployNodes(vertx)
        .compose(x -> vertx.undeploy(consensusDeployments.get(1)))
        .compose(x -> vertx.undeploy(consensusDeployments.get(2)))
        .compose(x -> vertx.undeploy(consensusDeployments.get(3)))
        .compose(x -> submitTo(vertx, "n0", 0, 5))
        .compose(x -> until(vertx, () -> mempoolProposed(vertx, "n0").map(p -> p == 5)))
        // The others come back with work of their own; n0's view-0 blocks never gather a quorum.
        .compose(x -> deployConsensus(vertx, 1))
        .compose(x -> deployConsensus(vertx, 2))
        .compose(x -> deployConsensus(vertx, 3))
        .compose(x -> submitTo(vertx, "n1", 100, 5))
        .compose(
            x ->
                until(
                    vertx,
                    () ->
                        request(vertx, PbftVerticle.address("n0", "status"), new JsonObject())
                            .compose(
                                status ->
                                    mempoolProposed(vertx, "n0")
                                        .map(p -> status.getLong("view") >= 1 && p == 0))))
        .compose(x -> request(vertx, MempoolVerticle.address("n0", "status"), new JsonObject()))
        .onComplete(
            test.succeeding(
                status -> {
                  test.verify(
                      () ->
                          assertThat(status.getInteger("size"))
                              .as("n0's five are pending again, ready for its next turn")
                              .isGreaterThanOrEqualTo(5));
                  test.completeNow();
                }));
  }

  private static Future<Integer> mempoolProposed(Vertx vertx, String node) {
    return request(vertx, MempoolVerticle.address(node, "status"), new JsonObject())
        .map(status -> status.getInteger("proposed"));
  }

  private static Future<Void> submitTo(Vertx vertx, String node, int first, int count) {
    List<Future<JsonObject>> submissions = new ArrayList<>();
    for (int i = first; i < first + count; i++) {
      submissions.add(
          request(
              vertx,
              MempoolVerticle.address(node, "submit"),
              new JsonObject()
                  .put("clientId", "direct-" + node)
                  .put("nonce", i)
                  .put("payload", Base64.getEncoder().encodeToString(new byte[] {(byte) i}))));
    }
    return Future.all(submissions).mapEmpty();
  }

  /**
   * 20 transactions final with all four; then n0, the leader of view 0, stops (as if killed) and
   * the other three change view and finalize {@code afterwards} more.
   */
  private Future<Void> leaderCrashesAndTheOthersFinalize(
      Vertx vertx, int afterwards, Set<String> submitted) {
    return deployNodes(vertx)
        .compose(x -> submit(vertx, 0, 20, submitted))
        .compose(x -> until(vertx, () -> mempoolsEmpty(vertx, 0)))
        .compose(x -> vertx.undeploy(consensusDeployments.get(0)))
        .compose(x -> submit(vertx, 20, afterwards, submitted))
        .compose(x -> until(vertx, () -> mempoolsEmpty(vertx, 1)))
        .compose(x -> until(vertx, () -> sameTip(vertx, 1)));
  }

  /** Completes the test once the chain holds exactly the submitted transactions, each once. */
  private static io.vertx.core.Handler<io.vertx.core.AsyncResult<List<FinalizedBlock>>>
      holdsExactly(VertxTestContext test, Set<String> submitted) {
    return test.succeeding(
        chain -> {
          test.verify(() -> assertThat(finalTransactions(chain)).isEqualTo(submitted));
          test.completeNow();
        });
  }

  private static java.util.Set<String> finalTransactions(List<FinalizedBlock> chain) {
    List<String> all = chainTransactions(chain);
    assertThat(all).as("no transaction twice").doesNotHaveDuplicates();
    return new HashSet<>(all);
  }

  /** Submits {@code count} transactions, each to whichever node's mempool answers first. */
  private static Future<Void> submit(Vertx vertx, int first, int count, Set<String> hashes) {
    List<Future<JsonObject>> submissions = new ArrayList<>();
    for (int i = first; i < first + count; i++) {
      JsonObject tx =
          new JsonObject()
              .put("clientId", "client-" + (i % 3))
              .put("nonce", i)
              .put("payload", Base64.getEncoder().encodeToString(new byte[] {(byte) i}));
      submissions.add(request(vertx, MempoolVerticle.SUBMIT, tx));
    }
    return Future.all(submissions)
        .map(
            all -> {
              for (int i = 0; i < count; i++) {
                hashes.add(all.<JsonObject>resultAt(i).getString("hash"));
              }
              return null;
            });
  }

  private static Future<List<Double>> fastPathShares(Vertx vertx) {
    List<Future<JsonObject>> statuses = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      statuses.add(request(vertx, PbftVerticle.address("n" + i, "status"), new JsonObject()));
    }
    return Future.all(statuses)
        .map(
            all -> {
              List<Double> shares = new ArrayList<>();
              for (int i = 0; i < NODES; i++) {
                JsonObject status = all.resultAt(i);
                shares.add((double) status.getLong("fastPath") / status.getLong("finalized"));
              }
              return shares;
            });
  }

  /** The mempools of nodes {@code from}..n-1 are empty. */
  private static Future<Boolean> mempoolsEmpty(Vertx vertx, int from) {
    List<Future<JsonObject>> sizes = new ArrayList<>();
    for (int i = from; i < NODES; i++) {
      sizes.add(request(vertx, MempoolVerticle.address("n" + i, "status"), new JsonObject()));
    }
    return Future.all(sizes)
        .map(
            all -> {
              for (int i = 0; i < all.size(); i++) {
                if (all.<JsonObject>resultAt(i).getInteger("size") > 0) {
                  return false;
                }
              }
              return true;
            });
  }

  /** Nodes {@code from}..n-1 hold the same non-empty ledger (tip hash and root). */
  private static Future<Boolean> sameTip(Vertx vertx, int from) {
    List<String> nodes = new ArrayList<>();
    for (int i = from; i < NODES; i++) {
      nodes.add("n" + i);
    }
    return sameTipOf(vertx, nodes);
  }

  private static Future<Boolean> sameTipOf(Vertx vertx, List<String> nodes) {
    List<Future<JsonObject>> tips = new ArrayList<>();
    for (String node : nodes) {
      tips.add(request(vertx, StorageVerticle.address(node, "status"), new JsonObject()));
    }
    return Future.all(tips)
        .map(
            all -> {
              Set<String> hashes = new HashSet<>();
              for (int i = 0; i < all.size(); i++) {
                JsonObject tip = all.resultAt(i);
                if (tip.getLong("size") == 0) {
                  return false;
                }
                hashes.add(tip.getString("tipHash") + "/" + tip.getString("ledgerRoot"));
              }
              return hashes.size() == 1;
            });
  }

  private static Future<List<FinalizedBlock>> chainOf(Vertx vertx, String node) {
    return request(vertx, StorageVerticle.address(node, "status"), new JsonObject())
        .compose(
            tip -> {
              List<Future<FinalizedBlock>> blocks = new ArrayList<>();
              for (long height = 0; height < tip.getLong("size"); height++) {
                blocks.add(
                    vertx
                        .eventBus()
                        .<FinalizedBlock>request(
                            StorageVerticle.address(node, "block"),
                            new JsonObject().put("height", height))
                        .map(m -> m.body()));
              }
              return Future.all(blocks).map(all -> all.<FinalizedBlock>list());
            });
  }
}
