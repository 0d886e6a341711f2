package io.swarmcore.pbft;

import io.swarmcore.codecs.CertificateVerifier;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.ledger.StorageFailure;
import io.swarmcore.ledger.StorageVerticle;
import io.swarmcore.pbft.wire.NodeBlock;
import io.swarmcore.storage.SnapshotChunks;
import io.swarmcore.storage.SnapshotManifest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a validator with an empty ledger far behind to a recent height in one transfer
 * (docs/CONSENSUS-NODE.md, snapshot sync): a peer's snapshot, offered with an index of its chunks
 * and its last block with that block's certificate. The index is checked for shape and bounds and
 * the certificate signature by signature before a byte is fetched; each chunk is checked against
 * the index as it arrives and written in place; storage then checks the files, rebuilds the store
 * from the snapshot's blocks in a child JVM, checks that it ends at the certified block, and
 * installs it. Block catch-up fetches the rest. Peers are tried one after another, highest tip
 * first; one that times out, is too slow, or sends anything that fails a check is skipped.
 */
final class SnapshotSync {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotSync.class);
  private static final HexFormat HEX = HexFormat.of();
  private static final Pattern OFFER_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** Chunk requests in flight at once. */
  static final int CHUNKS_IN_FLIGHT = 2;

  /** The smallest chunk a multi-chunk offer may use (no flood of tiny requests). */
  static final int MIN_CHUNK_BYTES = 64 * 1024;

  /** The largest snapshot taken: an LMDB map beyond a store's maximum could never be opened. */
  static final long MAX_SNAPSHOT_BYTES = 1L << 40;

  /** A transfer slower than this (after a minute's grace) is given up: a peer cannot drip. */
  static final long MIN_BYTES_PER_SECOND = 1L << 20;

  /** At most this many chunks: the checked index stays small on the receiver. */
  static final long MAX_CHUNKS = 1L << 18;

  /**
   * A failure of this node's own storage (no room, an install already running, a ledger no longer
   * empty): no other peer's snapshot would fare better, so no other is tried.
   */
  static final class LocalFailure extends RuntimeException {
    LocalFailure(Throwable cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** What a snapshot install reached: the number of blocks and the last of them. */
  record Installed(long size, NodeBlock tip) {}

  /** The installed snapshot, if any, and why each peer tried before was refused. */
  record Outcome(Optional<Installed> installed, Map<String, String> refused) {}

  /**
   * An offer that passed every check that can be made before fetching it; {@code index} is rebuilt
   * from the checked fields only.
   */
  record Offer(
      String peer, String id, JsonObject index, long size, long bytes, FinalizedBlock tipBlock) {
    int chunkCount() {
      return index.getJsonArray("chunks").size();
    }
  }

  private final Vertx vertx;
  private final String selfId;
  private final CertificateVerifier certificates;
  private final WorkerExecutor workers;

  SnapshotSync(
      Vertx vertx, String selfId, CertificateVerifier certificates, WorkerExecutor workers) {
    this.vertx = vertx;
    this.selfId = selfId;
    this.certificates = certificates;
    this.workers = workers;
  }

  /**
   * Installs the snapshot of the first peer, among those whose tip reaches {@code minBlocks}, that
   * passes every check; none when none does (block catch-up then does it all).
   */
  Future<Outcome> install(Map<String, Long> tips, long minBlocks) {
    List<String> candidates =
        tips.entrySet().stream()
            .filter(tip -> tip.getValue() >= minBlocks)
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .map(Map.Entry::getKey)
            .toList();
    return tryPeers(candidates, 0, new LinkedHashMap<>());
  }

  private Future<Outcome> tryPeers(List<String> peers, int next, Map<String, String> refused) {
    if (next >= peers.size()) {
      return Future.succeededFuture(new Outcome(Optional.empty(), refused));
    }
    String peer = peers.get(next);
    return fromPeer(peer)
        .map(installed -> new Outcome(Optional.of(installed), refused))
        .recover(
            failure -> {
              LOG.warn(
                  "node {}: the snapshot of {} was not installed: {}",
                  selfId,
                  peer,
                  failure.getMessage());
              refused.put(peer, String.valueOf(failure.getMessage()));
              return failure instanceof LocalFailure
                  ? Future.succeededFuture(new Outcome(Optional.empty(), refused))
                  : tryPeers(peers, next + 1, refused);
            });
  }

  private Future<Installed> fromPeer(String peer) {
    return vertx
        .eventBus()
        .<JsonObject>request(
            StorageVerticle.address(peer, "snapshot-offer"),
            new JsonObject(),
            new DeliveryOptions().setSendTimeout(300_000))
        .compose(reply -> workers.executeBlocking(() -> checkedOffer(peer, reply.body()), false))
        .compose(
            offer -> {
              LOG.info(
                  "node {} fetches the snapshot of {} blocks of {}: {} chunks, {} MiB",
                  selfId,
                  offer.size(),
                  peer,
                  offer.chunkCount(),
                  offer.bytes() >> 20);
              return stagingFolder(offer.bytes())
                  .compose(
                      folder ->
                          download(offer, folder)
                              .compose(fetched -> installed(offer, folder))
                              .onFailure(
                                  failed -> vertx.fileSystem().deleteRecursive(folder.toString())));
            });
  }

  /**
   * Every check of an offer before its chunks are fetched: the index is well formed and bounded
   * (one data file; every chunk but the last exactly the chunk size, together exactly the file),
   * and its last block is the manifest's tip with a valid certificate.
   */
  Offer checkedOffer(String peer, JsonObject index) {
    try {
      String id = index.getString("id");
      if (id == null || !OFFER_ID.matcher(id).matches()) {
        throw new IllegalArgumentException("no valid offer id");
      }
      SnapshotManifest manifest = SnapshotManifest.fromJson(index.getJsonObject("manifest"));
      if (manifest.size() < 1) {
        throw new IllegalArgumentException("the snapshot holds no block");
      }
      if (manifest.files().size() != 1 || !"data.mdb".equals(manifest.files().get(0).name())) {
        throw new IllegalArgumentException("the manifest must name one file, data.mdb");
      }
      long bytes = manifest.files().get(0).bytes();
      if (bytes < 1 || bytes > MAX_SNAPSHOT_BYTES) {
        throw new IllegalArgumentException("a data file of " + bytes + " bytes is out of bounds");
      }
      int chunkBytes = index.getInteger("chunkBytes");
      long expectedChunks = (bytes + chunkBytes - 1) / Math.max(1, chunkBytes);
      if (chunkBytes < 1
          || chunkBytes > SnapshotChunks.MAX_CHUNK_BYTES
          || (expectedChunks > 1 && chunkBytes < MIN_CHUNK_BYTES)) {
        throw new IllegalArgumentException("chunk size " + chunkBytes + " is out of bounds");
      }
      JsonArray listed = index.getJsonArray("chunks");
      if (expectedChunks > MAX_CHUNKS) {
        throw new IllegalArgumentException(
            expectedChunks + " chunks is more than " + MAX_CHUNKS + ": use larger chunks");
      }
      if (listed.size() != expectedChunks) {
        throw new IllegalArgumentException(
            listed.size() + " chunks do not cut " + bytes + " bytes in " + chunkBytes);
      }
      List<JsonObject> chunks = new ArrayList<>(listed.size());
      for (int i = 0; i < listed.size(); i++) {
        JsonObject entry = listed.getJsonObject(i);
        long expected = i < listed.size() - 1 ? chunkBytes : bytes - (long) i * chunkBytes;
        String sha256 = entry.getString("sha256");
        if (entry.getLong("bytes") != expected
            || sha256 == null
            || !SHA256.matcher(sha256).matches()) {
          throw new IllegalArgumentException("chunk " + i + " is described wrongly");
        }
        chunks.add(new JsonObject().put("bytes", expected).put("sha256", sha256));
      }
      FinalizedBlock tip = FinalizedBlock.parseFrom(index.getBinary("tipBlock"));
      NodeBlock block = NodeBlock.of(tip.getBlock());
      if (block.height() != manifest.size() - 1
          || !HEX.formatHex(block.hash().toByteArray()).equals(manifest.tipHash())) {
        throw new IllegalArgumentException("its last block is not the snapshot's tip");
      }
      Optional<String> problem =
          certificates.problem(tip.getCertificate(), block.height(), block.hash());
      if (problem.isPresent()) {
        throw new IllegalArgumentException("its last block " + problem.get());
      }
      JsonObject checked =
          new JsonObject()
              .put("manifest", manifest.toJson())
              .put("chunkBytes", chunkBytes)
              .put("chunks", new JsonArray(new ArrayList<Object>(chunks)));
      return new Offer(peer, id, checked, manifest.size(), bytes, tip);
    } catch (RuntimeException | com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(peer + " offered a snapshot that fails a check: " + e, e);
    }
  }

  private Future<Path> stagingFolder(long bytes) {
    return vertx
        .eventBus()
        .<JsonObject>request(
            StorageVerticle.address(selfId, "snapshot-staging"),
            new JsonObject().put("bytes", bytes))
        .map(reply -> Path.of(reply.body().getString("dir")))
        .recover(failure -> Future.failedFuture(new LocalFailure(failure)));
  }

  /**
   * Fetches the chunks, {@link #CHUNKS_IN_FLIGHT} at a time, each checked against the index and
   * written in place, then adds the manifest; gives up when the transfer falls below {@link
   * #MIN_BYTES_PER_SECOND} after a minute's grace.
   */
  private Future<Void> download(Offer offer, Path folder) {
    long start = System.nanoTime();
    Promise<Void> done = Promise.promise();
    long allowedMs = 60_000 + 1_000 * offer.bytes() / MIN_BYTES_PER_SECOND;
    long deadline =
        vertx.setTimer(
            allowedMs,
            late ->
                done.tryFail(
                    "the transfer took longer than "
                        + allowedMs
                        + " ms ("
                        + (offer.bytes() >> 20)
                        + " MiB at 1 MiB/s and a minute)"));
    int[] next = {0};
    int[] running = {0};
    for (int lane = 0; lane < CHUNKS_IN_FLIGHT; lane++) {
      fetchNext(offer, folder, next, running, done);
    }
    return done.future()
        .onComplete(finished -> vertx.cancelTimer(deadline))
        .compose(
            fetched ->
                workers.executeBlocking(
                    () -> {
                      SnapshotChunks.complete(folder, offer.index());
                      LOG.info(
                          "node {} fetched the snapshot of {} in {} ms",
                          selfId,
                          offer.peer(),
                          (System.nanoTime() - start) / 1_000_000);
                      return null;
                    },
                    false));
  }

  private void fetchNext(Offer offer, Path folder, int[] next, int[] running, Promise<Void> done) {
    if (done.future().isComplete()) {
      return;
    }
    if (next[0] >= offer.chunkCount()) {
      if (running[0] == 0) {
        done.tryComplete();
      }
      return;
    }
    int index = next[0]++;
    running[0]++;
    vertx
        .eventBus()
        .<Object>request(
            StorageVerticle.address(offer.peer(), "snapshot-chunk"),
            new JsonObject().put("id", offer.id()).put("index", index),
            new DeliveryOptions().setSendTimeout(60_000))
        .compose(
            reply ->
                reply.body() instanceof Buffer bytes
                    ? workers.executeBlocking(
                        () -> {
                          SnapshotChunks.write(folder, offer.index(), index, bytes.getBytes());
                          return null;
                        },
                        false)
                    : Future.failedFuture("chunk " + index + " is not bytes"))
        .onComplete(
            written -> {
              running[0]--;
              if (written.failed()) {
                done.tryFail(written.cause());
                return;
              }
              fetchNext(offer, folder, next, running, done);
            });
  }

  private Future<Installed> installed(Offer offer, Path folder) {
    return vertx
        .eventBus()
        .<JsonObject>request(
            StorageVerticle.address(selfId, "install-snapshot"),
            new JsonObject()
                .put("dir", folder.toString())
                .put("tipBlock", offer.tipBlock().toByteArray()),
            new DeliveryOptions().setSendTimeout(StorageVerticle.installBoundMillis(offer.bytes())))
        .map(
            reply ->
                new Installed(
                    reply.body().getLong("size"), NodeBlock.of(offer.tipBlock().getBlock())))
        .recover(
            failure ->
                // A snapshot that fails a check is the sender's fault; anything else is local.
                failure instanceof ReplyException reply
                        && reply.failureCode() == StorageFailure.INVALID_SNAPSHOT.code()
                    ? Future.failedFuture(failure)
                    : Future.failedFuture(new LocalFailure(failure)));
  }
}
