package io.swarmcore.bench;

import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.storage.BlockStore;
import io.swarmcore.storage.StoreOptions;
import io.swarmcore.storage.TestChain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable appends of 4 KiB blocks (one 4 KiB transaction each) in group commits of 100 and of 1000
 * blocks (one LMDB write transaction and one fsync each): blocks per second. Block checks (hashing,
 * tx root, ledger root) are part of every append, as on a replica.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
    })
public class StoreAppendBenchmark {
  /** A store and a chain extending it; each state builds its next batch outside the timing. */
  public abstract static class Ledger {
    private Path directory;
    BlockStore store;
    private TestChain chain;
    List<FinalizedBlock> batch;

    abstract int batchSize();

    @Setup(Level.Trial)
    public void open() throws IOException {
      Path base = Path.of(System.getProperty("bench.dir", "target")).toAbsolutePath();
      Files.createDirectories(base);
      directory = Files.createTempDirectory(base, "append-");
      store = BlockStore.open(StoreOptions.at(directory));
      chain = new TestChain(store);
    }

    @Setup(Level.Invocation)
    public void nextBatch() {
      batch = chain.batch(batchSize(), 1, 4096 - 32);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      store.close();
      try (var paths = Files.walk(directory)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  @State(Scope.Thread)
  public static class Batch100 extends Ledger {
    @Override
    int batchSize() {
      return 100;
    }
  }

  @State(Scope.Thread)
  public static class Batch1000 extends Ledger {
    @Override
    int batchSize() {
      return 1000;
    }
  }

  @Benchmark
  @OperationsPerInvocation(100)
  public long groupCommit100(Batch100 ledger) {
    return ledger.store.appendAll(ledger.batch).size();
  }

  @Benchmark
  @OperationsPerInvocation(1000)
  public long groupCommit1000(Batch1000 ledger) {
    return ledger.store.appendAll(ledger.batch).size();
  }
}
