package io.swarmcore.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.node.SwarmCommand;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code swarm bench --multi-jvm --json}, short: four validators, one JVM each from the fat jar,
 * two open-loop rates in batches of five ({@code SubmitBatch}, waiting for finality), every figure
 * present and sane, and the plot written. Without {@code --multi-jvm} the bench runs the demo's
 * in-JVM cluster, which {@link DemoTest} runs.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class BenchTest {
  @TempDir Path dir;

  @Test
  void theBenchReportsEveryFigureForEachRate() throws Exception {
    boolean multiJvm = true;
    Path plot = dir.resolve("latency.png");
    List<String> args =
        new ArrayList<>(
            List.of(
                "bench",
                "--validators",
                "4",
                "--clients",
                "4",
                "--duration",
                "3s",
                "--warmup",
                "1s",
                "--open-loop",
                "50,100",
                "--batch",
                "5",
                "--json",
                "--plot",
                plot.toString()));
    if (multiJvm) {
      args.add("--multi-jvm");
      args.add("--node-jvm-args=-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
      System.setProperty(
          "swarm.jar", System.getProperty("swarm.jar", "../verticles/target/swarm.jar"));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        SwarmCommand.execute(
            new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
    String printed = out.toString().trim();
    assertThat(exit).as(printed + err).isZero();
    JsonObject report = new JsonObject(printed.substring(printed.lastIndexOf("\n") + 1));
    assertThat(report.getBoolean("multiJvm")).isEqualTo(multiJvm);
    assertThat(report.getJsonArray("runs")).hasSize(2);
    assertThat(report.getInteger("batch")).isEqualTo(5);
    for (int i = 0; i < 2; i++) {
      JsonObject run = report.getJsonArray("runs").getJsonObject(i);
      assertThat(run.getInteger("offeredRate")).isEqualTo(i == 0 ? 50 : 100);
      assertThat(run.getLong("finalized")).as(run.encode()).isPositive();
      assertThat(run.getLong("failed")).as(run.encode()).isZero();
      assertThat(run.getLong("skipped")).as("far below capacity: " + run.encode()).isZero();
      assertThat(run.getDouble("txPerSecond")).isPositive();
      assertThat(run.getDouble("p50Ms")).isPositive().isLessThanOrEqualTo(run.getDouble("p90Ms"));
      assertThat(run.getDouble("p99Ms"))
          .isGreaterThanOrEqualTo(run.getDouble("p90Ms"))
          .isLessThanOrEqualTo(run.getDouble("maxMs"));
      assertThat(run.getDouble("cpuSecondsPer1000Tx")).isPositive();
      assertThat(run.getDouble("validatorCpuSecondsPer1000Tx"))
          .isPositive()
          .isLessThanOrEqualTo(run.getDouble("cpuSecondsPer1000Tx"));
      assertThat(run.getDouble("fastPathShare")).isBetween(0.0, 1.0);
      assertThat(run.getLong("blocks")).isPositive();
      assertThat(run.getDouble("averageBlockSize")).isPositive();
      assertThat(run.getDouble("signatureChecksPerBlock")).isPositive();
    }
    assertThat(Files.size(plot)).isGreaterThan(1_000);
  }
}
