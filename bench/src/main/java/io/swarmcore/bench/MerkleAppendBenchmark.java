package io.swarmcore.bench;

import io.swarmcore.crypto.Sha256;
import io.swarmcore.merkle.MerkleFrontier;
import io.swarmcore.merkle.MerkleHash;
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
import org.openjdk.jmh.annotations.Warmup;

/** Appending leaves to the in-memory Merkle frontier: leaves per second. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MerkleAppendBenchmark {
  private MerkleFrontier frontier;
  private byte[] leafHash;

  @Setup
  public void setUp() {
    frontier = new MerkleFrontier();
    leafHash = MerkleHash.leaf(Sha256.hash(new byte[] {1, 2, 3}));
  }

  /** One append of a precomputed leaf hash: the interior hashes it completes. */
  @Benchmark
  public int appendLeafHash() {
    return frontier.append(leafHash).size();
  }

  /** One append of a 32-byte block hash, the leaf hash included. */
  @Benchmark
  public int appendBlockHash() {
    return frontier.append(MerkleHash.leaf(leafHash)).size();
  }
}
