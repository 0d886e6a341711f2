package io.swarmcore.bench;

import io.swarmcore.storage.BlockStore;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An inclusion proof for a random block of a one-million-block ledger, read from LMDB (the OS page
 * cache warm): latency distribution, so JMH reports the median and the 99th percentile.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
    })
public class InclusionProofBenchmark {
  private BlockStore store;
  private final SplittableRandom random = new SplittableRandom(42);

  @Setup
  public void open() throws Exception {
    store = MillionBlockLedger.open();
  }

  /** At the current size (one million). */
  @Benchmark
  public List<byte[]> proofAtCurrentSize() {
    return store.inclusionProof(
        random.nextLong(MillionBlockLedger.BLOCKS), MillionBlockLedger.BLOCKS);
  }

  /** At a random past size: the ragged right edge of an old tree. */
  @Benchmark
  public List<byte[]> proofAtPastSize() {
    long size = 1 + random.nextLong(MillionBlockLedger.BLOCKS);
    return store.inclusionProof(random.nextLong(size), size);
  }

  @TearDown
  public void close() {
    store.close();
  }
}
