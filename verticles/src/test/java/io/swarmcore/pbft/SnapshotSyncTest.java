package io.swarmcore.pbft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.Codecs;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.ledger.StorageVerticle;
import io.swarmcore.node.NodeConfig;
import io.swarmcore.node.NodeConfigLoader;
import io.swarmcore.storage.BlockStore;
import io.swarmcore.storage.SnapshotChunks;
import io.swarmcore.storage.Snapshots;
import io.swarmcore.storage.StoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SnapshotSync} into a real, empty {@link StorageVerticle}, from peers that lie in each way
 * a snapshot can lie before an honest one answers: every lie is refused, nothing of it is
 * installed, and the honest snapshot ends up as the ledger.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class SnapshotSyncTest {
  private static final int BLOCKS = 300;
  private static final int CHUNK_BYTES = 64 * 1024;

  @TempDir Path dir;

  private CertifiedTestChain chain;
  private WorkerExecutor pool;
  private JsonObject honestIndex;
  private Path honestSnapshot;

  @BeforeEach
  void honestSnapshotAndAnEmptyNode(Vertx vertx, VertxTestContext test) {
    Codecs.register(vertx.eventBus());
    chain = new CertifiedTestChain(BLOCKS, "tx");
    honestSnapshot = dir.resolve("honest/copy");
    honestIndex = offerOf(chain.blocks, dir.resolve("honest"), "honest-1");
    pool = vertx.createSharedWorkerExecutor("snapshot-sync-test", 2);
    NodeConfig config =
        NodeConfig.parse(
            NodeConfigLoader.defaults()
                .mergeIn(
                    new JsonObject()
                        .put("nodeId", "me")
                        .put("dataDir", dir.resolve("me").toString())));
    vertx
        .deployVerticle(new StorageVerticle(config, null, null))
        .onComplete(test.succeedingThenComplete());
  }

  @AfterEach
  void closePool() {
    pool.close();
  }

  /** A store of {@code blocks} and its snapshot in {@code work}/copy, with its offer index. */
  private static JsonObject offerOf(List<FinalizedBlock> blocks, Path work, String id) {
    try (BlockStore store = BlockStore.open(StoreOptions.at(work.resolve("store")))) {
      store.appendAll(blocks);
      Snapshots.snapshot(store, work.resolve("copy"));
    }
    return SnapshotChunks.index(work.resolve("copy"), CHUNK_BYTES)
        .put("id", id)
        .put("tipBlock", blocks.get(blocks.size() - 1).toByteArray());
  }

  /** A peer's snapshot addresses: {@code offer} as its index, chunks read from {@code snapshot}. */
  private static Future<Void> peer(
      Vertx vertx, String id, JsonObject offer, Path snapshot, UnaryOperator<byte[]> chunkAnswer) {
    var offers =
        vertx
            .eventBus()
            .consumer(StorageVerticle.address(id, "snapshot-offer"), m -> m.reply(offer.copy()));
    var served =
        vertx
            .eventBus()
            .<JsonObject>consumer(
                StorageVerticle.address(id, "snapshot-chunk"),
                m -> {
                  int index = m.body().getInteger("index");
                  m.reply(
                      Buffer.buffer(
                          chunkAnswer.apply(SnapshotChunks.read(snapshot, CHUNK_BYTES, index))));
                });
    return Future.all(offers.completion(), served.completion()).mapEmpty();
  }

  private SnapshotSync sync(Vertx vertx) {
    return new SnapshotSync(vertx, "me", chain.verifier, pool);
  }

  @Test
  void everyLieIsRefusedAndTheHonestSnapshotIsInstalled(Vertx vertx, VertxTestContext test) {
    // A tip certificate with a broken signature.
    FinalizedBlock tip = chain.blocks.get(BLOCKS - 1);
    FinalizedBlock badTip =
        tip.toBuilder()
            .setCertificate(
                tip.getCertificate().toBuilder()
                    .setSignatures(
                        0,
                        tip.getCertificate().getSignatures(0).toBuilder()
                            .setSignature(ByteString.copyFrom(new byte[64]))))
            .build();
    JsonObject forgedCertificate = honestIndex.copy().put("tipBlock", badTip.toByteArray());
    // The honest tip under another valid certificate (other signers): the stored one differs.
    FinalizedBlock otherSigners =
        tip.toBuilder()
            .setCertificate(
                chain.commit(
                    BLOCKS - 1,
                    ByteString.copyFrom(io.swarmcore.codecs.LedgerHashes.block(tip.getBlock())),
                    List.of("v2", "v3", "v4")))
            .build();
    JsonObject otherCertificate = honestIndex.copy().put("tipBlock", otherSigners.toByteArray());
    // Another chain's snapshot, its manifest claiming the honest tip, with the honest tip block.
    CertifiedTestChain other = new CertifiedTestChain(BLOCKS, "other");
    Path otherSnapshot = dir.resolve("other/copy");
    JsonObject swapped = offerOf(other.blocks, dir.resolve("other"), "other-1");
    swapped
        .getJsonObject("manifest")
        .put("tipHash", honestIndex.getJsonObject("manifest").getString("tipHash"));
    swapped.put("tipBlock", honestIndex.getBinary("tipBlock"));
    Future.all(
            List.of(
                peer(vertx, "forged-certificate", forgedCertificate, honestSnapshot, b -> b),
                peer(vertx, "bad-chunk", honestIndex, honestSnapshot, SnapshotSyncTest::flipFirst),
                peer(vertx, "other-content", swapped, otherSnapshot, b -> b),
                peer(vertx, "other-certificate", otherCertificate, honestSnapshot, b -> b),
                peer(vertx, "honest", honestIndex, honestSnapshot, b -> b)))
        .compose(
            x ->
                sync(vertx)
                    .install(
                        Map.of(
                            "forged-certificate", 5_000L,
                            "bad-chunk", 4_000L,
                            "other-content", 3_000L,
                            "other-certificate", 2_000L,
                            "honest", (long) BLOCKS,
                            "too-short", 10L),
                        100))
        .compose(
            outcome ->
                status(vertx)
                    .map(
                        status -> {
                          assertThat(outcome.refused())
                              .containsOnlyKeys(
                                  "forged-certificate",
                                  "bad-chunk",
                                  "other-content",
                                  "other-certificate");
                          assertThat(outcome.refused().get("forged-certificate"))
                              .contains("signature of v1 does not verify");
                          assertThat(outcome.refused().get("bad-chunk"))
                              .containsPattern("chunk [01] does not match its hash");
                          assertThat(outcome.refused().get("other-content"))
                              .contains("INVALID_SNAPSHOT")
                              .contains("not at the certified");
                          assertThat(outcome.refused().get("other-certificate"))
                              .contains("another certificate than the one checked");
                          assertThat(outcome.installed()).isPresent();
                          assertThat(outcome.installed().get().size()).isEqualTo(BLOCKS);
                          assertThat(status.getLong("size")).isEqualTo(BLOCKS);
                          assertThat(status.getString("tipHash"))
                              .isEqualTo(
                                  honestIndex.getJsonObject("manifest").getString("tipHash"));
                          return status;
                        }))
        .compose(x -> block(vertx, 123))
        .onComplete(
            test.succeeding(
                block ->
                    test.verify(
                        () -> {
                          assertThat(block).isEqualTo(chain.blocks.get(123));
                          test.completeNow();
                        })));
  }

  @Test
  void withOnlyLiarsNothingIsInstalledAndTheLedgerStaysEmptyAndUsable(
      Vertx vertx, VertxTestContext test) {
    peer(vertx, "bad-chunk", honestIndex, honestSnapshot, SnapshotSyncTest::flipFirst)
        .compose(x -> sync(vertx).install(Map.of("bad-chunk", 5_000L), 100))
        .compose(
            outcome -> {
              assertThat(outcome.installed()).isEmpty();
              assertThat(outcome.refused()).containsOnlyKeys("bad-chunk");
              // Block catch-up then appends from height 0 as usual.
              return vertx
                  .eventBus()
                  .request(StorageVerticle.address("me", "append"), chain.blocks.get(0));
            })
        .compose(x -> status(vertx))
        .onComplete(
            test.succeeding(
                status ->
                    test.verify(
                        () -> {
                          assertThat(status.getLong("size")).isEqualTo(1);
                          test.completeNow();
                        })));
  }

  @Test
  void troubleOfThisNodeEndsTheTriesInsteadOfBlamingEveryPeer(Vertx vertx, VertxTestContext test) {
    Future.all(
            peer(vertx, "honest", honestIndex, honestSnapshot, b -> b),
            peer(vertx, "also-honest", honestIndex, honestSnapshot, b -> b))
        // The ledger is no longer empty: storage hands out no staging folder.
        .compose(
            x ->
                vertx
                    .eventBus()
                    .request(StorageVerticle.address("me", "append"), chain.blocks.get(0)))
        .compose(x -> sync(vertx).install(Map.of("honest", 5_000L, "also-honest", 4_000L), 100))
        .onComplete(
            test.succeeding(
                outcome ->
                    test.verify(
                        () -> {
                          assertThat(outcome.installed()).isEmpty();
                          assertThat(outcome.refused()).containsOnlyKeys("honest");
                          assertThat(outcome.refused().get("honest"))
                              .contains("no snapshot can be received now");
                          test.completeNow();
                        })));
  }

  @Test
  void aCertifiedSnapshotTheGuardRefusesStopsAppendsUntilARestart(
      Vertx vertx, VertxTestContext test) {
    // A guard (the election's rules) that refuses block 150: the install fails after the guard
    // took blocks 0..149 in, so this node must append nothing more until it restarts.
    io.swarmcore.ledger.LedgerGuard refusing150 =
        new io.swarmcore.ledger.LedgerGuard() {
          @Override
          public void check(FinalizedBlock block) {
            if (io.swarmcore.pbft.wire.NodeBlock.of(block.getBlock()).height() == 150) {
              throw new IllegalStateException("refused by the test's guard");
            }
          }

          @Override
          public void applied(FinalizedBlock block) {}
        };
    NodeConfig config =
        NodeConfig.parse(
            NodeConfigLoader.defaults()
                .mergeIn(
                    new JsonObject()
                        .put("nodeId", "guarded")
                        .put("dataDir", dir.resolve("guarded").toString())));
    vertx
        .deployVerticle(new StorageVerticle(config, null, refusing150))
        .compose(x -> peer(vertx, "honest", honestIndex, honestSnapshot, b -> b))
        .compose(
            x ->
                new SnapshotSync(vertx, "guarded", chain.verifier, pool)
                    .install(Map.of("honest", 5_000L), 100))
        .compose(
            outcome -> {
              assertThat(outcome.installed()).isEmpty();
              assertThat(outcome.refused().get("honest"))
                  .contains("breaks this node's ledger rules");
              return vertx
                  .eventBus()
                  .request(StorageVerticle.address("guarded", "append"), chain.blocks.get(0));
            })
        .onComplete(
            test.failing(
                refused ->
                    test.verify(
                        () -> {
                          assertThat(refused).hasMessageContaining("restart the node");
                          test.completeNow();
                        })));
  }

  @Test
  void anOfferIsCheckedBeforeAnyChunkIsFetched() {
    SnapshotSync sync = new SnapshotSync(null, "me", chain.verifier, null);
    assertThat(sync.checkedOffer("p", honestIndex).size()).isEqualTo(BLOCKS);
    assertRefused(sync, honestIndex.copy().put("id", "../../etc"), "no valid offer id");
    assertRefused(sync, honestIndex.copy().put("chunkBytes", 0), "chunk size 0 is out of bounds");
    JsonObject badHash = honestIndex.copy();
    badHash.getJsonArray("chunks").getJsonObject(0).put("sha256", "zz");
    assertRefused(sync, badHash, "chunk 0 is described wrongly");
    JsonObject shortIndex = honestIndex.copy();
    shortIndex.getJsonArray("chunks").remove(0);
    assertRefused(sync, shortIndex, "chunks do not cut");
    assertRefused(
        sync, honestIndex.copy().put("chunkBytes", 4096), "chunk size 4096 is out of bounds");
    assertRefused(
        sync,
        honestIndex.copy().put("tipBlock", chain.blocks.get(10).toByteArray()),
        "its last block is not the snapshot's tip");
    assertRefused(sync, honestIndex.copy().put("tipBlock", new byte[] {1, 2, 3}), "fails a check");
    JsonObject empty = honestIndex.copy();
    empty.getJsonObject("manifest").put("size", 0);
    assertRefused(sync, empty, "the snapshot holds no block");
  }

  private static void assertRefused(SnapshotSync sync, JsonObject offer, String reason) {
    assertThatThrownBy(() -> sync.checkedOffer("p", offer))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("p offered a snapshot that fails a check")
        .hasMessageContaining(reason);
  }

  private static byte[] flipFirst(byte[] chunk) {
    byte[] copy = chunk.clone();
    copy[0] ^= 1;
    return copy;
  }

  private static Future<JsonObject> status(Vertx vertx) {
    return vertx
        .eventBus()
        .<JsonObject>request(StorageVerticle.address("me", "status"), new JsonObject())
        .map(m -> m.body());
  }

  private static Future<FinalizedBlock> block(Vertx vertx, long height) {
    return vertx
        .eventBus()
        .<FinalizedBlock>request(
            StorageVerticle.address("me", "block"), new JsonObject().put("height", height))
        .map(m -> m.body());
  }
}
