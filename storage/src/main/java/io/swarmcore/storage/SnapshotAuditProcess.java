package io.swarmcore.storage;

import io.swarmcore.storage.StoreException.Kind;
import io.swarmcore.storage.core.LedgerTip;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link Snapshots#audit} on a snapshot from elsewhere in a child JVM. LMDB trusts the page
 * structure of the files it maps: a crafted file could make it read outside the map and kill the
 * process. In a child that costs only the child; the node refuses the snapshot and goes on. Once
 * the child has walked every table without harm, the node's own compacting copy (which walks the
 * same pages) writes the store afresh.
 */
public final class SnapshotAuditProcess {
  private static final HexFormat HEX = HexFormat.of();

  private SnapshotAuditProcess() {}

  /**
   * @return the tip the snapshot's blocks hash to
   * @throws StoreException SNAPSHOT_INVALID when the audit refuses the snapshot or its process dies
   */
  public static LedgerTip audit(Path snapshot, long timeoutSeconds) {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            SnapshotAuditProcess.class.getName(),
            snapshot.toAbsolutePath().toString());
    Path log = snapshot.toAbsolutePath().resolveSibling(snapshot.getFileName() + ".audit.log");
    Process child;
    try {
      child =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new StoreException(Kind.IO, "cannot start the snapshot audit process: " + e, e);
    }
    try {
      if (!child.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        child.destroyForcibly().waitFor();
        throw invalid("its audit took longer than " + timeoutSeconds + " s");
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
          "its audit process died (exit code "
              + child.exitValue()
              + ", a file that crashes LMDB?): "
              + last);
    } catch (IOException e) {
      throw new StoreException(Kind.IO, "cannot read the snapshot audit's output: " + e, e);
    } catch (InterruptedException e) {
      child.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new StoreException(Kind.IO, "interrupted while auditing a snapshot", e);
    } finally {
      try {
        Files.deleteIfExists(log);
      } catch (IOException ignored) {
        // A leftover log in a staging folder is removed with the folder.
      }
    }
  }

  private static String lastLine(String output) {
    String[] lines = output.strip().split("\n");
    return lines[lines.length - 1].strip();
  }

  private static StoreException invalid(String message) {
    return new StoreException(Kind.SNAPSHOT_INVALID, "invalid snapshot: " + message);
  }

  /**
   * The child: audits the snapshot in {@code args[0]} (its files checked by the parent) and prints
   * one line saying how it went.
   */
  public static void main(String[] args) {
    try {
      LedgerTip tip = Snapshots.auditContent(Path.of(args[0]));
      System.out.println(
          "ok "
              + tip.size()
              + " "
              + HEX.formatHex(tip.tipHash())
              + " "
              + HEX.formatHex(tip.ledgerRoot()));
      System.exit(0);
    } catch (StoreException e) {
      System.out.println("invalid " + e.getMessage().replace('\n', ' '));
      System.exit(3);
    }
  }
}
