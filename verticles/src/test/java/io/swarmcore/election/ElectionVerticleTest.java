package io.swarmcore.election;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.Codecs;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.proto.Block;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.crypto.vrf.VrfSuite;
import io.swarmcore.election.core.ElectionCore;
import io.swarmcore.election.core.ElectionFixture;
import io.swarmcore.election.core.EpochState;
import io.swarmcore.ledger.StorageFailure;
import io.swarmcore.ledger.StorageVerticle;
import io.swarmcore.merkle.MerkleFrontier;
import io.swarmcore.merkle.MerkleHash;
import io.swarmcore.node.NodeConfig;
import io.swarmcore.node.NodeConfigLoader;
import io.swarmcore.storage.TestChain;
import io.swarmcore.storage.core.BlockAssembler;
import io.swarmcore.storage.core.LedgerTip;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage and election together: seed proofs checked on append, epochs published, leaders served.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ElectionVerticleTest {
  @TempDir Path dir;

  private final ElectionFixture fixture = new ElectionFixture(4, VrfSuite.P256_SHA256_TAI);

  /** Mirrors the node's election to build the blocks it expects. */
  private final ElectionCore builder = new ElectionCore(fixture.parameters);

  private final MerkleFrontier frontier = new MerkleFrontier();
  private LedgerTip tip = LedgerTip.empty();

  private FinalizedBlock nextBlock() {
    EpochState epoch = builder.current();
    long height = tip.size();
    String proposer = builder.leader(epoch.epoch(), height).id();
    BlockHeader election = fixture.header(height, proposer, epoch);
    List<ByteString> transactions = List.of();
    BlockHeader header =
        BlockAssembler.header(tip, transactions)
            .setProposer(proposer)
            .setEpoch(epoch.epoch())
            .setVrfSeedProof(election.getVrfSeedProof())
            .build();
    Block block = BlockAssembler.block(header, transactions);
    builder.apply(header, transactions);
    byte[] hash = LedgerHashes.block(block);
    frontier.append(MerkleHash.leaf(hash));
    tip = new LedgerTip(tip.size() + 1, hash, frontier.root());
    return TestChain.certified(block, height);
  }

  private Future<String> deploy(Vertx vertx) {
    Codecs.register(vertx.eventBus());
    NodeConfig config =
        NodeConfig.parse(
            NodeConfigLoader.defaults()
                .mergeIn(
                    new JsonObject().put("nodeId", "e1").put("dataDir", dir.toString()), true));
    ElectionState state = new ElectionState(new ElectionCore(fixture.parameters));
    return vertx
        .deployVerticle(new StorageVerticle(config, null, state))
        .compose(id -> vertx.deployVerticle(new ElectionVerticle(config, state)));
  }

  private static Future<Object> append(Vertx vertx, FinalizedBlock block) {
    return vertx
        .eventBus()
        .request(StorageVerticle.address("e1", "append"), block)
        .map(reply -> reply.body());
  }

  @Test
  void epochsArePublishedAndLeadersServed(Vertx vertx, VertxTestContext test) {
    Promise<JsonObject> epochOne = Promise.promise();
    vertx
        .eventBus()
        .<JsonObject>consumer(ElectionVerticle.EPOCHS, m -> epochOne.tryComplete(m.body()));
    Future<Object> chain = deploy(vertx).map(id -> null);
    for (int i = 0; i < 5; i++) {
      FinalizedBlock block = nextBlock();
      chain = chain.compose(x -> append(vertx, block));
    }
    chain
        .compose(x -> epochOne.future())
        .compose(
            epoch -> {
              test.verify(
                  () -> {
                    assertThat(epoch.getLong("epoch")).isEqualTo(1);
                    assertThat(epoch.getLong("firstHeight")).isEqualTo(5);
                    assertThat(epoch.getJsonArray("validators")).hasSize(4);
                  });
              return vertx
                  .eventBus()
                  .request(
                      ElectionVerticle.address("e1", "leader"),
                      new JsonObject().put("epoch", 1).put("view", 7));
            })
        .onComplete(
            test.succeeding(
                reply ->
                    test.verify(
                        () -> {
                          JsonObject leader = (JsonObject) reply.body();
                          assertThat(leader.getString("leader"))
                              .isEqualTo(builder.leader(1, 7).id());
                          test.completeNow();
                        })));
  }

  @Test
  void aBlockWithAnInvalidSeedProofIsRefusedByStorage(Vertx vertx, VertxTestContext test) {
    Future<Object> chain = deploy(vertx).map(id -> null);
    for (int i = 0; i < 4; i++) {
      FinalizedBlock block = nextBlock();
      chain = chain.compose(x -> append(vertx, block));
    }
    FinalizedBlock epochEnd = nextBlock();
    FinalizedBlock forged = withoutSeedProof(epochEnd);
    chain
        .compose(x -> append(vertx, forged))
        .onComplete(
            test.failing(
                failure ->
                    test.verify(
                        () -> {
                          ReplyException reply = (ReplyException) failure;
                          assertThat(reply.failureCode())
                              .isEqualTo(StorageFailure.INVALID_BLOCK.code());
                          assertThat(reply.getMessage())
                              .contains("WRONG_SEED_PROOF")
                              .contains("carries no seed proof");
                          test.completeNow();
                        })));
  }

  private static FinalizedBlock withoutSeedProof(FinalizedBlock block) {
    try {
      BlockHeader header =
          BlockHeader.parseFrom(block.getBlock().getHeader()).toBuilder()
              .clearVrfSeedProof()
              .build();
      Block changed = block.getBlock().toBuilder().setHeader(header.toByteString()).build();
      return TestChain.certified(changed, header.getHeight());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
