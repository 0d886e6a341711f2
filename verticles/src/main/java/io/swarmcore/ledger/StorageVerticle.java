package io.swarmcore.ledger;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.InboundMessages;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.proto.BlockRange;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.InclusionProof;
import io.swarmcore.codecs.proto.Receipt;
import io.swarmcore.codecs.proto.Receipts;
import io.swarmcore.merkle.MerkleTree;
import io.swarmcore.node.NodeConfig;
import io.swarmcore.node.NodeConfigLoader;
import io.swarmcore.storage.BlockStore;
import io.swarmcore.storage.SnapshotManifest;
import io.swarmcore.storage.Snapshots;
import io.swarmcore.storage.StoreException;
import io.swarmcore.storage.StoreOptions;
import io.swarmcore.storage.TxLocation;
import io.swarmcore.storage.core.InvalidBlockException;
import io.swarmcore.storage.core.LedgerTip;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the node's {@link BlockStore} on {@code swarm.storage.<nodeId>.<verb>}. Every LMDB call
 * runs on a worker thread, never on the event loop: appends on one dedicated thread (one writer, in
 * order), reads on a small pool. Append and snapshot are local to this JVM (no other cluster member
 * can write the ledger or the node's disk); reads are open to the cluster.
 */
public final class StorageVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(StorageVerticle.class);
  private static final HexFormat HEX = HexFormat.of();

  private NodeConfig config;
  private HealthChecks health;
  private LedgerGuard guard;
  // Replaced once, when a snapshot is installed into an empty ledger; read from worker threads.
  private volatile BlockStore store;
  // Every request holds it shared; a snapshot install holds it alone for the moment it swaps the
  // empty store for the installed one, so no request meets a closed store.
  private final java.util.concurrent.locks.ReentrantReadWriteLock storeSwap =
      new java.util.concurrent.locks.ReentrantReadWriteLock();
  private StoreOptions options;
  private SnapshotOffers offers;
  private WorkerExecutor writer;
  private WorkerExecutor readers;
  // Consensus's own reads (known-transactions): a flood of cluster reads cannot starve them.
  private WorkerExecutor consensusReads;
  // Written on the writer thread, read by the staging verb on the event loop.
  private volatile boolean guardAhead;

  // Writer thread only: blocks the guard took in whose commit failed, in height order.
  private final List<FinalizedBlock> guardTookIn = new ArrayList<>();

  /** Why the last append failed in the store itself (disk, map size), until one succeeds. */
  private volatile String appendFailure;

  private io.micrometer.core.instrument.Timer appendLatency;

  /** For deployment by class name: reads the node configuration from {@code config()}. */
  public StorageVerticle() {}

  public StorageVerticle(NodeConfig config, HealthChecks health) {
    this(config, health, null);
  }

  /**
   * @param guard extra rules for every block (the election's seed proofs), or null
   */
  public StorageVerticle(NodeConfig config, HealthChecks health, LedgerGuard guard) {
    this.config = config;
    this.health = health;
    this.guard = guard;
  }

  public static String address(String nodeId, String verb) {
    return "swarm.storage." + nodeId + "." + verb;
  }

  /** Where a node keeps its ledger store, under its data folder. */
  public static Path storeDirectory(NodeConfig config) {
    return config.dataDir().resolve("ledger");
  }

  @Override
  public Future<?> start() {
    if (config == null) {
      config = NodeConfig.parse(NodeConfigLoader.defaults().mergeIn(config(), true));
    }
    appendLatency =
        io.swarmcore.node.NodeMetrics.forNode(config.nodeId())
            .timer(
                "swarm_storage_append",
                "One append or group commit of finalized blocks, fsync included",
                java.time.Duration.ofMillis(1),
                java.time.Duration.ofSeconds(10));
    writer = vertx.createSharedWorkerExecutor("swarm-storage-writer-" + config.nodeId(), 1);
    readers = vertx.createSharedWorkerExecutor("swarm-storage-readers-" + config.nodeId(), 4);
    consensusReads =
        vertx.createSharedWorkerExecutor("swarm-storage-consensus-" + config.nodeId(), 1);
    offers = new SnapshotOffers(vertx, config.nodeId(), config.dataDir(), storeSwap.readLock());
    options =
        StoreOptions.at(storeDirectory(config))
            .withMapSizes(StoreOptions.DEFAULT_INITIAL_MAP_SIZE, config.storage().maxMapSizeBytes())
            .withNoSync(config.storage().noSync());
    return writer
        .executeBlocking(
            () -> {
              offers.clearLeftovers();
              return replayed(BlockStore.open(options));
            })
        .compose(
            opened -> {
              store = opened;
              register();
              LOG.info(
                  "node {} ledger at {}: {} blocks",
                  config.nodeId(),
                  options.directory(),
                  opened.tip().size());
              return Future.succeededFuture();
            });
  }

  private void register() {
    var bus = vertx.eventBus();
    bus.localConsumer(
        address(config.nodeId(), "append"),
        InboundMessages.guarded(FinalizedBlock.class, this::append, rejected -> {}));
    bus.localConsumer(
        address(config.nodeId(), "append-range"),
        InboundMessages.guarded(BlockRange.class, this::appendRange, rejected -> {}));
    bus.localConsumer(address(config.nodeId(), "snapshot"), this::snapshot);
    bus.consumer(address(config.nodeId(), "snapshot-offer"), this::snapshotOffer);
    bus.consumer(address(config.nodeId(), "snapshot-chunk"), this::snapshotChunk);
    bus.localConsumer(address(config.nodeId(), "snapshot-staging"), this::snapshotStaging);
    bus.localConsumer(address(config.nodeId(), "install-snapshot"), this::installSnapshot);
    bus.localConsumer(
        address(config.nodeId(), "frontier"), message -> reply(message, writer, this::frontier));
    bus.consumer(address(config.nodeId(), "block"), this::block);
    bus.consumer(address(config.nodeId(), "blocks"), this::blocks);
    bus.localConsumer(address(config.nodeId(), "consensus-state"), this::consensusState);
    bus.localConsumer(
        address(config.nodeId(), "known-transactions"),
        message -> knownTransactions(message, consensusReads));
    // Where final transactions are, for the client API, on the readers' pool: clients never queue
    // ahead of consensus on its own executor.
    bus.localConsumer(
        address(config.nodeId(), "locations"), message -> locations(message, readers));
    bus.localConsumer(address(config.nodeId(), "save-consensus-state"), this::saveConsensusState);
    bus.consumer(address(config.nodeId(), "receipt"), this::receipt);
    bus.localConsumer(address(config.nodeId(), "receipts"), this::receipts);
    bus.consumer(address(config.nodeId(), "proof"), this::proof);
    bus.consumer(address(config.nodeId(), "consistency"), this::consistency);
    bus.consumer(
        address(config.nodeId(), "status"), message -> reply(message, readers, this::status));
    if (health != null) {
      health.register(
          "storage",
          promise -> {
            BlockStore open = store;
            promise.complete(
                open == null
                    ? Status.KO(new JsonObject().put("error", "no ledger store is open"))
                    : writability(tipJson(open.tip())));
          });
    }
  }

  private void append(Message<Object> message, FinalizedBlock block) {
    reply(message, writer, () -> appendGuarded(List.of(block)));
  }

  /**
   * Runs one append (a commit, fsync included) under the latency timer, and remembers whether the
   * store itself failed: a full disk or map makes the node unable to finalize, which /health shows.
   */
  private LedgerTip timedAppend(java.util.function.Supplier<LedgerTip> append) {
    long started = System.nanoTime();
    try {
      LedgerTip tip = append.get();
      // Only commits count: a refused block or a failed write would read as a fast disk.
      appendLatency.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
      appendFailure = null;
      return tip;
    } catch (io.swarmcore.storage.StoreException e) {
      appendFailure = e.getMessage();
      throw e;
    }
  }

  /** UP with the tip, or DOWN when appends cannot go on (the tip is still reported). */
  private Status writability(JsonObject tip) {
    if (guardAhead) {
      return Status.KO(
          tip.put("writable", false)
              .put(
                  "error",
                  "a snapshot install failed after the election took its blocks in; restart"));
    }
    String failure = appendFailure;
    if (failure != null) {
      return Status.KO(tip.put("writable", false).put("error", failure));
    }
    return Status.OK(tip.put("writable", true));
  }

  /**
   * After a failed snapshot install the election is ahead of the store: no append until restart.
   */
  private void refuseIfGuardAhead() {
    if (guardAhead) {
      throw StorageRequests.failure(
          StorageFailure.STORE_ERROR,
          "an earlier snapshot install failed after the election took its blocks in; restart the"
              + " node");
    }
  }

  /**
   * Appends consecutive blocks in one write transaction (group commit). The guard's rules depend on
   * the blocks before (heights, epochs), so each block is checked and taken in by the guard before
   * the commit. If the commit then fails (a full disk), the guard is ahead of the store by those
   * blocks: a later append must start with the same blocks (final blocks are unique), which are
   * committed without being taken in twice.
   */
  private void appendRange(Message<Object> message, BlockRange range) {
    reply(
        message,
        writer,
        () ->
            range.getBlocksCount() == 0
                ? tipJson(store.tip())
                : appendGuarded(range.getBlocksList()));
  }

  /** On the writer thread: see {@link #appendRange}. */
  private JsonObject appendGuarded(List<FinalizedBlock> blocks) {
    refuseIfGuardAhead();
    // Blocks the guard took in earlier must come first again (a shorter range: a prefix of them).
    int already = guardTookIn.size();
    int overlap = Math.min(already, blocks.size());
    for (int i = 0; i < overlap; i++) {
      if (!blocks.get(i).getBlock().equals(guardTookIn.get(i).getBlock())) {
        String problem =
            "the election took in blocks from height "
                + store.tip().size()
                + " whose commit failed, and other blocks came instead; restart the node";
        appendFailure = problem;
        throw StorageRequests.failure(StorageFailure.STORE_ERROR, problem);
      }
    }
    try {
      if (guard != null) {
        // No room is found out, where it can be, before the guard takes a block in.
        store.ensureRoom(blocks.stream().mapToLong(FinalizedBlock::getSerializedSize).sum());
        for (FinalizedBlock block : blocks.subList(overlap, blocks.size())) {
          guard.check(block);
          guard.applied(block);
          guardTookIn.add(block);
        }
      }
      LedgerTip tip = timedAppend(() -> store.appendAll(blocks));
      // Stored now; any the guard took in beyond these wait their turn.
      guardTookIn.subList(0, Math.min(blocks.size(), guardTookIn.size())).clear();
      return tipJson(tip);
    } catch (io.swarmcore.storage.StoreException e) {
      appendFailure = e.getMessage(); // /health says why until an append succeeds
      throw e;
    }
  }

  /** Rebuilds the guard's state from the stored blocks, in order. */
  private BlockStore replayed(BlockStore opened) {
    if (guard == null) {
      return opened;
    }
    try {
      for (long height = 0; height < opened.tip().size(); height++) {
        FinalizedBlock block = opened.block(height).orElseThrow();
        try {
          guard.applied(block);
        } catch (RuntimeException e) {
          throw new IllegalStateException(
              "stored block " + height + " breaks this node's ledger rules: " + e.getMessage(), e);
        }
      }
      return opened;
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
  }

  private void block(Message<Object> message) {
    reply(
        message,
        readers,
        () -> {
          JsonObject request = StorageRequests.object(message.body());
          var found =
              request.containsKey("hash")
                  ? store.blockByHash(StorageRequests.hash(request, "hash"))
                  : store.block(StorageRequests.nonNegative(request, "height"));
          return found.orElseThrow(
              () ->
                  StorageRequests.failure(
                      StorageFailure.NOT_FOUND, "no block " + request.encode()));
        });
  }

  /** At most this many blocks, and about this many bytes, answer one range request. */
  public static final int MAX_RANGE_BLOCKS = 512;

  public static final long MAX_RANGE_BYTES = 8L << 20;

  /** {@code {from, count}}: up to {@code count} consecutive blocks from {@code from}. */
  private void blocks(Message<Object> message) {
    reply(
        message,
        readers,
        () -> {
          JsonObject request = StorageRequests.object(message.body());
          long from = StorageRequests.nonNegative(request, "from");
          long count = StorageRequests.nonNegative(request, "count");
          if (count < 1) {
            throw StorageRequests.failure(StorageFailure.BAD_REQUEST, "\"count\" must be ≥ 1");
          }
          return BlockRange.newBuilder()
              .addAllBlocks(
                  store.blocks(from, (int) Math.min(count, MAX_RANGE_BLOCKS), MAX_RANGE_BYTES))
              .build();
        });
  }

  /**
   * Which of these transactions the ledger holds: hashes packed (32 bytes each) in, packed out; or
   * a JSON array of hex in, one out.
   */
  private void knownTransactions(Message<Object> message, WorkerExecutor executor) {
    reply(
        message,
        executor,
        () -> {
          if (message.body() instanceof byte[] packed) {
            List<com.google.protobuf.ByteString> asked;
            try {
              asked = io.swarmcore.codecs.HashLists.unpack(packed);
            } catch (IllegalArgumentException e) {
              throw StorageRequests.failure(StorageFailure.BAD_REQUEST, e.getMessage());
            }
            List<com.google.protobuf.ByteString> known = new java.util.ArrayList<>();
            store
                .knownTransactions(
                    asked.stream().map(com.google.protobuf.ByteString::toByteArray).toList())
                .forEach(hash -> known.add(com.google.protobuf.ByteString.copyFrom(hash)));
            return io.swarmcore.codecs.HashLists.pack(known);
          }
          if (!(message.body() instanceof JsonArray hashes)) {
            throw StorageRequests.failure(
                StorageFailure.BAD_REQUEST,
                "packed 32-byte hashes or a JSON array of hex transaction hashes is expected");
          }
          List<byte[]> asked = new java.util.ArrayList<>(hashes.size());
          for (Object hash : hashes) {
            asked.add(HEX.parseHex(String.valueOf(hash)));
          }
          JsonArray known = new JsonArray();
          store.knownTransactions(asked).forEach(hash -> known.add(HEX.formatHex(hash)));
          return known;
        });
  }

  /**
   * Where final transactions are: a JSON array of hex hashes in, an array of {@code [hash, height,
   * position]} out for those final here (the others are left out).
   */
  private void locations(Message<Object> message, WorkerExecutor executor) {
    reply(
        message,
        executor,
        () -> {
          if (!(message.body() instanceof JsonArray hashes)) {
            throw StorageRequests.failure(
                StorageFailure.BAD_REQUEST, "a JSON array of hex transaction hashes is expected");
          }
          JsonArray found = new JsonArray();
          for (Object hash : hashes) {
            String hex = String.valueOf(hash);
            byte[] txHash;
            try {
              txHash = HEX.parseHex(hex);
            } catch (IllegalArgumentException e) {
              throw StorageRequests.failure(StorageFailure.BAD_REQUEST, "not hex: " + hex);
            }
            store
                .transaction(txHash)
                .ifPresent(
                    at -> found.add(new JsonArray().add(hex).add(at.height()).add(at.position())));
          }
          return found;
        });
  }

  /** The saved consensus state: {@code {state: bytes}}, or {@code {}} when none was saved. */
  private void consensusState(Message<Object> message) {
    reply(
        message,
        readers,
        () -> {
          JsonObject reply = new JsonObject();
          store.consensusState().ifPresent(state -> reply.put("state", state));
          return reply;
        });
  }

  /** Saves the consensus state (a byte array) durably. */
  private void saveConsensusState(Message<Object> message) {
    reply(
        message,
        writer,
        () -> {
          if (!(message.body() instanceof byte[] state)) {
            throw StorageRequests.failure(
                StorageFailure.BAD_REQUEST, "the consensus state must be a byte array");
          }
          store.saveConsensusState(state);
          return new JsonObject();
        });
  }

  private void receipt(Message<Object> message) {
    reply(
        message,
        readers,
        () -> {
          byte[] txHash = StorageRequests.hash(StorageRequests.object(message.body()), "txHash");
          TxLocation location =
              store
                  .transaction(txHash)
                  .orElseThrow(
                      () ->
                          StorageRequests.failure(
                              StorageFailure.NOT_FOUND, "no transaction " + HEX.formatHex(txHash)));
          return receiptOf(txHash, location);
        });
  }

  /**
   * The receipts of the final ones among a JSON array of hex transaction hashes (the client API's
   * batch after a block): each block is read and its transaction tree built once, however many of
   * its transactions are asked for.
   */
  private void receipts(Message<Object> message) {
    reply(
        message,
        readers,
        () -> {
          if (!(message.body() instanceof JsonArray hashes)) {
            throw StorageRequests.failure(
                StorageFailure.BAD_REQUEST, "a JSON array of hex transaction hashes is expected");
          }
          java.util.Map<Long, List<Located>> byHeight = new java.util.TreeMap<>();
          for (Object hash : hashes) {
            byte[] txHash;
            try {
              txHash = HEX.parseHex(String.valueOf(hash));
            } catch (IllegalArgumentException e) {
              throw StorageRequests.failure(StorageFailure.BAD_REQUEST, "not hex: " + hash);
            }
            store
                .transaction(txHash)
                .ifPresent(
                    location ->
                        byHeight
                            .computeIfAbsent(location.height(), h -> new java.util.ArrayList<>())
                            .add(new Located(txHash, location)));
          }
          Receipts.Builder receipts = Receipts.newBuilder();
          byHeight.values().forEach(block -> receipts.addAllReceipts(receiptsOf(block)));
          return receipts.build();
        });
  }

  private record Located(byte[] txHash, TxLocation location) {}

  private Receipt receiptOf(byte[] txHash, TxLocation location) {
    List<Receipt> receipts = receiptsOf(List.of(new Located(txHash, location)));
    if (receipts.isEmpty()) {
      throw StorageRequests.failure(
          StorageFailure.NOT_FOUND,
          "no block " + location.height() + " for " + HEX.formatHex(txHash));
    }
    return receipts.get(0);
  }

  /**
   * Everything a client needs to check its transaction's finality against the validator set: the
   * block's certificate, the transaction's place under the tx root, and, once a block of the same
   * epoch follows it, the block's place in the ledger tree whose root that later block's header
   * commits to (the anchor: the tip, or the epoch's last block; its certificate proves that root).
   */
  private List<Receipt> receiptsOf(List<Located> sameBlock) {
    long height = sameBlock.get(0).location().height();
    java.util.Optional<FinalizedBlock> stored = store.block(height);
    if (stored.isEmpty()) {
      return List.of(); // indexed but not held (cannot happen in one store): no receipt, no failure
    }
    FinalizedBlock block = stored.get();
    List<byte[]> txHashes =
        block.getBlock().getTransactionsList().stream().map(LedgerHashes::transaction).toList();
    MerkleTree txTree = MerkleTree.of(txHashes);
    // The anchor is certified by the same validators as the block: one of the block's own epoch
    // (a receipt is checked against one validator set; the set may change at an epoch's end).
    long epochEnd = guard == null ? Long.MAX_VALUE : guard.epochEnd(height);
    long anchorHeight = Math.min(store.tip().size() - 1, epochEnd);
    Receipt.Builder common =
        Receipt.newBuilder()
            .setHeight(height)
            .setBlockHeader(block.getBlock().getHeader())
            .setCertificate(block.getCertificate());
    if (anchorHeight > height) {
      FinalizedBlock anchor = store.block(anchorHeight).orElseThrow();
      common
          .setAnchor(anchor.toBuilder().setBlock(anchor.getBlock().toBuilder().clearTransactions()))
          .setBlockInclusion(
              inclusion(height, anchorHeight, store.inclusionProof(height, anchorHeight)))
          .setLedgerTreeSize(anchorHeight)
          .setLedgerRoot(ByteString.copyFrom(store.rootAt(anchorHeight)));
    }
    List<Receipt> receipts = new java.util.ArrayList<>(sameBlock.size());
    for (Located located : sameBlock) {
      int position = located.location().position();
      receipts.add(
          common
              .clone()
              .setTxHash(ByteString.copyFrom(located.txHash()))
              .setPosition(position)
              .setTxInclusion(
                  inclusion(
                      position, txTree.size(), txTree.inclusionProof(position, txTree.size())))
              .build());
    }
    return receipts;
  }

  private void proof(Message<Object> message) {
    reply(
        message,
        readers,
        () -> {
          JsonObject request = StorageRequests.object(message.body());
          long height = StorageRequests.nonNegative(request, "height");
          long size =
              request.containsKey("treeSize")
                  ? StorageRequests.nonNegative(request, "treeSize")
                  : store.tip().size();
          return new JsonObject()
              .put("leafIndex", height)
              .put("treeSize", size)
              .put("path", hexArray(store.inclusionProof(height, size)))
              .put("root", HEX.formatHex(store.rootAt(size)));
        });
  }

  private void consistency(Message<Object> message) {
    reply(
        message,
        readers,
        () -> {
          JsonObject request = StorageRequests.object(message.body());
          long oldSize = StorageRequests.nonNegative(request, "oldSize");
          long newSize = StorageRequests.nonNegative(request, "newSize");
          return new JsonObject()
              .put("oldSize", oldSize)
              .put("newSize", newSize)
              .put("path", hexArray(store.consistencyProof(oldSize, newSize)))
              .put("oldRoot", HEX.formatHex(store.rootAt(oldSize)))
              .put("newRoot", HEX.formatHex(store.rootAt(newSize)));
        });
  }

  private JsonObject status() {
    var status = store.status();
    return tipJson(status.tip())
        .put("mapSize", status.mapSize())
        .put("maxMapSize", status.maxMapSize())
        .put("bytesOnDisk", status.bytesOnDisk())
        .put("formatVersion", status.formatVersion());
  }

  private void snapshot(Message<Object> message) {
    reply(
        message,
        readers,
        () -> {
          JsonObject request = StorageRequests.object(message.body());
          if (!(request.getValue("dir") instanceof String dir)) {
            throw StorageRequests.failure(StorageFailure.BAD_REQUEST, "\"dir\" must name a folder");
          }
          SnapshotManifest manifest = Snapshots.snapshot(store, Path.of(dir));
          return manifest.toJson();
        });
  }

  /** A snapshot for a validator far behind: see {@link SnapshotOffers#offer}. */
  private void snapshotOffer(Message<Object> message) {
    replyWith(message, offers.offer(store));
  }

  /** {@code {id, index}}: one chunk of an offered snapshot, as a buffer. */
  private void snapshotChunk(Message<Object> message) {
    Future<io.vertx.core.buffer.Buffer> chunk;
    try {
      chunk = offers.chunk(StorageRequests.object(message.body()));
    } catch (RuntimeException e) {
      chunk = Future.failedFuture(e);
    }
    replyWith(message, chunk);
  }

  /**
   * {@code {bytes}}: a new empty folder where consensus receives a snapshot of that many bytes,
   * once there is room for it and the store rebuilt from it.
   */
  private void snapshotStaging(Message<Object> message) {
    long bytes;
    try {
      bytes = StorageRequests.nonNegative(StorageRequests.object(message.body()), "bytes");
    } catch (RuntimeException e) {
      replyWith(message, Future.failedFuture(e));
      return;
    }
    if (installing.get() || guardAhead || store == null || store.tip().size() != 0) {
      replyWith(
          message,
          Future.failedFuture(
              StorageRequests.failure(
                  StorageFailure.BAD_REQUEST,
                  "no snapshot can be received now: "
                      + (installing.get()
                          ? "an install is running"
                          : "the ledger is not empty or not open")
                      + (guardAhead ? " (a failed install needs a restart)" : ""))));
      return;
    }
    replyWith(
        message,
        offers.stagingFolder(bytes).map(dir -> new JsonObject().put("dir", dir.toString())));
  }

  /** How long the child JVM may take to rebuild the store of a snapshot of {@code bytes}. */
  static long rebuildSeconds(long bytes) {
    return 600 + bytes / (4L << 20);
  }

  /**
   * An upper bound on an install of a snapshot of {@code bytes} (file checks, rebuild, guard): what
   * a caller waits for its reply.
   */
  public static long installBoundMillis(long bytes) {
    return 1_000 * (2 * rebuildSeconds(bytes) + 600);
  }

  private final java.util.concurrent.atomic.AtomicBoolean installing =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * {@code {dir, tipBlock}}: installs the snapshot consensus received in {@code dir} (a staging
   * folder) into this ledger, which must be empty; {@code tipBlock} is the snapshot's last block as
   * consensus checked it, certificate included. The snapshot's files are checked against its
   * manifest, its store is rebuilt from its blocks in a child JVM ({@link Snapshots#rebuildApart}),
   * the rebuilt last block must be {@code tipBlock} exactly, and the election's guard checks and
   * takes in every block; only then is the empty store swapped for the rebuilt one, under the lock
   * that keeps requests from meeting a closed store.
   */
  private void installSnapshot(Message<Object> message) {
    installing.set(true);
    replyWith(
        message,
        writer
            .executeBlocking(() -> install(message.body()), false)
            .onComplete(done -> installing.set(false)));
  }

  private JsonObject install(Object body) throws java.io.IOException {
    JsonObject request = StorageRequests.object(body);
    if (!(request.getValue("dir") instanceof String dir) || !offers.isStaging(Path.of(dir))) {
      throw StorageRequests.failure(
          StorageFailure.BAD_REQUEST, "\"dir\" must be a folder from snapshot-staging");
    }
    FinalizedBlock certified;
    try {
      certified = FinalizedBlock.parseFrom(request.getBinary("tipBlock"));
    } catch (RuntimeException | com.google.protobuf.InvalidProtocolBufferException e) {
      throw StorageRequests.failure(
          StorageFailure.BAD_REQUEST, "\"tipBlock\" must be a FinalizedBlock: " + e);
    }
    Path snapshot = Path.of(dir);
    Path rebuilt = snapshot.resolveSibling(snapshot.getFileName() + "-store");
    long start = System.nanoTime();
    long[] stepMs = new long[3];
    try {
      refuseIfGuardAhead();
      requireEmpty();
      SnapshotManifest manifest = Snapshots.checkFiles(snapshot);
      long bytes = manifest.files().stream().mapToLong(SnapshotManifest.FileEntry::bytes).sum();
      LedgerTip tip =
          Snapshots.rebuildApart(snapshot, rebuilt, options.maxMapSize(), rebuildSeconds(bytes));
      SnapshotOffers.deleteRecursively(snapshot); // at once: the disk holds two copies until now
      stepMs[0] = lap(start);
      byte[] certifiedHash = LedgerHashes.block(certified.getBlock());
      if (!java.util.Arrays.equals(tip.tipHash(), certifiedHash)) {
        throw StorageRequests.failure(
            StorageFailure.INVALID_SNAPSHOT,
            "the snapshot ends at block "
                + HEX.formatHex(tip.tipHash())
                + ", not at the certified "
                + HEX.formatHex(certifiedHash));
      }
      try (BlockStore candidate =
          BlockStore.open(
              StoreOptions.at(rebuilt)
                  .withMapSizes(StoreOptions.DEFAULT_INITIAL_MAP_SIZE, options.maxMapSize()))) {
        if (!candidate.block(tip.size() - 1).orElseThrow().equals(certified)) {
          throw StorageRequests.failure(
              StorageFailure.INVALID_SNAPSHOT,
              "the snapshot's last block carries another certificate than the one checked");
        }
        // From here the guard takes the snapshot's blocks in while the ledger is still empty: no
        // append may run until the swap has happened (or a restart rebuilds the guard).
        guardAhead = guard != null;
        guardChecks(candidate);
      }
      stepMs[1] = lap(start) - stepMs[0];
      storeSwap.writeLock().lock();
      try {
        requireEmpty();
        swapIn(rebuilt);
        guardAhead = false;
      } finally {
        storeSwap.writeLock().unlock();
      }
      stepMs[2] = lap(start) - stepMs[0] - stepMs[1];
    } finally {
      SnapshotOffers.deleteRecursively(snapshot);
      SnapshotOffers.deleteRecursively(rebuilt);
    }
    LOG.info(
        "node {} installed a snapshot of {} blocks: rebuilt and checked in {} ms, guard in {} ms,"
            + " swapped in {} ms",
        config.nodeId(),
        store.tip().size(),
        stepMs[0],
        stepMs[1],
        stepMs[2]);
    return tipJson(store.tip());
  }

  /**
   * The guard's rules (the election's seed proofs) on every block of a rebuilt snapshot, taking
   * each in. A refusal leaves the guard ahead of the (still empty) ledger ({@code guardAhead} stays
   * set): appends stop until a restart, since certified blocks the election refuses mean a bug, not
   * a peer's lie.
   */
  private void guardChecks(BlockStore candidate) {
    if (guard == null) {
      return;
    }
    for (long height = 0; height < candidate.tip().size(); height++) {
      FinalizedBlock block = candidate.block(height).orElseThrow();
      try {
        guard.check(block);
        guard.applied(block);
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "block " + height + " of a certified snapshot breaks this node's ledger rules: " + e,
            e);
      }
    }
  }

  private static long lap(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private void requireEmpty() {
    if (store == null || store.tip().size() != 0) {
      throw StorageRequests.failure(
          StorageFailure.BAD_REQUEST,
          "a snapshot installs only into an empty ledger; this one holds "
              + (store == null ? "an unknown number of" : store.tip().size())
              + " blocks");
    }
  }

  /**
   * Closes the empty store and opens the rebuilt one in its place (on the writer, under the write
   * lock). If that fails the ledger goes back to empty; if even that fails, no store is open and
   * every request says so until a restart.
   */
  private void swapIn(Path rebuilt) throws java.io.IOException {
    try {
      store.close();
      removeStoreFiles();
      Snapshots.place(rebuilt, storeDirectory(config));
      store = BlockStore.open(options);
    } catch (RuntimeException | java.io.IOException e) {
      store = null;
      try {
        removeStoreFiles();
        store = BlockStore.open(options);
      } catch (RuntimeException | java.io.IOException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
  }

  private void removeStoreFiles() throws java.io.IOException {
    Path directory = storeDirectory(config);
    java.nio.file.Files.deleteIfExists(directory.resolve("data.mdb"));
    java.nio.file.Files.deleteIfExists(directory.resolve("lock.mdb"));
  }

  private static <T> void replyWith(Message<Object> message, Future<T> result) {
    result.onComplete(
        done -> {
          if (done.succeeded()) {
            message.reply(done.result());
          } else {
            ReplyException failure = asFailure(done.cause());
            message.fail(failure.failureCode(), failure.getMessage());
          }
        });
  }

  @Override
  public Future<?> stop() {
    if (offers != null) {
      offers.close();
    }
    return writer
        .executeBlocking(
            () -> {
              if (store != null) {
                store.close();
              }
              return null;
            })
        .eventually(() -> writer.close())
        .eventually(() -> readers.close())
        .eventually(() -> consensusReads.close());
  }

  /** Runs {@code work} on {@code executor} and replies with its result or a documented failure. */
  private <T> void reply(Message<Object> message, WorkerExecutor executor, Callable<T> work) {
    replyWith(
        message,
        executor.executeBlocking(
            () -> {
              storeSwap.readLock().lock();
              try {
                if (store == null) {
                  throw StorageRequests.failure(
                      StorageFailure.STORE_ERROR,
                      "no ledger store is open after a failed snapshot install; restart the node");
                }
                return work.call();
              } finally {
                storeSwap.readLock().unlock();
              }
            },
            false));
  }

  private static ReplyException asFailure(Throwable cause) {
    if (cause instanceof ReplyException reply) {
      return reply;
    }
    if (cause instanceof InvalidBlockException invalid) {
      return StorageRequests.failure(
          StorageFailure.INVALID_BLOCK, invalid.rule() + ": " + invalid.getMessage());
    }
    if (cause instanceof StoreException store
        && (store.kind() == StoreException.Kind.FULL
            || store.kind() == StoreException.Kind.DISK_FULL)) {
      return StorageRequests.failure(StorageFailure.STORE_FULL, store.getMessage());
    }
    if (cause instanceof StoreException invalid
        && invalid.kind() == StoreException.Kind.SNAPSHOT_INVALID) {
      return StorageRequests.failure(StorageFailure.INVALID_SNAPSHOT, invalid.getMessage());
    }
    if (cause instanceof IllegalArgumentException bad) {
      return StorageRequests.failure(StorageFailure.BAD_REQUEST, bad.getMessage());
    }
    LOG.warn("storage request failed", cause);
    return StorageRequests.failure(StorageFailure.STORE_ERROR, String.valueOf(cause.getMessage()));
  }

  /**
   * The Merkle frontier of the ledger (on the writer, so it matches the tip): what a proposer
   * extends to compute the ledger roots of the blocks it builds.
   */
  private JsonObject frontier() {
    var frontier = store.frontier();
    JsonArray subtrees = new JsonArray();
    frontier.subtreeHashes().forEach(hash -> subtrees.add(HEX.formatHex(hash)));
    return tipJson(store.tip()).put("frontierSize", frontier.size()).put("subtrees", subtrees);
  }

  private static JsonObject tipJson(LedgerTip tip) {
    return new JsonObject()
        .put("size", tip.size())
        .put("tipHash", HEX.formatHex(tip.tipHash()))
        .put("ledgerRoot", HEX.formatHex(tip.ledgerRoot()));
  }

  private static JsonArray hexArray(List<byte[]> hashes) {
    JsonArray array = new JsonArray();
    hashes.forEach(hash -> array.add(HEX.formatHex(hash)));
    return array;
  }

  private static InclusionProof inclusion(long index, long size, List<byte[]> path) {
    InclusionProof.Builder proof =
        InclusionProof.newBuilder().setLeafIndex(index).setTreeSize(size);
    path.forEach(hash -> proof.addAuditPath(ByteString.copyFrom(hash)));
    return proof.build();
  }
}
