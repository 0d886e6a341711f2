package io.swarmcore.ledger;

import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.storage.BlockStore;
import io.swarmcore.storage.SnapshotChunks;
import io.swarmcore.storage.SnapshotManifest;
import io.swarmcore.storage.Snapshots;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.locks.Lock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshots a node offers to validators far behind (docs/CONSENSUS-NODE.md, snapshot sync) and
 * the folders where it receives one. One snapshot is made at a time and reused for a minute, so
 * however many peers ask, the ledger is copied at most once a minute; the offer before is kept
 * while its chunks are still being fetched (a new one is not made meanwhile), so at most two copies
 * are on disk, and none is made without room for it. State is touched on the storage verticle's
 * context only; copying and indexing run on their own worker thread.
 */
final class SnapshotOffers {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotOffers.class);

  /** Bytes per chunk on the wire: large enough to amortise a request, small for the event bus. */
  static final int CHUNK_BYTES = 4 << 20;

  static final long REUSE_MS = 60_000;

  /** Room kept free on the disk beyond what a snapshot or a received one needs. */
  static final long SPARE_BYTES = 256L << 20;

  /** One snapshot ready to serve, and when one of its chunks was last asked for. */
  private static final class Offer {
    final String id;
    final Path folder;
    final JsonObject index;
    final long madeAtMs;
    long lastServedMs;

    Offer(String id, Path folder, JsonObject index, long madeAtMs) {
      this.id = id;
      this.folder = folder;
      this.index = index;
      this.madeAtMs = madeAtMs;
      this.lastServedMs = madeAtMs;
    }
  }

  private final WorkerExecutor maker;
  // Chunk reads on their own two threads: a crowd of fetches cannot starve other work.
  private final WorkerExecutor chunkReaders;
  private final Path offers;
  private final Path staging;
  private final Lock storeOpen;
  private Offer current;
  private Offer previous;
  private Future<Offer> making;
  private long made;
  private long staged;

  /**
   * @param storeOpen held while the store is copied, so that it is not swapped and closed meanwhile
   */
  SnapshotOffers(Vertx vertx, String nodeId, Path dataDirectory, Lock storeOpen) {
    this.maker = vertx.createSharedWorkerExecutor("swarm-storage-snapshots-" + nodeId, 1);
    this.chunkReaders = vertx.createSharedWorkerExecutor("swarm-storage-chunks-" + nodeId, 2);
    this.offers = dataDirectory.resolve("snapshot-offers");
    this.staging = dataDirectory.resolve("snapshot-staging");
    this.storeOpen = storeOpen;
  }

  /** Removes what a previous run left (offers and partial downloads are never reused). */
  void clearLeftovers() {
    deleteRecursively(offers);
    deleteRecursively(staging);
  }

  void close() {
    maker.close();
    chunkReaders.close();
  }

  /**
   * The current offer's index: {@code id}, {@code manifest}, {@code chunkBytes}, {@code chunks}
   * (bytes and sha256 each) and {@code tipBlock}, the snapshot's last block with its certificate
   * (what the receiver checks the whole snapshot against).
   */
  Future<JsonObject> offer(BlockStore store) {
    long now = System.currentTimeMillis();
    if (store == null || store.tip().size() == 0) {
      return Future.failedFuture(
          StorageRequests.failure(StorageFailure.NOT_FOUND, "the ledger is empty: no snapshot"));
    }
    boolean previousBusy = previous != null && now - previous.lastServedMs < REUSE_MS;
    if (current != null && (now - current.madeAtMs < REUSE_MS || previousBusy)) {
      return Future.succeededFuture(current.index);
    }
    if (making == null) {
      String id = "offer-" + (++made) + "-" + store.tip().size();
      Offer gone = previous;
      making =
          maker
              .executeBlocking(
                  () -> {
                    if (gone != null) {
                      deleteRecursively(gone.folder);
                    }
                    return make(store, id);
                  },
                  false)
              .onComplete(done -> making = null)
              .onSuccess(
                  offer -> {
                    previous = current;
                    current = offer;
                  });
      if (gone != null) {
        previous = null;
      }
    }
    return making.map(offer -> offer.index);
  }

  private Offer make(BlockStore store, String id) throws IOException {
    long start = System.nanoTime();
    Path folder = offers.resolve(id);
    Files.createDirectories(offers);
    requireRoom(offers, store.status().bytesOnDisk() + SPARE_BYTES, "for a snapshot");
    SnapshotManifest manifest;
    storeOpen.lock();
    try {
      manifest = Snapshots.snapshot(store, folder);
    } finally {
      storeOpen.unlock();
    }
    FinalizedBlock tip;
    try (BlockStore opened = BlockStore.openReadOnly(folder, true)) {
      tip = opened.block(manifest.size() - 1).orElseThrow();
    }
    JsonObject index = SnapshotChunks.index(folder, CHUNK_BYTES);
    index.put("id", id).put("tipBlock", tip.toByteArray());
    LOG.info(
        "snapshot offer {}: {} blocks in {} chunks, made in {} ms",
        id,
        manifest.size(),
        index.getJsonArray("chunks").size(),
        (System.nanoTime() - start) / 1_000_000);
    return new Offer(id, folder, index, System.currentTimeMillis());
  }

  /** {@code {id, index}}: the bytes of one chunk of an offer still kept. */
  Future<Buffer> chunk(JsonObject request) {
    String id = request.getValue("id") instanceof String text ? text : "";
    Offer offer =
        current != null && current.id.equals(id)
            ? current
            : previous != null && previous.id.equals(id) ? previous : null;
    if (offer == null) {
      return Future.failedFuture(
          StorageRequests.failure(
              StorageFailure.NOT_FOUND,
              "no snapshot offer " + id + " (gone); ask for a new offer"));
    }
    int count = offer.index.getJsonArray("chunks").size();
    long index = StorageRequests.nonNegative(request, "index");
    if (index >= count) {
      return Future.failedFuture(
          StorageRequests.failure(
              StorageFailure.NOT_FOUND,
              "offer " + id + " has " + count + " chunks, not " + (index + 1)));
    }
    offer.lastServedMs = System.currentTimeMillis();
    // Not on the maker: a long snapshot being made must not stall transfers.
    return chunkReaders.executeBlocking(
        () -> Buffer.buffer(SnapshotChunks.read(offer.folder, CHUNK_BYTES, (int) index)), false);
  }

  /**
   * A new empty folder to receive a snapshot of {@code bytes} in, once the disk has room for it and
   * for the store rebuilt from it; the folder before is removed.
   */
  Future<Path> stagingFolder(long bytes) {
    long number = ++staged;
    return maker.executeBlocking(
        () -> {
          deleteRecursively(staging);
          Files.createDirectories(staging);
          requireRoom(
              staging,
              2 * bytes + SPARE_BYTES,
              "to receive a snapshot of " + (bytes >> 20) + " MiB and rebuild its store");
          Path folder = staging.resolve("transfer-" + number);
          Files.createDirectories(folder);
          return folder;
        },
        false);
  }

  private static void requireRoom(Path folder, long needed, String what) throws IOException {
    long free = Files.getFileStore(folder).getUsableSpace();
    if (free < needed) {
      throw StorageRequests.failure(
          StorageFailure.STORE_FULL,
          "no room "
              + what
              + ": it needs about "
              + (needed >> 20)
              + " MiB, "
              + (free >> 20)
              + " MiB are free");
    }
  }

  /** Whether {@code folder} is one this node handed out to receive a snapshot in. */
  boolean isStaging(Path folder) {
    Path normal = folder.toAbsolutePath().normalize();
    return normal.getParent() != null
        && normal.getParent().equals(staging.toAbsolutePath().normalize());
  }

  static Void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return null;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + root, e);
    }
    return null;
  }
}
