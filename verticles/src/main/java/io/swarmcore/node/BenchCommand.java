package io.swarmcore.node;

import io.swarmcore.benchmark.Bench;
import io.swarmcore.benchmark.BenchOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code swarm bench}: the end-to-end benchmark (docs/BENCHMARKS.md). Exit 0 when every run
 * finalized transactions and none failed, 1 otherwise.
 */
@Command(
    name = "bench",
    description =
        "Starts N validators on 127.0.0.1, drives them through their gRPC gateways and reports, per"
            + " run after a warm-up: final tx/s, latency from submission to final receipt (p50,"
            + " p90, p99, max; HdrHistogram), CPU seconds per 1,000 tx, fast-path share and average"
            + " block size. One closed-loop run, or one open-loop run per rate of --open-loop.")
final class BenchCommand implements Callable<Integer> {
  @Option(
      names = "--validators",
      defaultValue = "4",
      description = "n (default: ${DEFAULT-VALUE}).")
  int validators;

  @Option(
      names = "--multi-jvm",
      description = "One JVM per validator, started from this jar (default: all in this JVM).")
  boolean multiJvm;

  @Option(
      names = "--clients",
      defaultValue = "16",
      description =
          "gRPC client connections, spread over the validators (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(
      names = "--in-flight",
      defaultValue = "64",
      description =
          "Unanswered calls per client at most; the closed loop keeps this many going"
              + " (default: ${DEFAULT-VALUE}).")
  int inFlight;

  @Option(
      names = "--batch",
      defaultValue = "1",
      description =
          "Transactions per call: 1 submits each with Submit, more go together with SubmitBatch,"
              + " waiting for finality (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--tx-size",
      defaultValue = "128",
      description = "Bytes per serialized transaction (default: ${DEFAULT-VALUE}).")
  int txSize;

  @Option(
      names = "--duration",
      defaultValue = "20s",
      description = "Measured time of each run: 20s, 2m, 1500ms (default: ${DEFAULT-VALUE}).")
  String duration;

  @Option(
      names = "--warmup",
      defaultValue = "10s",
      description = "Unmeasured load before each run (default: ${DEFAULT-VALUE}).")
  String warmUp;

  @Option(
      names = "--open-loop",
      split = ",",
      paramLabel = "RATE",
      description =
          "Offered tx/s, one run per rate (a sweep: 1000,2000,4000); without it one closed-loop"
              + " run.")
  List<Integer> openLoop = new ArrayList<>();

  @Option(names = "--json", description = "Only the result, as one JSON object.")
  boolean json;

  @Option(
      names = "--plot",
      paramLabel = "FILE",
      description = "Writes latency against throughput, one point per run, as a PNG.")
  Path plot;

  @Option(
      names = "--node-jvm-args",
      paramLabel = "ARGS",
      description =
          "The validator JVMs' options with --multi-jvm (default: -Xms256m -Xmx512m"
              + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1).")
  String nodeJvmArgs;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    BenchOptions options;
    try {
      options =
          new BenchOptions(
              validators,
              multiJvm,
              clients,
              inFlight,
              batch,
              txSize,
              DurationOption.parse(
                  spec, "--duration", duration, Duration.ofSeconds(1), Duration.ofHours(1)),
              DurationOption.parse(spec, "--warmup", warmUp, Duration.ZERO, Duration.ofHours(1)),
              openLoop,
              Optional.ofNullable(plot),
              nodeJvmArgs == null
                  ? BenchOptions.DEFAULT_NODE_JVM_ARGS
                  : Arrays.asList(nodeJvmArgs.trim().split("\\s+")));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter progress = json ? new PrintWriter(new StringWriter()) : out;
    Bench.Report report;
    try (DemoLogging quiet = DemoLogging.quiet()) {
      report = new Bench(options, progress).runAndReport();
    }
    if (json) {
      out.println(report.json().encode());
    } else {
      out.println();
      out.print(report.table());
      out.println(report.json().getString("machine"));
      options.plot().ifPresent(file -> out.println("plot: " + file));
    }
    out.flush();
    return report.passed() ? 0 : 1;
  }
}
