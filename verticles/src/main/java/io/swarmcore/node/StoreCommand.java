package io.swarmcore.node;

import io.swarmcore.storage.BlockStore;
import io.swarmcore.storage.SnapshotManifest;
import io.swarmcore.storage.Snapshots;
import io.swarmcore.storage.StoreException;
import io.swarmcore.storage.StoreStatus;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code swarm store inspect|snapshot|restore}: reads a ledger store (also a live node's)
 * read-only, backs it up as a checked snapshot, and restores one into a stopped node's data folder.
 */
@Command(
    name = "store",
    description = "Inspects, backs up and restores ledger stores.",
    subcommands = {
      StoreCommand.Inspect.class,
      StoreCommand.Snapshot.class,
      StoreCommand.Restore.class
    })
final class StoreCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "name a subcommand: inspect, snapshot or restore");
  }

  @Command(
      name = "inspect",
      description = "Prints height, tip hash, ledger root, size on disk and map size.")
  static final class Inspect implements Callable<Integer> {
    @Option(
        names = "--data",
        required = true,
        paramLabel = "DIR",
        description = "The store folder (a node's <dataDir>/ledger), or a node's dataDir.")
    Path data;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Path directory = storeFolder(data);
      StoreStatus status;
      try (BlockStore store = BlockStore.openReadOnly(directory, false)) {
        status = store.status();
      } catch (StoreException e) {
        spec.commandLine().getErr().println("swarm store inspect: " + e.getMessage());
        return 1;
      }
      HexFormat hex = HexFormat.of();
      JsonObject out =
          new JsonObject()
              .put("store", directory.toString())
              .put("blocks", status.tip().size())
              .put("height", status.tip().tipHeight())
              .put("tipHash", hex.formatHex(status.tip().tipHash()))
              .put("ledgerRoot", hex.formatHex(status.tip().ledgerRoot()))
              .put("bytesOnDisk", status.bytesOnDisk())
              .put("mapSize", status.mapSize())
              .put("formatVersion", status.formatVersion());
      if (json) {
        spec.commandLine().getOut().println(out.encodePrettily());
      } else {
        out.forEach(
            e -> spec.commandLine().getOut().printf("%-14s %s%n", e.getKey(), e.getValue()));
      }
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** A node's dataDir names its store as ledger/; a store folder names itself. */
  static Path storeFolder(Path data) {
    return data.resolve("data.mdb").toFile().exists() ? data : data.resolve("ledger");
  }

  /** A node's dataDir gets its store in ledger/; a folder named ledger is the store folder. */
  static Path restoreTarget(Path data) {
    Path name = data.toAbsolutePath().normalize().getFileName();
    return name != null && name.toString().equals("ledger") ? data : data.resolve("ledger");
  }

  @Command(
      name = "snapshot",
      description = {
        "Backs up a store, also a running node's: a compacting copy made in one read",
        "transaction, with a manifest (block count, tip hash, ledger root, SHA-256 of the file)."
      })
  static final class Snapshot implements Callable<Integer> {
    @Option(
        names = "--data",
        required = true,
        paramLabel = "DIR",
        description = "The store folder, or a node's dataDir.")
    Path data;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "Where the snapshot goes: a new or empty folder.")
    Path out;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (BlockStore store = BlockStore.openReadOnly(storeFolder(data), false)) {
        SnapshotManifest manifest = Snapshots.snapshot(store, out);
        spec.commandLine()
            .getOut()
            .printf(
                "snapshot of %d blocks (tip %s, ledger root %s) in %s%n",
                manifest.size(), manifest.tipHash(), manifest.ledgerRoot(), out);
        spec.commandLine().getOut().flush();
        return 0;
      } catch (StoreException e) {
        spec.commandLine().getErr().println("swarm store snapshot: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(
      name = "restore",
      description = {
        "Checks a snapshot (manifest, checksum, the copy's own tip and root) and installs it as",
        "the store of a stopped node. Refuses a data folder that holds a store already."
      })
  static final class Restore implements Callable<Integer> {
    @Option(
        names = "--snapshot",
        required = true,
        paramLabel = "DIR",
        description = "A folder written by swarm store snapshot.")
    Path snapshot;

    @Option(
        names = "--data",
        required = true,
        paramLabel = "DIR",
        description = "The node's dataDir (the store goes to DIR/ledger).")
    Path data;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try {
        Path target = restoreTarget(data);
        SnapshotManifest manifest = Snapshots.restore(snapshot, target);
        spec.commandLine()
            .getOut()
            .printf(
                "restored %d blocks (ledger root %s) into %s; start the node: it catches up"
                    + " from its peers%n",
                manifest.size(), manifest.ledgerRoot(), target);
        spec.commandLine()
            .getOut()
            .println(
                "This node no longer knows in which views it proposed after the snapshot: restore"
                    + " at most f validators this way at a time (docs/OPERATIONS.md).");
        spec.commandLine().getOut().flush();
        return 0;
      } catch (StoreException e) {
        spec.commandLine().getErr().println("swarm store restore: " + e.getMessage());
        return 1;
      }
    }
  }
}
