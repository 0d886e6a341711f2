package io.swarmcore.pbft;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.swarmcore.codecs.CertificateVerifier;
import io.swarmcore.codecs.Codecs;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.proto.BlockRange;
import io.swarmcore.codecs.proto.Certificate;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.ledger.StorageVerticle;
import io.swarmcore.resilience.ResilienceManager;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link BlockSync} against peers that answer well, lie or stay silent: the blocks arrive checked
 * and in order from whoever tells the truth; lies are refused and cost only a retry.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class BlockSyncTest {
  // More than IN_FLIGHT ranges of RANGE blocks, so that short answers and a slow store interleave.
  private static final int BLOCKS = 2_600;

  private CertifiedTestChain certified;
  private List<FinalizedBlock> chain;
  private CertificateVerifier verifier;
  private WorkerExecutor pool;

  @BeforeEach
  void chainOfCertifiedBlocks(Vertx vertx) {
    Codecs.register(vertx.eventBus());
    certified = new CertifiedTestChain(BLOCKS, "tx");
    chain = certified.blocks;
    verifier = certified.verifier;
    pool = vertx.createSharedWorkerExecutor("block-sync-test", 2);
  }

  @AfterEach
  void closePool() {
    pool.close();
  }

  /** A peer's storage addresses, serving the chain through {@code answer}. */
  private Future<Void> peer(Vertx vertx, String id, UnaryOperator<FinalizedBlock> answer) {
    var status =
        vertx
            .eventBus()
            .consumer(
                StorageVerticle.address(id, "status"),
                m -> m.reply(new JsonObject().put("size", chain.size())));
    var blocks =
        vertx
            .eventBus()
            .<JsonObject>consumer(
                StorageVerticle.address(id, "blocks"),
                m -> {
                  int from = m.body().getInteger("from");
                  int count = m.body().getInteger("count");
                  BlockRange.Builder range = BlockRange.newBuilder();
                  // Short answers of varying length, as the byte cap would give them.
                  int length = Math.min(count, 1 + (int) ((from * 7919L) % 100));
                  for (int h = from; h < Math.min(chain.size(), from + length); h++) {
                    range.addBlocks(answer.apply(chain.get(h)));
                  }
                  m.reply(range.build());
                });
    return Future.all(status.completion(), blocks.completion()).mapEmpty();
  }

  private static FinalizedBlock badSignature(FinalizedBlock block) {
    Certificate certificate = block.getCertificate();
    return block.toBuilder()
        .setCertificate(
            certificate.toBuilder()
                .setSignatures(
                    0,
                    certificate.getSignatures(0).toBuilder()
                        .setSignature(certificate.getSignatures(1).getSignature())))
        .build();
  }

  private boolean everySignature = true;

  private BlockSync sync(Vertx vertx, List<String> peers, List<FinalizedBlock> stored) {
    return new BlockSync(
        vertx,
        "me",
        peers,
        verifier,
        ResilienceManager.create(vertx, new SimpleMeterRegistry()),
        pool,
        everySignature,
        peers.size() >= 3 ? 1 : 0,
        blocks -> {
          // A store that takes a moment, as LMDB does: ranges complete while it runs.
          io.vertx.core.Promise<Void> written = io.vertx.core.Promise.promise();
          vertx.setTimer(
              1,
              t -> {
                blocks.forEach(b -> stored.add(b.finalized()));
                written.complete();
              });
          return written.future();
        });
  }

  @Test
  void blocksComeCheckedAndInOrderFromTheHonestPeerWhateverTheOthersDo(
      Vertx vertx, VertxTestContext test) {
    List<FinalizedBlock> stored = Collections.synchronizedList(new ArrayList<>());
    // "mute" claims a tip in its status but serves no blocks at all.
    var mute =
        vertx
            .eventBus()
            .consumer(
                StorageVerticle.address("mute", "status"),
                m -> m.reply(new JsonObject().put("size", BLOCKS)));
    Future.all(
            peer(vertx, "liar", BlockSyncTest::badSignature),
            peer(vertx, "good", b -> b),
            mute.completion())
        .compose(
            x -> sync(vertx, List.of("liar", "mute", "good"), stored).catchUp(0, Long.MAX_VALUE))
        .onComplete(
            test.succeeding(
                reached ->
                    test.verify(
                        () -> {
                          assertThat(reached).isEqualTo(BLOCKS);
                          assertThat(stored).containsExactlyElementsOf(chain);
                          test.completeNow();
                        })));
  }

  @Test
  void oneLiarClaimingAHugeTipDoesNotSetTheTarget(Vertx vertx, VertxTestContext test) {
    List<FinalizedBlock> stored = Collections.synchronizedList(new ArrayList<>());
    var boaster =
        vertx
            .eventBus()
            .consumer(
                StorageVerticle.address("boaster", "status"),
                m -> m.reply(new JsonObject().put("size", Long.MAX_VALUE)));
    Future.all(peer(vertx, "good", b -> b), peer(vertx, "also-good", b -> b), boaster.completion())
        .compose(
            x ->
                sync(vertx, List.of("boaster", "good", "also-good"), stored)
                    .catchUp(0, Long.MAX_VALUE))
        .onComplete(
            test.succeeding(
                reached ->
                    test.verify(
                        () -> {
                          assertThat(reached).as("the f + 1-th highest tip").isEqualTo(BLOCKS);
                          assertThat(stored).containsExactlyElementsOf(chain);
                          test.completeNow();
                        })));
  }

  @Test
  void aRunStopsAtTheLimitTheCallerGives(Vertx vertx, VertxTestContext test) {
    List<FinalizedBlock> stored = Collections.synchronizedList(new ArrayList<>());
    long limit = BLOCKS / 2 + 1;
    Future.all(peer(vertx, "good", b -> b), peer(vertx, "also-good", b -> b))
        .compose(x -> sync(vertx, List.of("good", "also-good"), stored).catchUp(0, limit))
        .onComplete(
            test.succeeding(
                reached ->
                    test.verify(
                        () -> {
                          assertThat(reached)
                              .as("the end of the epoch it may check")
                              .isEqualTo(limit);
                          assertThat(stored)
                              .containsExactlyElementsOf(chain.subList(0, (int) limit));
                          test.completeNow();
                        })));
  }

  @Test
  void withOnlyLiarsTheCatchUpFailsAndSaysWhy(Vertx vertx, VertxTestContext test) {
    List<FinalizedBlock> stored = Collections.synchronizedList(new ArrayList<>());
    peer(vertx, "liar", BlockSyncTest::badSignature)
        .compose(x -> sync(vertx, List.of("liar"), stored).catchUp(0, Long.MAX_VALUE))
        .onComplete(
            test.failing(
                failure ->
                    test.verify(
                        () -> {
                          assertThat(failure)
                              .hasMessageContaining("no peer served blocks")
                              .hasMessageContaining("signature of v1 does not verify");
                          assertThat(stored).isEmpty();
                          test.completeNow();
                        })));
  }

  @Test
  void withoutCheckingEverySignatureTheLastBlockOfARangeProvesTheOthers(Vertx vertx) {
    everySignature = false;
    BlockSync sync = sync(vertx, List.of("x"), new ArrayList<>());
    BlockRange honest = BlockRange.newBuilder().addAllBlocks(chain.subList(0, 10)).build();
    BlockRange badLast = honest.toBuilder().setBlocks(9, badSignature(chain.get(9))).build();
    // A block inside the range with other content: its hash is no longer its child's parent.
    FinalizedBlock third = chain.get(3);
    FinalizedBlock forged =
        third.toBuilder()
            .setBlock(
                third.getBlock().toBuilder()
                    .clearTransactions()
                    .addTransactions(ByteString.copyFromUtf8("tx-3"))
                    .setHeader(
                        io.swarmcore.codecs.proto.BlockHeader.newBuilder()
                            .setHeight(3)
                            .setTxCount(1)
                            .setTxRoot(
                                ByteString.copyFrom(
                                    LedgerHashes.txRoot(
                                        List.of(
                                            LedgerHashes.transaction(
                                                ByteString.copyFromUtf8("tx-3"))))))
                            .setProposer("mallory")
                            .build()
                            .toByteString()))
            .build();
    BlockRange forgedInside = honest.toBuilder().setBlocks(3, forged).build();

    assertThat(sync.verified(honest, 0, 10, "x")).hasSize(10);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> sync.verified(badLast, 0, 10, "x"))
        .hasMessageContaining("x sent block 9: signature of v1 does not verify");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> sync.verified(forgedInside, 0, 10, "x"))
        .hasMessageContaining("x sent block 3");
  }

  @Test
  void aPeerThatSkipsAHeightIsRefused(Vertx vertx, VertxTestContext test) {
    List<FinalizedBlock> stored = Collections.synchronizedList(new ArrayList<>());
    BlockSync sync = sync(vertx, List.of("x"), stored);
    BlockRange gap =
        BlockRange.newBuilder().addBlocks(chain.get(0)).addBlocks(chain.get(2)).build();
    BlockRange foreign =
        BlockRange.newBuilder().addBlocks(chain.get(0)).addBlocks(chain.get(1)).build();
    test.verify(
        () -> {
          org.assertj.core.api.Assertions.assertThatThrownBy(() -> sync.verified(gap, 0, 10, "x"))
              .hasMessageContaining("x sent block 2 in place of 1");
          org.assertj.core.api.Assertions.assertThatThrownBy(
                  () -> sync.verified(foreign, 5, 10, "x"))
              .hasMessageContaining("x sent block 0 in place of 5");
          assertThat(sync.verified(foreign, 0, 10, "x")).hasSize(2);
        });
    test.completeNow();
  }
}
