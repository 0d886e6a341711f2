package io.swarmcore.benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What {@code swarm bench} runs.
 *
 * @param validators n, 4 or 7 (any of 1 to 16 is accepted)
 * @param multiJvm each validator in its own JVM (started from this fat jar) instead of clustered
 *     Vert.x instances in this one
 * @param clients gRPC client connections, spread over the validators' gateways in turn
 * @param inFlight at most this many unanswered calls per client: the closed loop keeps this many
 *     going; the open loop counts the transactions of a call it cannot start as skipped
 * @param batch transactions per call: 1 submits each with {@code Submit}, more go together with
 *     {@code SubmitBatch} (waiting for finality)
 * @param txSize bytes of each serialized transaction, 64 or more
 * @param duration how long each measured run lasts
 * @param warmUp load before each measured run that is not counted
 * @param openLoopRates offered transactions a second, one run each (a sweep); empty: one
 *     closed-loop run
 * @param plot where to write the latency/throughput plot (PNG), if anywhere
 * @param nodeJvmArgs the node JVMs' options with {@code multiJvm}
 */
public record BenchOptions(
    int validators,
    boolean multiJvm,
    int clients,
    int inFlight,
    int batch,
    int txSize,
    Duration duration,
    Duration warmUp,
    List<Integer> openLoopRates,
    Optional<Path> plot,
    List<String> nodeJvmArgs) {
  /**
   * Four validator JVMs and the load on two cores: C2's compilations cost more CPU than they save
   * in a run of minutes (2,506 against 1,775 tx/s closed loop, n = 4, docs/BENCHMARKS.md).
   */
  public static final List<String> DEFAULT_NODE_JVM_ARGS =
      List.of("-Xms256m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  public BenchOptions {
    require(validators >= 1 && validators <= 16, "validators must be 1 to 16, got " + validators);
    require(clients >= 1 && clients <= 1_000, "clients must be 1 to 1000, got " + clients);
    require(inFlight >= 1 && inFlight <= 100_000, "in-flight must be 1 to 100000, got " + inFlight);
    require(batch >= 1 && batch <= 10_000, "batch must be 1 to 10000, got " + batch);
    // A client id and a nonce take up to 30 bytes: below 64 the size could not be kept.
    require(txSize >= 64 && txSize <= 65_536, "tx size must be 64 to 65536 bytes, got " + txSize);
    require(
        !duration.isNegative() && duration.toMillis() >= 1_000,
        "duration must be at least 1 s, got " + duration);
    require(!warmUp.isNegative(), "warm-up must not be negative, got " + warmUp);
    openLoopRates = List.copyOf(openLoopRates);
    for (int rate : openLoopRates) {
      require(rate >= 1 && rate <= 1_000_000, "open-loop rates must be 1 to 1000000, got " + rate);
    }
    nodeJvmArgs = List.copyOf(nodeJvmArgs);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
