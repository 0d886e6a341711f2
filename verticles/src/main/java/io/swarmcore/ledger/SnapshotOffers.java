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
import java.util.stream.Stream;

/**
 * The snapshots a node offers to validators far behind (docs/CONSENSUS-NODE.md, snapshot sync) and
 * the folders where it receives one. One snapshot is made at a time and reused for a minute, so
 * however many peers ask, the ledger is copied at most once a minute; the offer before stays until
 * the next one is made, for transfers still reading it. State is touched on the storage verticle's
 * context only; copying and exporting run on their own worker thread.
 */
final class SnapshotOffers {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(SnapshotOffers.class);

  /** Bytes per chunk on the wire: large enough to amortise a request, small for the event bus. */
  static final int CHUNK_BYTES = 4 << 20;

  static final long REUSE_MS = 60_000;

  /** One snapshot ready to serve: its folder and the index a receiver checks its chunks with. */
  record Offer(String id, Path folder, JsonObject index, long madeAtMs) {}

  private final Vertx vertx;
  private final WorkerExecutor maker;
  private final Path offers;
  private final Path staging;
  private Offer current;
  private Offer previous;
  private Future<Offer> making;
  private long made;
  private long staged;

  SnapshotOffers(Vertx vertx, WorkerExecutor maker, Path dataDirectory) {
    this.vertx = vertx;
    this.maker = maker;
    this.offers = dataDirectory.resolve("snapshot-offers");
    this.staging = dataDirectory.resolve("snapshot-staging");
  }

  /** Removes what a previous run left (offers and partial downloads are never reused). */
  void clearLeftovers() {
    deleteRecursively(offers);
    deleteRecursively(staging);
  }

  /**
   * The current offer's index: {@code id}, {@code manifest}, {@code chunkBytes}, {@code chunks}
   * (bytes and sha256 each) and {@code tipBlock}, the snapshot's last block with its certificate
   * (what the receiver checks the whole snapshot against).
   */
  Future<JsonObject> offer(BlockStore store) {
    if (current != null && System.currentTimeMillis() - current.madeAtMs() < REUSE_MS) {
      return Future.succeededFuture(current.index());
    }
    if (making == null) {
      String id = "offer-" + (++made) + "-" + store.tip().size();
      making =
          maker
              .executeBlocking(() -> make(store, id), false)
              .onComplete(done -> making = null)
              .onSuccess(
                  offer -> {
                    if (previous != null) {
                      Offer gone = previous;
                      maker.executeBlocking(() -> deleteRecursively(gone.folder()), false);
                    }
                    previous = current;
                    current = offer;
                  });
    }
    return making.map(Offer::index);
  }

  private Offer make(BlockStore store, String id) {
    long start = System.nanoTime();
    Path folder = offers.resolve(id);
    SnapshotManifest manifest = Snapshots.snapshot(store, folder);
    if (manifest.size() == 0) {
      deleteRecursively(folder);
      throw StorageRequests.failure(StorageFailure.NOT_FOUND, "the ledger is empty: no snapshot");
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
        current != null && current.id().equals(id)
            ? current
            : previous != null && previous.id().equals(id) ? previous : null;
    if (offer == null) {
      return Future.failedFuture(
          StorageRequests.failure(
              StorageFailure.NOT_FOUND,
              "no snapshot offer " + id + " (gone); ask for a new offer"));
    }
    int count = offer.index().getJsonArray("chunks").size();
    long index = StorageRequests.nonNegative(request, "index");
    if (index >= count) {
      return Future.failedFuture(
          StorageRequests.failure(
              StorageFailure.NOT_FOUND,
              "offer " + id + " has " + count + " chunks, not " + (index + 1)));
    }
    // On Vert.x's worker pool, not the maker: a long snapshot being made must not stall transfers.
    return vertx.executeBlocking(
        () -> Buffer.buffer(SnapshotChunks.read(offer.folder(), CHUNK_BYTES, (int) index)), false);
  }

  /** A new empty folder to receive a snapshot in; the one before is removed. */
  Future<Path> stagingFolder() {
    long number = ++staged;
    return maker.executeBlocking(
        () -> {
          deleteRecursively(staging);
          Path folder = staging.resolve("transfer-" + number);
          Files.createDirectories(folder);
          return folder;
        },
        false);
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
