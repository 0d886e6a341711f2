package io.swarmcore.benchmark;

import io.vertx.core.json.JsonObject;

/**
 * One measured run.
 *
 * @param offeredRate transactions a second offered (open loop), or 0 for a closed loop
 * @param finalized submissions of the window answered with a final receipt
 * @param failed submissions of the window refused or timed out
 * @param skipped open-loop submissions not started: the client already had its {@code inFlight}
 * @param cpuSecondsPer1000Tx CPU of the validators and the load generator per 1,000 final
 * @param validatorCpuSecondsPer1000Tx the validators' alone (equal to the above in one JVM)
 * @param fastPathShare finalizations on the fast path over all, summed over the validators
 * @param averageBlockSize final transactions per block of the window
 * @param signatureChecksPerBlock consensus signatures each validator checked per block
 */
public record BenchResult(
    int validators,
    boolean multiJvm,
    int clients,
    int batch,
    int txSize,
    int offeredRate,
    double seconds,
    long finalized,
    long failed,
    long skipped,
    double txPerSecond,
    double p50Ms,
    double p90Ms,
    double p99Ms,
    double maxMs,
    double cpuSecondsPer1000Tx,
    double validatorCpuSecondsPer1000Tx,
    double fastPathShare,
    long blocks,
    double averageBlockSize,
    double signatureChecksPerBlock) {

  public JsonObject json() {
    return new JsonObject()
        .put("validators", validators)
        .put("multiJvm", multiJvm)
        .put("clients", clients)
        .put("batch", batch)
        .put("txSize", txSize)
        .put("offeredRate", offeredRate == 0 ? null : offeredRate)
        .put("mode", offeredRate == 0 ? "closed-loop" : "open-loop")
        .put("seconds", round(seconds, 2))
        .put("finalized", finalized)
        .put("failed", failed)
        .put("skipped", skipped)
        .put("txPerSecond", round(txPerSecond, 1))
        .put("p50Ms", round(p50Ms, 2))
        .put("p90Ms", round(p90Ms, 2))
        .put("p99Ms", round(p99Ms, 2))
        .put("maxMs", round(maxMs, 2))
        .put("cpuSecondsPer1000Tx", round(cpuSecondsPer1000Tx, 4))
        .put("validatorCpuSecondsPer1000Tx", round(validatorCpuSecondsPer1000Tx, 4))
        .put("fastPathShare", round(fastPathShare, 4))
        .put("blocks", blocks)
        .put("averageBlockSize", round(averageBlockSize, 1))
        .put("signatureChecksPerBlock", round(signatureChecksPerBlock, 1));
  }

  private static double round(double value, int digits) {
    if (!Double.isFinite(value)) {
      return 0;
    }
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }
}
