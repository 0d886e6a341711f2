package io.swarmcore.benchmark;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/** The runs of a bench as a table for people and as JSON for tools. */
final class BenchReport {
  private BenchReport() {}

  static String table(List<BenchResult> runs) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%-9s %9s %9s %8s %8s %8s %8s %7s %7s %9s %8s %7s%n",
            "offered",
            "tx/s",
            "final",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "max ms",
            "failed",
            "skipped",
            "cpu s/1k",
            "fast %",
            "tx/blk"));
    for (BenchResult run : runs) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-9s %9.1f %9d %8.1f %8.1f %8.1f %8.1f %7d %7d %9.3f %8.1f %7.1f%n",
              run.offeredRate() == 0 ? "closed" : Integer.toString(run.offeredRate()),
              run.txPerSecond(),
              run.finalized(),
              run.p50Ms(),
              run.p90Ms(),
              run.p99Ms(),
              run.maxMs(),
              run.failed(),
              run.skipped(),
              run.cpuSecondsPer1000Tx(),
              100 * run.fastPathShare(),
              run.averageBlockSize()));
    }
    return out.toString();
  }

  static JsonObject json(BenchOptions options, List<BenchResult> runs, String machine) {
    JsonArray array = new JsonArray();
    runs.forEach(run -> array.add(run.json()));
    return new JsonObject()
        .put("validators", options.validators())
        .put("multiJvm", options.multiJvm())
        .put("clients", options.clients())
        .put("inFlight", options.inFlight())
        .put("batch", options.batch())
        .put("txSize", options.txSize())
        .put("durationSeconds", options.duration().toMillis() / 1000.0)
        .put("warmUpSeconds", options.warmUp().toMillis() / 1000.0)
        .put("machine", machine)
        .put("runs", array);
  }

  /** What the numbers were measured on: cores, Java, operating system. */
  static String machine() {
    return Runtime.getRuntime().availableProcessors()
        + " cores, Java "
        + System.getProperty("java.version")
        + ", "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.arch");
  }
}
