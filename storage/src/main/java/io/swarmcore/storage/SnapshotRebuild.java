package io.swarmcore.storage;

import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.storage.StoreException.Kind;
import io.swarmcore.storage.core.InvalidBlockException;
import io.swarmcore.storage.core.LedgerTip;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Rebuilds a store from the blocks of a snapshot that came from elsewhere, in a child JVM (see
 * {@link Snapshots#rebuildApart}). LMDB trusts the page structure of the files it maps, so a
 * crafted file could make it read outside the map and kill the process that opens it: only the
 * child ever opens the sender's file, and the node only opens the store the child wrote with its
 * own code.
 */
final class SnapshotRebuild {
  private static final HexFormat HEX = HexFormat.of();

  /** Blocks per group commit while rebuilding. */
  static final int BATCH_BLOCKS = 4_096;

  static final long BATCH_BYTES = 32L << 20;

  /** The child's exit code when its own deadline passed. */
  private static final int TIMED_OUT = 4;

  private SnapshotRebuild() {}

  /** Runs {@link #rebuild} in a child JVM and reads the tip it reports. */
  static LedgerTip run(Path snapshot, Path output, long maxMapSize, long timeoutSeconds) {
    Path log = output.toAbsolutePath().resolveSibling(output.getFileName() + ".log");
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:-CreateCoredumpOnCrash",
            "-XX:ErrorFile=" + log + ".hs_err",
            "-cp",
            System.getProperty("java.class.path"),
            SnapshotRebuild.class.getName(),
            snapshot.toAbsolutePath().toString(),
            output.toAbsolutePath().toString(),
            Long.toString(maxMapSize),
            Long.toString(timeoutSeconds));
    Process child;
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      // Nothing but this class's own line may end the output.
      builder.environment().remove("JAVA_TOOL_OPTIONS");
      child = builder.start();
    } catch (IOException e) {
      throw new StoreException(Kind.IO, "cannot start the snapshot rebuild: " + e, e);
    }
    try {
      if (!child.waitFor(timeoutSeconds + 10, TimeUnit.SECONDS)) {
        child.destroyForcibly().waitFor();
        throw invalid("its rebuild took longer than " + timeoutSeconds + " s");
      }
      String last = verdict(Files.readString(log, StandardCharsets.UTF_8));
      if (child.exitValue() == 0 && last.startsWith("ok ")) {
        String[] fields = last.split(" ");
        return new LedgerTip(
            Long.parseLong(fields[1]), HEX.parseHex(fields[2]), HEX.parseHex(fields[3]));
      }
      if (last.startsWith("invalid ")) {
        throw new StoreException(Kind.SNAPSHOT_INVALID, last.substring("invalid ".length()));
      }
      if (last.startsWith("local ")) {
        // This node's own trouble (disk full, memory), not the sender's: no other peer would do.
        String message = last.substring("local ".length());
        throw new StoreException(
            message.startsWith("FULL ") ? Kind.FULL : Kind.IO,
            "rebuilding a snapshot failed here: " + message);
      }
      throw invalid(
          "its rebuild process died (exit code "
              + child.exitValue()
              + (child.exitValue() == TIMED_OUT ? ", out of time" : ", a file that crashes LMDB?")
              + "): "
              + last);
    } catch (IOException e) {
      throw new StoreException(Kind.IO, "cannot read the snapshot rebuild's output: " + e, e);
    } catch (InterruptedException e) {
      child.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new StoreException(Kind.IO, "interrupted while rebuilding a snapshot", e);
    } finally {
      try {
        Files.deleteIfExists(log);
        Files.deleteIfExists(Path.of(log + ".hs_err"));
      } catch (IOException ignored) {
        // A leftover log in a staging folder is removed with the folder.
      }
    }
  }

  /**
   * Appends the blocks of the store in {@code snapshot}, from height 0 up to the size it claims,
   * into a new store in {@code output}, in group commits; every block is checked as any append is.
   *
   * @throws StoreException SNAPSHOT_INVALID naming the first block that is missing, does not parse
   *     or breaks a ledger rule
   */
  static LedgerTip rebuild(Path snapshot, Path output, long maxMapSize) {
    Snapshots.prepareEmpty(output);
    BlockStore copy;
    try {
      copy = BlockStore.openReadOnly(snapshot, true);
    } catch (RuntimeException e) {
      throw invalid("the snapshot cannot be read as a store: " + e.getMessage());
    }
    // Without a sync per group commit: the store becomes durable once, when complete, before
    // anyone uses it.
    try (copy;
        BlockStore rebuilt =
            BlockStore.open(
                StoreOptions.at(output)
                    .withMapSizes(StoreOptions.DEFAULT_INITIAL_MAP_SIZE, maxMapSize)
                    .withNoSync(true))) {
      long claimed = copy.tip().size();
      for (long from = 0; from < claimed; ) {
        List<FinalizedBlock> batch;
        try {
          batch = copy.blocks(from, BATCH_BLOCKS, BATCH_BYTES);
        } catch (RuntimeException e) {
          throw invalid("block " + from + " or one after it cannot be read: " + e.getMessage());
        }
        if (batch.isEmpty()) {
          throw invalid("block " + from + " is missing below the tip " + claimed + " it claims");
        }
        try {
          rebuilt.appendAll(batch);
        } catch (InvalidBlockException e) {
          throw invalid(
              "a block from height "
                  + from
                  + " on breaks a ledger rule: "
                  + e.rule()
                  + ": "
                  + e.getMessage());
        }
        from += batch.size();
      }
      rebuilt.sync();
      return rebuilt.tip();
    }
  }

  /**
   * The child: rebuilds {@code args[1]} from the snapshot in {@code args[0]} (map at most {@code
   * args[2]} bytes, within {@code args[3]} seconds) and prints one verdict line: {@code ok}, {@code
   * invalid} (the sender's fault) or {@code local} (this node's: disk, memory).
   */
  public static void main(String[] args) {
    long deadlineSeconds = Long.parseLong(args[3]);
    // Never outlive the node that started it, nor its own deadline.
    ProcessHandle.current()
        .parent()
        .ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(5)));
    Thread deadline =
        new Thread(
            () -> {
              try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(deadlineSeconds));
              } catch (InterruptedException e) {
                return;
              }
              Runtime.getRuntime().halt(TIMED_OUT);
            });
    deadline.setDaemon(true);
    deadline.start();
    try {
      LedgerTip tip = rebuild(Path.of(args[0]), Path.of(args[1]), Long.parseLong(args[2]));
      System.out.println(
          "ok "
              + tip.size()
              + " "
              + HEX.formatHex(tip.tipHash())
              + " "
              + HEX.formatHex(tip.ledgerRoot()));
      System.exit(0);
    } catch (StoreException e) {
      boolean senders = e.kind() == Kind.SNAPSHOT_INVALID;
      String message =
          (senders ? "invalid " : "local " + e.kind() + " ")
              + String.valueOf(e.getMessage()).replace('\n', ' ');
      System.out.println(message);
      System.exit(senders ? 3 : 6);
    } catch (OutOfMemoryError e) {
      System.out.println("local out of memory while rebuilding");
      System.exit(6);
    } catch (RuntimeException e) {
      System.out.println("local " + String.valueOf(e).replace('\n', ' '));
      System.exit(6);
    }
  }

  /** The last line the child printed as its verdict (anything else in the log is ignored). */
  private static String verdict(String output) {
    String[] lines = output.strip().split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      String line = lines[i].strip();
      if (line.startsWith("ok ") || line.startsWith("invalid ") || line.startsWith("local ")) {
        return line;
      }
    }
    return lines[lines.length - 1].strip();
  }

  private static StoreException invalid(String message) {
    return new StoreException(Kind.SNAPSHOT_INVALID, "invalid snapshot: " + message);
  }
}
