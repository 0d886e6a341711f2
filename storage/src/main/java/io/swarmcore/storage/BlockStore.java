package io.swarmcore.storage;

import com.google.protobuf.InvalidProtocolBufferException;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.merkle.MerkleFrontier;
import io.swarmcore.merkle.MerkleHash;
import io.swarmcore.merkle.MerkleProofs;
import io.swarmcore.merkle.SubtreeSource;
import io.swarmcore.merkle.Subtrees;
import io.swarmcore.storage.StoreException.Kind;
import io.swarmcore.storage.core.BlockRules;
import io.swarmcore.storage.core.CheckedBlock;
import io.swarmcore.storage.core.InvalidBlockException;
import io.swarmcore.storage.core.InvalidBlockException.Rule;
import io.swarmcore.storage.core.LedgerTip;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.lmdbjava.ByteBufferProxy;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbNativeException;
import org.lmdbjava.PutFlags;
import org.lmdbjava.Txn;

/**
 * Finalized blocks in LMDB with their indexes and the ledger's RFC 9162 Merkle log.
 *
 * <p>Every append is one write transaction: the block, its hash and transaction indexes, the Merkle
 * subtrees it completes and the new tip all commit together or not at all, synced to disk unless
 * {@code noSync}. Reads use LMDB read transactions and never wait for a writer. Memory use does not
 * grow with the chain: the only ledger state held in memory is the Merkle frontier (at most 64
 * hashes). One writer at a time; any number of readers, on any threads.
 */
public final class BlockStore implements AutoCloseable {
  public static final int FORMAT_VERSION = 1;

  private static final int ENOSPC = 28;
  private static final int EFBIG = 27;
  private static final int EDQUOT = 122;
  private static final int EIO = 5;
  private static final long LOW_SPACE_BYTES = 256L << 20;
  private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

  private final StoreOptions options;
  private final Env<ByteBuffer> env;
  private final boolean readOnly;
  private final Path realDirectory;
  private final Table blocks;
  private final Table blockHeights;
  private final Table transactions;
  private final Table nodes;
  private final Table meta;

  /** Held (shared) by every transaction; taken exclusively to grow the map. */
  private final ReadWriteLock mapLock = new ReentrantReadWriteLock();

  private final Object writer = new Object();
  private final SubtreeCache subtrees = new SubtreeCache();
  private volatile LedgerTip tip;
  private MerkleFrontier frontier;

  private BlockStore(
      StoreOptions options, Env<ByteBuffer> env, boolean readOnly, Path realDirectory) {
    this.options = options;
    this.realDirectory = realDirectory;
    this.env = env;
    this.readOnly = readOnly;
    DbiFlags[] create = readOnly ? new DbiFlags[0] : new DbiFlags[] {DbiFlags.MDB_CREATE};
    this.blocks = new Table(env.openDbi("blocks", create));
    this.blockHeights = new Table(env.openDbi("block-heights", create));
    this.transactions = new Table(env.openDbi("transactions", create));
    this.nodes = new Table(env.openDbi("merkle-nodes", create));
    this.meta = new Table(env.openDbi("meta", create));
  }

  /** Opens (creating if needed) the store in {@code options.directory()}. */
  public static BlockStore open(StoreOptions options) {
    return open(options, false, false);
  }

  /**
   * Opens an existing store for reading only: a live node's store (with LMDB's lock file, so the
   * node may keep writing), or a snapshot copy ({@code noLock}: nothing is written to its folder).
   */
  public static BlockStore openReadOnly(Path directory, boolean noLock) {
    if (!Files.isRegularFile(directory.resolve("data.mdb"))) {
      throw new StoreException(
          Kind.UNSUPPORTED_FORMAT, directory + " holds no store (no data.mdb)");
    }
    return open(StoreOptions.at(directory).withMapSizes(1 << 20, 1L << 40), true, noLock);
  }

  private static BlockStore open(StoreOptions options, boolean readOnly, boolean noLock) {
    Path directory;
    try {
      Files.createDirectories(options.directory());
      directory = options.directory().toRealPath();
    } catch (IOException e) {
      throw new StoreException(Kind.IO, "cannot create " + options.directory() + ": " + e, e);
    }
    // LMDB forbids opening one environment twice in a process: it would corrupt its locks.
    if (!OPEN.add(directory)) {
      throw new StoreException(
          Kind.IO, "the store in " + directory + " is already open in this process");
    }
    try {
      return openEnvironment(options, readOnly, noLock, directory);
    } catch (RuntimeException e) {
      OPEN.remove(directory);
      throw e;
    }
  }

  private static BlockStore openEnvironment(
      StoreOptions options, boolean readOnly, boolean noLock, Path directory) {
    List<EnvFlags> flags = new ArrayList<>(List.of(EnvFlags.MDB_NOTLS));
    if (options.noSync()) {
      flags.add(EnvFlags.MDB_NOSYNC);
    }
    if (readOnly) {
      flags.add(EnvFlags.MDB_RDONLY_ENV);
    }
    if (noLock) {
      flags.add(EnvFlags.MDB_NOLOCK);
    }
    Env<ByteBuffer> env;
    try {
      env =
          Env.create(ByteBufferProxy.PROXY_OPTIMAL)
              .setMapSize(options.initialMapSize())
              .setMaxDbs(5)
              .setMaxReaders(256)
              .open(options.directory().toFile(), flags.toArray(EnvFlags[]::new));
    } catch (LmdbNativeException e) {
      throw translate("cannot open the store in " + options.directory(), e, options.directory());
    }
    BlockStore store;
    try {
      store = new BlockStore(options, env, readOnly, directory);
      store.initialize();
    } catch (RuntimeException e) {
      env.close();
      throw e;
    }
    return store;
  }

  private void initialize() {
    try (Txn<ByteBuffer> txn = readOnly ? env.txnRead() : env.txnWrite()) {
      byte[] format = meta.get(txn, Keys.META_FORMAT);
      if (format == null && readOnly) {
        throw new StoreException(
            Kind.UNSUPPORTED_FORMAT, options.directory() + " is not a Swarm store (no format)");
      }
      if (format == null) {
        meta.put(txn, Keys.META_FORMAT, Keys.integer(FORMAT_VERSION));
        LedgerTip empty = LedgerTip.empty();
        writeTip(txn, empty);
        txn.commit();
      } else if (ByteBuffer.wrap(format).getInt() != FORMAT_VERSION) {
        throw new StoreException(
            Kind.UNSUPPORTED_FORMAT,
            options.directory()
                + " holds store format "
                + ByteBuffer.wrap(format).getInt()
                + "; this build reads format "
                + FORMAT_VERSION);
      }
    }
    try (Txn<ByteBuffer> txn = env.txnRead()) {
      tip = readTip(txn);
      frontier = MerkleFrontier.restore(tip.size(), source(txn));
      subtrees.edge(frontier);
    }
  }

  /**
   * Refuses, before anything is written, blocks that would not fit: in the map up to its configured
   * maximum, or on the disk. A caller whose own state moves with each block (the election) asks
   * this first, so that a full store leaves it in step with the ledger and a later append can
   * succeed once there is room. Conservative: it counts {@link #ROOM_FACTOR} times the blocks'
   * bytes plus {@link #ROOM_SLACK_BYTES} (indexes, tree nodes, page splits).
   *
   * @throws StoreException FULL or DISK_FULL naming what is missing
   */
  public void ensureRoom(long blockBytes) {
    long needed = ROOM_FACTOR * blockBytes + ROOM_SLACK_BYTES;
    var info = env.info();
    long used = (info.lastPageNumber + 1) * env.stat().pageSize;
    if (used + needed > options.maxMapSize()) {
      throw new StoreException(
          Kind.FULL,
          "the store in "
              + options.directory()
              + " has no room for "
              + blockBytes
              + " more bytes of blocks: "
              + used
              + " of its configured maximum of "
              + options.maxMapSize()
              + " bytes are used; raise the maximum (storage.maxMapSizeBytes) or move the ledger"
              + " to a larger store");
    }
    long usable;
    try {
      usable = Files.getFileStore(options.directory()).getUsableSpace();
    } catch (IOException e) {
      return; // unknown: the append itself reports a full disk
    }
    long fileBytes;
    try {
      fileBytes = Files.size(options.directory().resolve("data.mdb"));
    } catch (IOException e) {
      fileBytes = used;
    }
    long growth = Math.max(0, used + needed - fileBytes);
    if (growth > usable) {
      throw new StoreException(
          Kind.DISK_FULL,
          "the disk holding "
              + options.directory()
              + " has "
              + usable
              + " bytes free, and the next blocks may need "
              + growth
              + "; free disk space");
    }
  }

  /** See {@link #ensureRoom}. */
  public static final int ROOM_FACTOR = 2;

  public static final long ROOM_SLACK_BYTES = 1L << 20;

  /** Checks and appends one block. */
  public LedgerTip append(FinalizedBlock block) {
    return appendAll(List.of(block));
  }

  /**
   * Checks and appends blocks in one write transaction (group commit): all of them or none. Each
   * block must extend the one before it.
   *
   * @throws InvalidBlockException naming the first block that breaks a rule; nothing is written
   * @throws StoreException FULL or DISK_FULL when there is no room; nothing is written
   */
  public LedgerTip appendAll(List<FinalizedBlock> batch) {
    if (readOnly) {
      throw new IllegalStateException("the store in " + options.directory() + " is open read-only");
    }
    synchronized (writer) {
      while (true) {
        MerkleFrontier next = frontier.copy();
        LedgerTip nextTip = tip;
        List<CheckedBlock> checked = new ArrayList<>(batch.size());
        for (FinalizedBlock block : batch) {
          CheckedBlock ok = BlockRules.check(block, nextTip, options.limits());
          checked.add(ok);
          next.append(MerkleHash.leaf(ok.blockHash()));
          nextTip = new LedgerTip(nextTip.size() + 1, ok.blockHash(), next.root());
        }
        mapLock.readLock().lock();
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
          MerkleFrontier replay = frontier.copy();
          for (CheckedBlock block : checked) {
            write(txn, block, replay);
          }
          writeTip(txn, nextTip);
          txn.commit();
          frontier = next;
          subtrees.edge(next);
          tip = nextTip;
          return nextTip;
        } catch (Env.MapFullException full) {
          // fall through to grow the map, then retry the whole batch
        } catch (LmdbNativeException e) {
          throw translate("cannot append at height " + tip.size(), e);
        } finally {
          mapLock.readLock().unlock();
        }
        growMap();
      }
    }
  }

  private void write(Txn<ByteBuffer> txn, CheckedBlock block, MerkleFrontier replay) {
    long height = block.height();
    blocks.put(txn, Keys.height(height), block.finalized(), PutFlags.MDB_APPEND);
    // Headers carry their height, so two blocks never share a hash.
    blockHeights.put(txn, block.blockHash(), Keys.height(height));
    List<byte[]> txHashes = block.txHashes();
    for (int position = 0; position < txHashes.size(); position++) {
      if (!transactions.put(
          txn,
          txHashes.get(position),
          Keys.txLocation(height, position),
          PutFlags.MDB_NOOVERWRITE)) {
        TxLocation earlier = location(transactions.get(txn, txHashes.get(position)));
        throw new InvalidBlockException(
            Rule.DUPLICATE_TRANSACTION,
            "transaction "
                + position
                + " of block "
                + height
                + " is already in the ledger at height "
                + earlier.height()
                + ", position "
                + earlier.position());
      }
    }
    for (MerkleFrontier.Node node : replay.append(MerkleHash.leaf(block.blockHash()))) {
      nodes.put(txn, Keys.node(node.level(), node.index()), node.hash(), PutFlags.MDB_APPEND);
    }
  }

  private void growMap() {
    long current = env.info().mapSize;
    if (current >= options.maxMapSize()) {
      throw new StoreException(
          Kind.FULL,
          "the store in "
              + options.directory()
              + " is full: its map reached the configured maximum of "
              + options.maxMapSize()
              + " bytes; raise the maximum or move the ledger to a larger store");
    }
    long grown = Math.min(options.maxMapSize(), Math.max(current * 2, current + (1L << 20)));
    mapLock.writeLock().lock();
    try {
      env.setMapSize(grown);
    } catch (LmdbNativeException e) {
      throw translate("cannot grow the map to " + grown + " bytes", e);
    } finally {
      mapLock.writeLock().unlock();
    }
  }

  /** The ledger's current end. */
  public LedgerTip tip() {
    return tip;
  }

  /**
   * A copy of the ledger tree's frontier, matching {@link #tip()} when no append runs: what a
   * proposer needs to build several blocks ahead (each header names the root before it).
   */
  public MerkleFrontier frontier() {
    synchronized (writer) {
      return frontier.copy();
    }
  }

  public Optional<FinalizedBlock> block(long height) {
    return read(
        txn -> Optional.ofNullable(blocks.get(txn, Keys.height(height))).map(BlockStore::parse));
  }

  /**
   * Consecutive blocks from {@code from}, as many as exist up to {@code maxCount}, stopping before
   * {@code maxBytes} of serialized blocks would be passed (but always at least one if any exists):
   * what a peer that catches up asks for.
   */
  public List<FinalizedBlock> blocks(long from, int maxCount, long maxBytes) {
    if (from < 0 || maxCount < 1 || maxBytes < 1) {
      throw new IllegalArgumentException(
          "a block range needs from ≥ 0, a count ≥ 1 and a byte budget ≥ 1");
    }
    return read(
        txn -> {
          List<FinalizedBlock> found = new ArrayList<>();
          long bytes = 0;
          for (long height = from; found.size() < maxCount; height++) {
            byte[] raw = blocks.get(txn, Keys.height(height));
            if (raw == null || (!found.isEmpty() && bytes + raw.length > maxBytes)) {
              break;
            }
            bytes += raw.length;
            found.add(parse(raw));
          }
          return found;
        });
  }

  /** The consensus state the node saved with {@link #saveConsensusState}, if any. */
  public Optional<byte[]> consensusState() {
    return read(txn -> Optional.ofNullable(meta.get(txn, Keys.META_CONSENSUS)));
  }

  /**
   * Saves the node's consensus state (view, stable checkpoint; opaque to the store) durably, so
   * that a restarted validator rejoins where it stood.
   */
  public void saveConsensusState(byte[] state) {
    if (readOnly) {
      throw new IllegalStateException("the store in " + options.directory() + " is open read-only");
    }
    synchronized (writer) {
      while (true) {
        mapLock.readLock().lock();
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
          meta.put(txn, Keys.META_CONSENSUS, state);
          txn.commit();
          return;
        } catch (Env.MapFullException full) {
          // fall through to grow the map, then retry
        } catch (LmdbNativeException e) {
          throw translate("cannot save the consensus state", e);
        } finally {
          mapLock.readLock().unlock();
        }
        growMap();
      }
    }
  }

  public Optional<FinalizedBlock> blockByHash(byte[] blockHash) {
    return read(
        txn ->
            Optional.ofNullable(blockHeights.get(txn, blockHash))
                .map(height -> parse(blocks.get(txn, height))));
  }

  /** Which of {@code txHashes} are in the ledger already (one read transaction). */
  public List<byte[]> knownTransactions(List<byte[]> txHashes) {
    return read(
        txn -> {
          List<byte[]> known = new ArrayList<>();
          for (byte[] hash : txHashes) {
            if (transactions.get(txn, hash) != null) {
              known.add(hash);
            }
          }
          return known;
        });
  }

  public Optional<TxLocation> transaction(byte[] txHash) {
    return read(
        txn -> Optional.ofNullable(transactions.get(txn, txHash)).map(BlockStore::location));
  }

  /** The root of the ledger tree when it held {@code size} blocks. */
  public byte[] rootAt(long size) {
    requireSize(size);
    return read(txn -> Subtrees.root(size, source(txn)));
  }

  /** Audit path of block {@code height} in the ledger tree of {@code treeSize} blocks. */
  public List<byte[]> inclusionProof(long height, long treeSize) {
    requireSize(treeSize);
    return read(txn -> MerkleProofs.inclusion(height, treeSize, source(txn)));
  }

  /** Proof that the ledger of {@code oldSize} blocks is a prefix of the one of {@code newSize}. */
  public List<byte[]> consistencyProof(long oldSize, long newSize) {
    requireSize(newSize);
    return read(txn -> MerkleProofs.consistency(oldSize, newSize, source(txn)));
  }

  public StoreStatus status() {
    long bytes;
    try {
      bytes = Files.size(options.directory().resolve("data.mdb"));
    } catch (IOException e) {
      bytes = -1;
    }
    return new StoreStatus(tip, env.info().mapSize, options.maxMapSize(), bytes, FORMAT_VERSION);
  }

  /** The LMDB environment, for {@link Snapshots}. */
  Env<ByteBuffer> env() {
    return env;
  }

  ReadWriteLock mapLock() {
    return mapLock;
  }

  /**
   * Forces every commit so far to disk: for a store opened with {@code noSync} whose contents
   * become durable at one point (a store rebuilt from a snapshot, synced once when complete).
   */
  public void sync() {
    synchronized (writer) {
      try {
        env.sync(true);
      } catch (LmdbNativeException e) {
        throw translate("cannot sync the store to disk", e);
      }
    }
  }

  @Override
  public void close() {
    synchronized (writer) {
      mapLock.writeLock().lock();
      try {
        if (!env.isClosed()) {
          env.close();
          OPEN.remove(realDirectory);
        }
      } finally {
        mapLock.writeLock().unlock();
      }
    }
  }

  private <T> T read(Function<Txn<ByteBuffer>, T> action) {
    mapLock.readLock().lock();
    try (Txn<ByteBuffer> txn = env.txnRead()) {
      return action.apply(txn);
    } catch (LmdbNativeException e) {
      throw translate("read failed", e);
    } finally {
      mapLock.readLock().unlock();
    }
  }

  private SubtreeSource source(Txn<ByteBuffer> txn) {
    return (level, index) -> {
      byte[] hash = subtrees.get(level, index);
      if (hash != null) {
        return hash;
      }
      hash = nodes.get(txn, Keys.node(level, index));
      if (hash == null) {
        throw new StoreException(
            Kind.IO, "the Merkle log lacks subtree level " + level + " index " + index);
      }
      subtrees.offer(level, index, hash);
      return hash;
    };
  }

  private void requireSize(long size) {
    long current = tip.size();
    if (size < 0 || size > current) {
      throw new IllegalArgumentException(
          "tree size " + size + " is beyond the ledger's " + current + " blocks");
    }
  }

  private LedgerTip readTip(Txn<ByteBuffer> txn) {
    return new LedgerTip(
        Keys.readLong(meta.get(txn, Keys.META_SIZE)),
        meta.get(txn, Keys.META_TIP),
        meta.get(txn, Keys.META_ROOT));
  }

  private void writeTip(Txn<ByteBuffer> txn, LedgerTip next) {
    meta.put(txn, Keys.META_SIZE, Keys.height(next.size()));
    meta.put(txn, Keys.META_TIP, next.tipHash());
    meta.put(txn, Keys.META_ROOT, next.ledgerRoot());
  }

  private static FinalizedBlock parse(byte[] bytes) {
    try {
      return FinalizedBlock.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new StoreException(Kind.IO, "a stored block does not parse: " + e.getMessage(), e);
    }
  }

  private static TxLocation location(byte[] value) {
    ByteBuffer buffer = ByteBuffer.wrap(value);
    return new TxLocation(buffer.getLong(), buffer.getInt());
  }

  StoreException translate(String what, LmdbNativeException e) {
    return translate(what, e, options.directory());
  }

  /**
   * A failed write: LMDB reports a full disk as ENOSPC or, when the write came up short, as EIO; a
   * file-size limit as EFBIG, a quota as EDQUOT. The message says how much room is left.
   */
  static StoreException translate(String what, LmdbNativeException e, Path directory) {
    int rc = e.getResultCode();
    if (rc != ENOSPC && rc != EFBIG && rc != EDQUOT && rc != EIO) {
      return new StoreException(Kind.IO, what + ": " + e.getMessage(), e);
    }
    long free = usableSpace(directory);
    String message =
        what
            + ": the disk refused the write ("
            + e.getMessage()
            + "; disk full, file size limit or quota, or a failing disk); "
            + (free < 0 ? "free space unknown" : (free >> 20) + " MiB free")
            + " where the store lives. Nothing was written; the store stays readable.";
    boolean full = rc != EIO || (free >= 0 && free < LOW_SPACE_BYTES);
    return new StoreException(full ? Kind.DISK_FULL : Kind.IO, message, e);
  }

  private static long usableSpace(Path directory) {
    try {
      return Files.getFileStore(directory).getUsableSpace();
    } catch (IOException e) {
      return -1;
    }
  }
}
