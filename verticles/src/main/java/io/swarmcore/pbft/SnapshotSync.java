package io.swarmcore.pbft;

import io.swarmcore.codecs.CertificateVerifier;
import io.swarmcore.codecs.proto.FinalizedBlock;
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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a validator with an empty ledger far behind to a recent height in one transfer
 * (docs/CONSENSUS-NODE.md, snapshot sync): a peer's snapshot, offered with an index of its chunks
 * and its last block with that block's certificate. The certificate is verified signature by
 * signature before a byte is fetched; each chunk is checked against the index as it arrives;
 * storage then reassembles the snapshot, audits every entry of it from scratch, checks that it ends
 * at the certified block, and installs it. Block catch-up fetches the rest. Peers are tried one
 * after another, highest tip first; one that times out or sends anything that fails a check is
 * skipped.
 */
final class SnapshotSync {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotSync.class);
  private static final HexFormat HEX = HexFormat.of();
  private static final Pattern OFFER_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** Chunk requests in flight at once. */
  static final int CHUNKS_IN_FLIGHT = 2;

  /** The largest snapshot taken: an LMDB map beyond a store's maximum could never be opened. */
  static final long MAX_SNAPSHOT_BYTES = 1L << 40;

  /** What a snapshot install reached: the number of blocks and the last of them. */
  record Installed(long size, NodeBlock tip) {}

  /**
   * An offer that passed every check that can be made before fetching it; {@code index} is rebuilt
   * from the checked fields only.
   */
  record Offer(String peer, String id, JsonObject index, long size, NodeBlock tip) {
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
   * passes every check; empty when none does (block catch-up then does it all).
   */
  Future<Optional<Installed>> install(Map<String, Long> tips, long minBlocks) {
    List<String> candidates =
        tips.entrySet().stream()
            .filter(tip -> tip.getValue() >= minBlocks)
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .map(Map.Entry::getKey)
            .toList();
    return tryPeers(candidates, 0);
  }

  private Future<Optional<Installed>> tryPeers(List<String> peers, int next) {
    if (next >= peers.size()) {
      return Future.succeededFuture(Optional.empty());
    }
    String peer = peers.get(next);
    return fromPeer(peer)
        .map(Optional::of)
        .recover(
            failure -> {
              LOG.warn(
                  "node {}: the snapshot of {} was not installed: {}",
                  selfId,
                  peer,
                  failure.getMessage());
              return tryPeers(peers, next + 1);
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
                  "node {} fetches the snapshot of {} blocks of {}: {} chunks",
                  selfId,
                  offer.size(),
                  peer,
                  offer.chunkCount());
              long start = System.nanoTime();
              return stagingFolder()
                  .compose(
                      folder ->
                          download(offer, folder)
                              .compose(
                                  fetched -> {
                                    LOG.info(
                                        "node {} fetched the snapshot of {} in {} ms",
                                        selfId,
                                        peer,
                                        (System.nanoTime() - start) / 1_000_000);
                                    return installed(offer, folder);
                                  }));
            });
  }

  /**
   * Every check of an offer before its chunks are fetched: the index is well formed and bounded,
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
      int chunkBytes = index.getInteger("chunkBytes");
      if (chunkBytes < 1 || chunkBytes > SnapshotChunks.MAX_CHUNK_BYTES) {
        throw new IllegalArgumentException("chunk size " + chunkBytes + " is out of bounds");
      }
      JsonArray listed = index.getJsonArray("chunks");
      if (listed.isEmpty() || listed.size() > MAX_SNAPSHOT_BYTES / chunkBytes + 1) {
        throw new IllegalArgumentException(listed.size() + " chunks is out of bounds");
      }
      List<JsonObject> chunks = new ArrayList<>(listed.size());
      for (int i = 0; i < listed.size(); i++) {
        JsonObject entry = listed.getJsonObject(i);
        int bytes = entry.getInteger("bytes");
        String sha256 = entry.getString("sha256");
        if (bytes < 1
            || bytes > chunkBytes
            || sha256 == null
            || !SHA256.matcher(sha256).matches()) {
          throw new IllegalArgumentException("chunk " + i + " is described wrongly");
        }
        chunks.add(new JsonObject().put("bytes", bytes).put("sha256", sha256));
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
      return new Offer(peer, id, checked, manifest.size(), block);
    } catch (RuntimeException | com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(peer + " offered a snapshot that fails a check: " + e, e);
    }
  }

  private Future<Path> stagingFolder() {
    return vertx
        .eventBus()
        .<JsonObject>request(StorageVerticle.address(selfId, "snapshot-staging"), new JsonObject())
        .map(reply -> Path.of(reply.body().getString("dir")));
  }

  /**
   * Fetches the chunks, {@link #CHUNKS_IN_FLIGHT} at a time, each checked against the index and
   * written in place, then adds the manifest.
   */
  private Future<Void> download(Offer offer, Path folder) {
    Promise<Void> done = Promise.promise();
    int[] next = {0};
    int[] running = {0};
    for (int lane = 0; lane < CHUNKS_IN_FLIGHT; lane++) {
      fetchNext(offer, folder, next, running, done);
    }
    return done.future()
        .compose(
            fetched ->
                workers.executeBlocking(
                    () -> {
                      SnapshotChunks.complete(folder, offer.index());
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
                .put("tipHash", HEX.formatHex(offer.tip().hash().toByteArray())),
            new DeliveryOptions().setSendTimeout(1_800_000))
        .map(reply -> new Installed(reply.body().getLong("size"), offer.tip()));
  }
}
