package io.swarmcore.bench;

import io.swarmcore.storage.BlockStore;
import io.swarmcore.storage.SnapshotManifest;
import io.swarmcore.storage.Snapshots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** A snapshot (compacting copy, checksum, manifest) of the one-million-block ledger: seconds. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
    })
public class SnapshotBenchmark {
  private BlockStore store;
  private Path target;

  @Setup(Level.Trial)
  public void open() throws Exception {
    store = MillionBlockLedger.open();
  }

  @Setup(Level.Invocation)
  public void target() throws IOException {
    target =
        Files.createTempDirectory(
            Path.of(System.getProperty("bench.dir", "target")).toAbsolutePath(), "snapshot-");
  }

  @Benchmark
  public SnapshotManifest snapshotMillionBlocks() {
    return Snapshots.snapshot(store, target);
  }

  @TearDown(Level.Invocation)
  public void removeSnapshot() throws IOException {
    try (var paths = Files.walk(target)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    store.close();
  }
}
