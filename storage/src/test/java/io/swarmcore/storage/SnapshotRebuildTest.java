package io.swarmcore.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.storage.core.LedgerTip;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

/**
 * A snapshot from a peer is trusted for its blocks only: the store is rebuilt from them in a child
 * JVM, so whatever a sender did to the other tables (and a manifest to match) does not survive, and
 * a block that breaks a rule is named.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SnapshotRebuildTest {
  private static final long MAP = 1L << 30;

  @TempDir Path dir;

  private BlockStore live;
  private List<FinalizedBlock> blocks;

  @BeforeEach
  void fill() {
    live = BlockStore.open(StoreOptions.at(dir.resolve("live")));
    blocks = new TestChain().batch(200, 3, 48);
    live.appendAll(blocks);
  }

  @AfterEach
  void close() {
    live.close();
  }

  @Test
  void anHonestSnapshotRebuildsAsTheSameLedgerWithoutTheSendersConsensusState() {
    live.saveConsensusState(new byte[] {1, 2, 3});
    Snapshots.snapshot(live, dir.resolve("snap"));

    LedgerTip rebuilt =
        Snapshots.rebuildApart(dir.resolve("snap"), dir.resolve("rebuilt"), MAP, 60);
    assertThat(rebuilt.tipHash()).isEqualTo(live.tip().tipHash());
    assertThat(rebuilt.ledgerRoot()).isEqualTo(live.tip().ledgerRoot());

    Snapshots.place(dir.resolve("rebuilt"), dir.resolve("installed"));
    try (BlockStore installed = BlockStore.open(StoreOptions.at(dir.resolve("installed")))) {
      assertThat(installed.tip().size()).isEqualTo(200);
      assertThat(installed.rootAt(150)).isEqualTo(live.rootAt(150));
      assertThat(installed.block(77)).contains(blocks.get(77));
      assertThat(installed.consensusState()).isEmpty();
      installed.appendAll(new TestChain(installed).batch(3, 1, 16));
      assertThat(installed.tip().size()).isEqualTo(203);
    }
    assertThat(dir.resolve("rebuilt")).doesNotExist();
    assertThatThrownBy(() -> Snapshots.place(dir.resolve("rebuilt"), dir.resolve("installed")))
        .hasMessageContaining("refusing to install a snapshot over the existing store");
  }

  @Test
  void liesInTheIndexesDoNotSurviveTheRebuild() {
    byte[] tx = LedgerHashes.transaction(blocks.get(5).getBlock().getTransactions(1));
    Path forged =
        forgedSnapshot(
            env -> {
              put(env.openDbi("transactions"), env, tx, Keys.txLocation(5, 2));
              put(env.openDbi("block-heights"), env, new byte[32], Keys.height(3));
              delete(env.openDbi("merkle-nodes"), env, Keys.node(2, 10));
            });
    Snapshots.rebuildApart(forged, dir.resolve("rebuilt"), MAP, 60);
    try (BlockStore rebuilt = BlockStore.open(StoreOptions.at(dir.resolve("rebuilt")))) {
      assertThat(rebuilt.transaction(tx)).contains(new TxLocation(5, 1));
      assertThat(rebuilt.blockByHash(new byte[32])).isEmpty();
      assertThat(rebuilt.rootAt(200)).isEqualTo(live.rootAt(200));
      assertThat(rebuilt.inclusionProof(43, 200))
          .usingElementComparator(java.util.Arrays::compare)
          .containsExactlyElementsOf(live.inclusionProof(43, 200));
      rebuilt.appendAll(new TestChain(rebuilt).batch(50, 1, 16));
      assertThat(rebuilt.tip().size()).isEqualTo(250);
    }
  }

  @Test
  void aBlockSwappedForAnotherIsNamed() {
    Path forged =
        forgedSnapshot(
            env -> put(env.openDbi("blocks"), env, Keys.height(40), blocks.get(41).toByteArray()));
    assertThatThrownBy(() -> Snapshots.rebuildApart(forged, dir.resolve("rebuilt"), MAP, 60))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("breaks a ledger rule")
        .hasMessageContaining("WRONG_HEIGHT");
  }

  @Test
  void aMissingBlockBelowTheClaimedTipIsNamed() {
    Path forged = forgedSnapshot(env -> delete(env.openDbi("blocks"), env, Keys.height(120)));
    assertThatThrownBy(() -> Snapshots.rebuildApart(forged, dir.resolve("rebuilt"), MAP, 60))
        .hasMessageContaining("block 120 is missing below the tip 200 it claims");
  }

  @Test
  void aFileThatIsNoStoreAndAChildOutOfTimeAreRefusedWithClearErrors() throws Exception {
    Snapshots.snapshot(live, dir.resolve("snap"));
    assertThatThrownBy(
            () -> Snapshots.rebuildApart(dir.resolve("snap"), dir.resolve("late"), MAP, 0))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("out of time");
    Files.write(dir.resolve("snap/data.mdb"), new byte[8192]);
    assertThatThrownBy(
            () -> Snapshots.rebuildApart(dir.resolve("snap"), dir.resolve("bad"), MAP, 60))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot be read as a store");
  }

  @Test
  void troubleOnThisNodeIsReportedAsItsOwnNotTheSenders() {
    Snapshots.snapshot(live, dir.resolve("snap"));
    // A map limit the rebuilt store cannot fit in: this node's limit, not a lie of the sender.
    assertThatThrownBy(() -> Snapshots.rebuildApart(dir.resolve("snap"), dir.resolve("out"), 1, 60))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> assertThat(e.kind()).isNotEqualTo(StoreException.Kind.SNAPSHOT_INVALID))
        .hasMessageContaining("rebuilding a snapshot failed here");
  }

  /** A snapshot of a copy of the live store that {@code change} altered as a lying sender would. */
  private Path forgedSnapshot(Consumer<Env<ByteBuffer>> change) {
    Snapshots.snapshot(live, dir.resolve("honest"));
    Snapshots.restore(dir.resolve("honest"), dir.resolve("forged-store"));
    try (BlockStore forged = BlockStore.open(StoreOptions.at(dir.resolve("forged-store")))) {
      change.accept(forged.env());
      Snapshots.snapshot(forged, dir.resolve("forged"));
    }
    return dir.resolve("forged");
  }

  private static void put(Dbi<ByteBuffer> dbi, Env<ByteBuffer> env, byte[] key, byte[] value) {
    try (Txn<ByteBuffer> txn = env.txnWrite()) {
      dbi.put(txn, direct(key), direct(value));
      txn.commit();
    }
  }

  private static void delete(Dbi<ByteBuffer> dbi, Env<ByteBuffer> env, byte[] key) {
    try (Txn<ByteBuffer> txn = env.txnWrite()) {
      dbi.delete(txn, direct(key));
      txn.commit();
    }
  }

  private static ByteBuffer direct(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
    buffer.put(bytes).flip();
    return buffer;
  }
}
