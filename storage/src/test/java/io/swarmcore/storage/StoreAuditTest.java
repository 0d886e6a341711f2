package io.swarmcore.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.storage.core.LedgerTip;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.Dbi;
import org.lmdbjava.Txn;

/**
 * A snapshot from a peer is audited entry by entry: a sender that rewrites the store and then a
 * manifest to match (so every checksum agrees) is still caught, whatever table it touched.
 */
class StoreAuditTest {
  @TempDir Path dir;

  private BlockStore live;
  private List<FinalizedBlock> blocks;

  @BeforeEach
  void fill() {
    live = BlockStore.open(StoreOptions.at(dir.resolve("live")));
    TestChain chain = new TestChain();
    blocks = chain.batch(200, 3, 48);
    live.appendAll(blocks);
  }

  @AfterEach
  void close() {
    live.close();
  }

  @Test
  void anHonestSnapshotAuditsAndInstallsAsTheSameLedger() {
    Snapshots.snapshot(live, dir.resolve("snap"));
    live.saveConsensusState(new byte[] {1, 2, 3});
    Snapshots.snapshot(live, dir.resolve("snap-with-state"));

    LedgerTip audited = Snapshots.audit(dir.resolve("snap"));
    assertThat(audited.tipHash()).isEqualTo(live.tip().tipHash());
    assertThat(audited.ledgerRoot()).isEqualTo(live.tip().ledgerRoot());

    Snapshots.installAudited(dir.resolve("snap-with-state"), dir.resolve("installed"));
    // A map no larger than the file, as when a large snapshot is opened: writes must grow it.
    try (BlockStore installed =
        BlockStore.open(StoreOptions.at(dir.resolve("installed")).withMapSizes(4096, 1L << 30))) {
      assertThat(installed.tip().size()).isEqualTo(200);
      assertThat(installed.rootAt(150)).isEqualTo(live.rootAt(150));
      assertThat(installed.block(77)).contains(blocks.get(77));
      assertThat(installed.consensusState()).isPresent();
      installed.forgetConsensusState();
      assertThat(installed.consensusState()).isEmpty();
      installed.appendAll(new TestChain(installed).batch(3, 1, 16));
      assertThat(installed.tip().size()).isEqualTo(203);
    }
    assertThatThrownBy(
            () -> Snapshots.installAudited(dir.resolve("snap"), dir.resolve("installed")))
        .hasMessageContaining("refusing to install a snapshot over the existing store");
  }

  @Test
  void aWrongTransactionIndexEntryIsCaught() {
    byte[] tx = LedgerHashes.transaction(blocks.get(5).getBlock().getTransactions(1));
    assertAuditFails(
        "transactions",
        (dbi, txn) -> dbi.put(txn, direct(tx), direct(Keys.txLocation(5, 2))),
        "the index of transaction 1 of block 5 is wrong");
  }

  @Test
  void anExtraBlockHashEntryIsCaught() {
    assertAuditFails(
        "block-heights",
        (dbi, txn) -> dbi.put(txn, direct(new byte[32]), direct(Keys.height(3))),
        "the store indexes 201 block hashes where its blocks make 200");
  }

  @Test
  void aMissingMerkleSubtreeIsCaught() {
    assertAuditFails(
        "merkle-nodes",
        (dbi, txn) -> dbi.delete(txn, direct(Keys.node(2, 10))),
        "Merkle subtree level 2 index 10 is missing");
  }

  @Test
  void aBlockSwappedForAnotherIsCaught() {
    assertAuditFails(
        "blocks",
        (dbi, txn) -> dbi.put(txn, direct(Keys.height(40)), direct(blocks.get(41).toByteArray())),
        "block 40 breaks a ledger rule");
  }

  @Test
  void aStoreThatIsNoStoreIsRefusedWithAClearError() throws Exception {
    Snapshots.snapshot(live, dir.resolve("snap"));
    java.nio.file.Files.write(dir.resolve("snap/data.mdb"), new byte[8192]);
    SnapshotManifest honest = SnapshotManifest.read(dir.resolve("snap"));
    Path data = dir.resolve("snap/data.mdb");
    new SnapshotManifest(
            honest.format(),
            honest.size(),
            honest.tipHash(),
            honest.ledgerRoot(),
            List.of(
                new SnapshotManifest.FileEntry(
                    "data.mdb", java.nio.file.Files.size(data), FileHashes.sha256(data))))
        .write(dir.resolve("snap"));
    assertThatThrownBy(() -> Snapshots.audit(dir.resolve("snap")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot be read as a store");
  }

  @Test
  void anAuditProcessThatDoesNotFinishInTimeRefusesTheSnapshot() {
    Snapshots.snapshot(live, dir.resolve("snap"));
    assertThatThrownBy(() -> SnapshotAuditProcess.audit(dir.resolve("snap"), 0))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("its audit took longer than 0 s");
    assertThat(SnapshotAuditProcess.audit(dir.resolve("snap"), 60).tipHash())
        .isEqualTo(live.tip().tipHash());
  }

  /**
   * Makes a copy of the live store, changes one table of it as a lying sender would, snapshots the
   * changed copy (a manifest that matches it) and expects the audit to name the change.
   */
  private void assertAuditFails(
      String table, BiConsumer<Dbi<ByteBuffer>, Txn<ByteBuffer>> change, String expected) {
    Snapshots.snapshot(live, dir.resolve("honest"));
    Snapshots.restore(dir.resolve("honest"), dir.resolve("forged-store"));
    try (BlockStore forged = BlockStore.open(StoreOptions.at(dir.resolve("forged-store")))) {
      Dbi<ByteBuffer> dbi = forged.env().openDbi(table);
      try (Txn<ByteBuffer> txn = forged.env().txnWrite()) {
        change.accept(dbi, txn);
        txn.commit();
      }
      Snapshots.snapshot(forged, dir.resolve("forged"));
    }
    Snapshots.verify(dir.resolve("forged"));
    assertThatThrownBy(() -> Snapshots.audit(dir.resolve("forged")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(expected);
    assertThatThrownBy(
            () -> Snapshots.installAudited(dir.resolve("forged"), dir.resolve("installed")))
        .hasMessageContaining(expected);
    assertThat(dir.resolve("installed/data.mdb")).doesNotExist();
  }

  private static ByteBuffer direct(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
    buffer.put(bytes).flip();
    return buffer;
  }
}
