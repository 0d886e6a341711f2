package io.swarmcore.node;

import io.swarmcore.demo.Demo;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code swarm demo}: a local chain in this JVM under load, then its checks (docs/DEMO in the
 * README). Exit 0 when a receipt verified and no validator diverged, 1 otherwise.
 */
@Command(
    name = "demo",
    description =
        "Starts N validators on 127.0.0.1 in this JVM (clustered Vert.x, real Hazelcast, a"
            + " temporary folder), submits load through their gRPC gateways with a live progress"
            + " line, then verifies a receipt offline and checks that every validator holds the"
            + " same chain.")
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--validators",
      defaultValue = "4",
      description = "n (default: ${DEFAULT-VALUE}).")
  int validators;

  @Option(
      names = "--duration",
      defaultValue = "30s",
      description = "How long the load runs: 30s, 2m, 1500ms (default: ${DEFAULT-VALUE}).")
  String duration;

  @Option(
      names = "--rate",
      defaultValue = "200",
      description = "Transactions a second, open loop (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--byzantine",
      defaultValue = "none",
      description =
          "How the leader of the first view misbehaves: none, silent (sends nothing),"
              + " equivocate (conflicting proposals).")
  String byzantine;

  @Option(names = "--json", description = "Only the summary, as one JSON object.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (validators < 1 || validators > 16) {
      throw new ParameterException(spec.commandLine(), "--validators must be 1 to 16");
    }
    if (rate < 1 || rate > 100_000) {
      throw new ParameterException(spec.commandLine(), "--rate must be 1 to 100000");
    }
    Demo.Byzantine misbehaving;
    try {
      misbehaving = Demo.Byzantine.valueOf(byzantine.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "--byzantine must be none, silent or equivocate");
    }
    if (misbehaving != Demo.Byzantine.NONE && validators < 4) {
      throw new ParameterException(
          spec.commandLine(), "--byzantine needs at least 4 validators (n ≥ 3f + 1 with f = 1)");
    }
    PrintWriter out = spec.commandLine().getOut();
    Duration length =
        DurationOption.parse(
            spec, "--duration", duration, Duration.ofMillis(1), Duration.ofHours(1));
    Demo.Summary summary;
    try (DemoLogging quiet = DemoLogging.quiet()) {
      summary = new Demo(new Demo.Options(validators, length, rate, misbehaving, json), out).run();
    }
    if (json) {
      out.println(summary.json().encode());
    } else {
      out.println();
      summary.json().forEach(entry -> out.printf("%-18s %s%n", entry.getKey(), entry.getValue()));
      out.println(summary.passed() ? "PASSED" : "FAILED");
    }
    out.flush();
    return summary.passed() ? 0 : 1;
  }
}
