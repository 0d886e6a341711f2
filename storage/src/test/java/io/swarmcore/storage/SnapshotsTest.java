package io.swarmcore.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmcore.codecs.proto.FinalizedBlock;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotsTest {
  @TempDir Path dir;

  private BlockStore store;
  private final TestChain chain = new TestChain();
  private final List<FinalizedBlock> blocks = new ArrayList<>();

  @BeforeEach
  void fill() {
    store = BlockStore.open(StoreOptions.at(dir.resolve("live")));
    appendBatches(10, 20);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private void appendBatches(int batches, int perBatch) {
    for (int b = 0; b < batches; b++) {
      List<FinalizedBlock> batch = new ArrayList<>();
      for (int i = 0; i < perBatch; i++) {
        batch.add(chain.next(2, 64));
      }
      store.appendAll(batch);
      blocks.addAll(batch);
    }
  }

  @Test
  void aSnapshotTakenWhileAppendingRestoresToAConsistentLedger() throws Exception {
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> appendBatches(40, 10));
    SnapshotManifest manifest = Snapshots.snapshot(store, dir.resolve("snap"));
    writer.get(60, TimeUnit.SECONDS);

    assertThat(manifest.size()).isBetween(200L, 600L);
    Snapshots.restore(dir.resolve("snap"), dir.resolve("restored"));
    try (BlockStore restored = BlockStore.open(StoreOptions.at(dir.resolve("restored")))) {
      assertThat(restored.tip().size()).isEqualTo(manifest.size());
      assertThat(HexFormat.of().formatHex(restored.tip().ledgerRoot()))
          .isEqualTo(manifest.ledgerRoot());
      assertThat(restored.rootAt(manifest.size())).isEqualTo(store.rootAt(manifest.size()));
      long last = manifest.size() - 1;
      assertThat(restored.block(last)).contains(blocks.get((int) last));
    }
  }

  @Test
  void aTamperedSnapshotIsRefused() throws IOException {
    Path snap = dir.resolve("snap");
    Snapshots.snapshot(store, snap);
    try (RandomAccessFile file = new RandomAccessFile(snap.resolve("data.mdb").toFile(), "rw")) {
      file.seek(5000);
      int b = file.read();
      file.seek(5000);
      file.write(b ^ 0x40);
    }
    assertInvalid(snap, "data.mdb does not match its checksum (tampered or corrupted)");
    assertThat(dir.resolve("restored/data.mdb")).doesNotExist();
  }

  @Test
  void aTruncatedSnapshotIsRefused() throws IOException {
    Path snap = dir.resolve("snap");
    Snapshots.snapshot(store, snap);
    try (RandomAccessFile file = new RandomAccessFile(snap.resolve("data.mdb").toFile(), "rw")) {
      file.setLength(file.length() / 2);
    }
    assertInvalid(snap, "(truncated?)");
  }

  @Test
  void aManifestThatLiesAboutTheTipIsRefused() throws IOException {
    Path snap = dir.resolve("snap");
    SnapshotManifest manifest = Snapshots.snapshot(store, snap);
    JsonObject lie = manifest.toJson().put("ledgerRoot", "00".repeat(32));
    Files.writeString(snap.resolve(SnapshotManifest.FILE_NAME), lie.encode());
    assertInvalid(snap, "the copy's tip does not match the manifest");

    Files.delete(snap.resolve(SnapshotManifest.FILE_NAME));
    assertInvalid(snap, "has no manifest.json");
  }

  @Test
  void restoreNeverOverwritesAStore() {
    Path snap = dir.resolve("snap");
    Snapshots.snapshot(store, snap);
    assertThatThrownBy(() -> Snapshots.restore(snap, dir.resolve("live")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("refusing to restore over the existing store");
  }

  @Test
  void chunksWrittenInAnyOrderMakeTheSnapshotAndAlteredOnesAreRefused() throws IOException {
    Path snap = dir.resolve("snap");
    SnapshotManifest manifest = Snapshots.snapshot(store, snap);
    int chunkBytes = 64 * 1024;
    JsonObject index = SnapshotChunks.index(snap, chunkBytes);
    int count = index.getJsonArray("chunks").size();
    assertThat(count).isGreaterThan(2);

    Path received = dir.resolve("received");
    Files.createDirectories(received);
    for (int i = count - 1; i >= 0; i--) {
      SnapshotChunks.write(received, index, i, SnapshotChunks.read(snap, chunkBytes, i));
    }
    SnapshotChunks.complete(received, index);
    assertThat(Snapshots.verify(received)).isEqualTo(manifest);

    byte[] altered = SnapshotChunks.read(snap, chunkBytes, 1);
    altered[10] ^= 1;
    assertThatThrownBy(() -> SnapshotChunks.write(dir.resolve("other"), index, 1, altered))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.SNAPSHOT_INVALID))
        .hasMessage("invalid chunks: chunk 1 does not match its hash (tampered or corrupted)");
    assertThatThrownBy(
            () -> SnapshotChunks.write(dir.resolve("other"), index, 1, new byte[] {1, 2}))
        .hasMessageContaining("chunk 1 is 2 bytes, the index says " + chunkBytes);
    assertThatThrownBy(() -> SnapshotChunks.write(dir.resolve("other"), index, count, altered))
        .hasMessage("invalid chunks: the index has no chunk " + count);
    assertThat(dir.resolve("other/data.mdb")).doesNotExist();

    // A chunk never written leaves a hole the whole-file check finds.
    Path partial = dir.resolve("partial");
    Files.createDirectories(partial);
    for (int i = 0; i < count; i++) {
      if (i != 1) {
        SnapshotChunks.write(partial, index, i, SnapshotChunks.read(snap, chunkBytes, i));
      }
    }
    SnapshotChunks.complete(partial, index);
    assertThatThrownBy(() -> Snapshots.verify(partial))
        .hasMessageContaining("data.mdb does not match its checksum");
    assertThatThrownBy(() -> SnapshotChunks.index(snap, 17 * 1024 * 1024))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private void assertInvalid(Path snap, String reason) {
    assertThatThrownBy(() -> Snapshots.restore(snap, dir.resolve("restored")))
        .isInstanceOfSatisfying(
            StoreException.class,
            e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.SNAPSHOT_INVALID))
        .hasMessageContaining(reason);
  }
}
