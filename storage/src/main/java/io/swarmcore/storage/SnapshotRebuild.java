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
  static final int BATCH_BLOCKS = 16_384;

  static final long BATCH_BYTES = 128L << 20;

  private SnapshotRebuild() {}

  /** Runs {@link #rebuild} in a child JVM and reads the tip it reports. */
  static LedgerTip run(Path snapshot, Path output, long timeoutSeconds) {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            SnapshotRebuild.class.getName(),
            snapshot.toAbsolutePath().toString(),
            output.toAbsolutePath().toString(),
            Long.toString(timeoutSeconds));
    Path log = output.toAbsolutePath().resolveSibling(output.getFileName() + ".log");
    Process child;
    try {
      child =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new StoreException(Kind.IO, "cannot start the snapshot rebuild: " + e, e);
    }
    try {
      if (!child.waitFor(timeoutSeconds + 10, TimeUnit.SECONDS)) {
        child.destroyForcibly().waitFor();
        throw invalid("its rebuild took longer than " + timeoutSeconds + " s");
      }
      String last = lastLine(Files.readString(log, StandardCharsets.UTF_8));
      if (child.exitValue() == 0 && last.startsWith("ok ")) {
        String[] fields = last.split(" ");
        return new LedgerTip(
            Long.parseLong(fields[1]), HEX.parseHex(fields[2]), HEX.parseHex(fields[3]));
      }
      if (last.startsWith("invalid ")) {
        throw new StoreException(Kind.SNAPSHOT_INVALID, last.substring("invalid ".length()));
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
  static LedgerTip rebuild(Path snapshot, Path output) {
    Snapshots.prepareEmpty(output);
    try (BlockStore copy = BlockStore.openReadOnly(snapshot, true);
        // Without a sync per group commit: the store becomes durable once, when complete, before
        // anyone uses it.
        BlockStore rebuilt = BlockStore.open(StoreOptions.at(output).withNoSync(true))) {
      long claimed = copy.tip().size();
      for (long from = 0; from < claimed; ) {
        List<FinalizedBlock> batch;
        try {
          batch = copy.blocks(from, BATCH_BLOCKS, BATCH_BYTES);
        } catch (StoreException e) {
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

  private static final int TIMED_OUT = 4;

  /** The child: rebuilds {@code args[1]} from the snapshot in {@code args[0]}, prints one line. */
  public static void main(String[] args) {
    long deadlineSeconds = Long.parseLong(args[2]);
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
      LedgerTip tip = rebuild(Path.of(args[0]), Path.of(args[1]));
      System.out.println(
          "ok "
              + tip.size()
              + " "
              + HEX.formatHex(tip.tipHash())
              + " "
              + HEX.formatHex(tip.ledgerRoot()));
      System.exit(0);
    } catch (StoreException e) {
      String message =
          e.kind() == Kind.SNAPSHOT_INVALID
              ? e.getMessage()
              : "invalid snapshot: the snapshot cannot be read as a store: " + e.getMessage();
      System.out.println("invalid " + String.valueOf(message).replace('\n', ' '));
      System.exit(3);
    } catch (RuntimeException e) {
      System.out.println(
          "invalid the snapshot cannot be read as a store: "
              + String.valueOf(e).replace('\n', ' '));
      System.exit(3);
    }
  }

  private static String lastLine(String output) {
    String[] lines = output.strip().split("\n");
    return lines[lines.length - 1].strip();
  }

  private static StoreException invalid(String message) {
    return new StoreException(Kind.SNAPSHOT_INVALID, "invalid snapshot: " + message);
  }
}
