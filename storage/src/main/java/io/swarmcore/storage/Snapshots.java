package io.swarmcore.storage;

import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.storage.StoreException.Kind;
import io.swarmcore.storage.core.LedgerTip;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.lmdbjava.CopyFlags;
import org.lmdbjava.LmdbException;

/**
 * Consistent copies of a live store, and their checked restore.
 *
 * <p>A snapshot is LMDB's compacting copy, made inside one read transaction while appends go on,
 * plus a manifest read back from the copy itself (so the manifest describes exactly what was
 * copied). Restoring checks every file's length and checksum and the copy's own tip and Merkle root
 * against the manifest before anything is put in place.
 */
public final class Snapshots {
  static final String DATA_FILE = "data.mdb";

  private static final HexFormat HEX = HexFormat.of();

  private Snapshots() {}

  /** Writes a snapshot of {@code store} into {@code directory}, which must be absent or empty. */
  public static SnapshotManifest snapshot(BlockStore store, Path directory) {
    prepareEmpty(directory);
    store.mapLock().readLock().lock();
    try {
      store.env().copy(directory.toFile(), CopyFlags.MDB_CP_COMPACT);
    } catch (LmdbException e) {
      throw new StoreException(Kind.IO, "cannot copy the store into " + directory + ": " + e, e);
    } finally {
      store.mapLock().readLock().unlock();
    }
    LedgerTip tip;
    try (BlockStore copy = BlockStore.openReadOnly(directory, true)) {
      tip = copy.tip();
    }
    Path data = directory.resolve(DATA_FILE);
    SnapshotManifest manifest =
        new SnapshotManifest(
            BlockStore.FORMAT_VERSION,
            tip.size(),
            HEX.formatHex(tip.tipHash()),
            HEX.formatHex(tip.ledgerRoot()),
            List.of(
                new SnapshotManifest.FileEntry(DATA_FILE, size(data), FileHashes.sha256(data))));
    manifest.write(directory);
    return manifest;
  }

  /**
   * Checks a snapshot: the manifest, every file's length and checksum, and that the copy's tip,
   * last block and Merkle root agree with the manifest.
   *
   * @throws StoreException SNAPSHOT_INVALID saying what does not match
   */
  public static SnapshotManifest verify(Path directory) {
    SnapshotManifest manifest = checkFiles(directory);
    checkCopy(directory, manifest);
    return manifest;
  }

  /**
   * The manifest and every file's length and checksum, without opening the copy (plain file reads:
   * safe on a snapshot from elsewhere, whose LMDB file is only ever opened by {@link
   * #rebuildApart}).
   *
   * @throws StoreException SNAPSHOT_INVALID saying what does not match
   */
  public static SnapshotManifest checkFiles(Path directory) {
    SnapshotManifest manifest = SnapshotManifest.read(directory);
    if (manifest.format() != BlockStore.FORMAT_VERSION) {
      throw invalid(
          "snapshot format " + manifest.format() + " is not " + BlockStore.FORMAT_VERSION);
    }
    for (SnapshotManifest.FileEntry file : manifest.files()) {
      Path path = directory.resolve(file.name()).normalize();
      if (!path.getParent().equals(directory.normalize())) {
        throw invalid("manifest names a file outside the snapshot: " + file.name());
      }
      if (!Files.isRegularFile(path)) {
        throw invalid(file.name() + " is missing");
      }
      long bytes = size(path);
      if (bytes != file.bytes()) {
        throw invalid(
            file.name()
                + " is "
                + bytes
                + " bytes, the manifest says "
                + file.bytes()
                + " (truncated?)");
      }
      if (!FileHashes.sha256(path).equals(file.sha256())) {
        throw invalid(file.name() + " does not match its checksum (tampered or corrupted)");
      }
    }
    return manifest;
  }

  private static void checkCopy(Path directory, SnapshotManifest manifest) {
    try (BlockStore copy = BlockStore.openReadOnly(directory, true)) {
      LedgerTip tip = copy.tip();
      if (tip.size() != manifest.size()
          || !HEX.formatHex(tip.tipHash()).equals(manifest.tipHash())
          || !HEX.formatHex(tip.ledgerRoot()).equals(manifest.ledgerRoot())) {
        throw invalid("the copy's tip does not match the manifest");
      }
      if (!Arrays.equals(copy.rootAt(tip.size()), tip.ledgerRoot())) {
        throw invalid("the copy's Merkle log does not hash to its ledger root");
      }
      if (tip.size() > 0) {
        byte[] last = LedgerHashes.block(copy.block(tip.size() - 1).orElseThrow().getBlock());
        if (!Arrays.equals(last, tip.tipHash())) {
          throw invalid("the copy's last block is not its tip");
        }
      }
    } catch (StoreException e) {
      if (e.kind() == Kind.SNAPSHOT_INVALID) {
        throw e;
      }
      throw invalid("the copy cannot be read as a store: " + e.getMessage());
    } catch (RuntimeException e) {
      throw invalid("the copy cannot be read as a store: " + e);
    }
  }

  /**
   * Checks {@code snapshot} and installs it as the store in {@code dataDirectory}, which must not
   * hold a store already.
   */
  public static SnapshotManifest restore(Path snapshot, Path dataDirectory) {
    SnapshotManifest manifest = verify(snapshot);
    Path target = requireNoStore(dataDirectory, "restore");
    try {
      Files.createDirectories(dataDirectory);
      Path temp = dataDirectory.resolve(DATA_FILE + ".restoring");
      Files.copy(snapshot.resolve(DATA_FILE), temp, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new StoreException(Kind.IO, "cannot restore into " + dataDirectory + ": " + e, e);
    }
    return manifest;
  }

  /**
   * Rebuilds the store of a snapshot that came from elsewhere, in a child JVM ({@link
   * SnapshotRebuild}): its blocks are read from the copy and appended, each checked as any append
   * is (height, parent hash, header against body, tx root, ledger root, limits, no transaction
   * twice), into a new store in {@code output}. Nothing of the sender's file but its blocks
   * survives (its indexes, Merkle subtrees, database flags and page layout are never used), and a
   * crafted file that crashes LMDB costs only the child. Check {@link #checkFiles} first.
   *
   * @return the tip of the rebuilt store
   * @throws StoreException SNAPSHOT_INVALID naming the first block that breaks a rule, or when the
   *     child dies or runs out of time
   */
  public static LedgerTip rebuildApart(
      Path snapshot, Path output, long maxMapSize, long timeoutSeconds) {
    return SnapshotRebuild.run(snapshot, output, maxMapSize, timeoutSeconds);
  }

  /**
   * Moves the store {@link #rebuildApart} wrote in {@code staging} into {@code dataDirectory},
   * which must hold none (an atomic rename: a crash leaves either no store or the whole one), and
   * removes the staging folder.
   */
  public static void place(Path staging, Path dataDirectory) {
    Path target = requireNoStore(dataDirectory, "install a snapshot");
    try {
      Files.createDirectories(dataDirectory);
      Files.move(staging.resolve(DATA_FILE), target, StandardCopyOption.ATOMIC_MOVE);
      try (FileChannel folder = FileChannel.open(dataDirectory, StandardOpenOption.READ)) {
        folder.force(true); // the rename itself survives a power loss
      }
    } catch (IOException e) {
      throw new StoreException(Kind.IO, "cannot install into " + dataDirectory + ": " + e, e);
    }
    deleteQuietly(staging);
  }

  private static void deleteFolder(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (var paths = Files.walk(folder)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static void deleteQuietly(Path folder) {
    try {
      deleteFolder(folder);
    } catch (IOException ignored) {
      // Leftovers in a staging folder go with it at the next start.
    }
  }

  /** The data file a store in {@code dataDirectory} would have; refuses when there is one. */
  private static Path requireNoStore(Path dataDirectory, String what) {
    Path target = dataDirectory.resolve(DATA_FILE);
    if (Files.exists(target)) {
      throw new StoreException(
          Kind.IO, "refusing to " + what + " over the existing store in " + dataDirectory);
    }
    return target;
  }

  static void prepareEmpty(Path directory) {
    try {
      Files.createDirectories(directory);
      try (var entries = Files.list(directory)) {
        if (entries.findAny().isPresent()) {
          throw new StoreException(Kind.IO, directory + " is not empty");
        }
      }
    } catch (IOException e) {
      throw new StoreException(Kind.IO, "cannot prepare " + directory + ": " + e, e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new StoreException(Kind.IO, "cannot read " + file + ": " + e, e);
    }
  }

  private static StoreException invalid(String message) {
    return new StoreException(Kind.SNAPSHOT_INVALID, "invalid snapshot: " + message);
  }
}
