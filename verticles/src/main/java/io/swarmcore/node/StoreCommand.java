package io.swarmcore.node;

import io.swarmcore.storage.BlockStore;
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

/** {@code swarm store inspect --data DIR}: reads a ledger store (also a live node's) read-only. */
@Command(
    name = "store",
    description = "Inspects ledger stores.",
    subcommands = {StoreCommand.Inspect.class})
final class StoreCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a subcommand: inspect");
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
      Path directory = data.resolve("data.mdb").toFile().exists() ? data : data.resolve("ledger");
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
}
