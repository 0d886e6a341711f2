package io.swarmcore.tests;

import static io.swarmcore.tests.harness.SwarmCli.swarm;
import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.tests.harness.ClusterHarness;
import io.swarmcore.tests.harness.Deadline;
import io.swarmcore.tests.harness.FreePorts;
import io.swarmcore.tests.harness.NodeHandle;
import io.swarmcore.tests.harness.SwarmCli.Run;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the README tells an operator to do: {@code swarm init --tls} writes a four-validator chain,
 * {@code swarm node --conf} starts each validator in its own JVM, {@code swarm client} gets a
 * receipt that verifies offline against the written genesis. A node whose certificate another CA
 * signed joins Hazelcast but cannot exchange a single event-bus message, and both sides say so.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class InitClusterTest {
  private static final String TLS_FAILURE = "event-bus TLS handshake with cluster member";
  private final List<Process> processes = new ArrayList<>();

  @TempDir Path dir;

  @AfterEach
  void stopJvms() throws InterruptedException {
    processes.forEach(Process::destroy);
    for (Process process : processes) {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private NodeHandle startNode(String nodeId, Path conf, int httpPort, int clusterPort) {
    Path log = dir.resolve(nodeId + ".log");
    List<String> command =
        ClusterHarness.swarmJvmCommand(List.of("node", "--conf", conf.toString()));
    try {
      processes.add(
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    return new NodeHandle(nodeId, httpPort, clusterPort, log);
  }

  private static String log(NodeHandle node) {
    try {
      return Files.readString(node.log());
    } catch (IOException e) {
      return "";
    }
  }

  /** A sample's value from /metrics (Prometheus text), or -1 when the node does not show it. */
  private static double metric(NodeHandle node, String sample) {
    return node.get("/metrics")
        .body()
        .lines()
        .filter(line -> line.startsWith(sample + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(sample.length() + 1).trim()))
        .findFirst()
        .orElse(-1);
  }

  @Test
  void aTlsChainFromSwarmInitFinalizesAndANodeWithAForeignCertificateIsShutOutLoudly()
      throws Exception {
    int http = FreePorts.range(5);
    int grpc = FreePorts.range(5);
    int cluster = FreePorts.range(5);
    Path chain = dir.resolve("chain");
    Run init =
        swarm(
            "init",
            "--validators",
            "4",
            "--out",
            chain.toString(),
            "--tls",
            "--http-port",
            Integer.toString(http),
            "--grpc-port",
            Integer.toString(grpc),
            "--cluster-port",
            Integer.toString(cluster));
    assertThat(init.exit()).as(init.err()).isZero();

    List<NodeHandle> validators = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      validators.add(
          startNode(
              "node-" + i, chain.resolve("node-" + i + ".json"), http + i - 1, cluster + i - 1));
    }
    for (NodeHandle node : validators) {
      Deadline.await(
          node.nodeId()
              + " to verify its three peers over the TLS event bus (log: "
              + node.log()
              + ")",
          Duration.ofSeconds(120),
          () -> node.get("/health").status() == 200 && node.peers().size() == 3);
    }

    Path receipt = dir.resolve("receipt.bin");
    Run submitted =
        swarm(
            "client",
            "submit",
            "--target",
            "127.0.0.1:" + (grpc + 1),
            "--payload",
            "through init",
            "--wait",
            "--json",
            "--out",
            receipt.toString());
    assertThat(submitted.exit()).as(submitted.err()).isZero();
    String txHash = new JsonObject(submitted.out().trim()).getString("hash");
    Run verified =
        swarm(
            "verify",
            "receipt",
            "--validators",
            chain.resolve("genesis.json").toString(),
            "--receipt",
            receipt.toString(),
            "--tx-hash",
            txHash);
    assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();

    // What the dashboard reads. node-2 took the submission, so it timed its finalization.
    NodeHandle second = validators.get(1);
    Deadline.await(
        "node-2's metrics to show the finalized transaction",
        Duration.ofSeconds(30),
        () -> metric(second, "swarm_transactions_finalized_total") >= 1);
    assertThat(metric(second, "swarm_finalization_latency_seconds_count")).isEqualTo(1);
    assertThat(metric(second, "swarm_finalization_latency_seconds_bucket{le=\"+Inf\"}"))
        .isEqualTo(1);
    assertThat(metric(second, "swarm_storage_append_seconds_count")).isGreaterThanOrEqualTo(1);
    assertThat(metric(second, "swarm_quorum_reachable")).isEqualTo(1);
    assertThat(metric(second, "swarm_view_changes_total")).isGreaterThanOrEqualTo(0);
    assertThat(metric(second, "swarm_mempool_transactions")).isGreaterThanOrEqualTo(0);
    assertThat(metric(second, "swarm_sync_target_height")).isGreaterThanOrEqualTo(0);
    // Every Swarm metric the shipped dashboard queries is one the node exports.
    String dashboard = Files.readString(Path.of("../conf/grafana/swarm-dashboard.json"));
    String exported = second.get("/metrics").body();
    java.util.regex.Matcher names =
        java.util.regex.Pattern.compile("swarm_[a-z_]+").matcher(dashboard);
    while (names.find()) {
      assertThat(exported)
          .as("/metrics of node-2")
          .containsPattern("(?m)^" + names.group() + "[ {]");
    }
    assertThat(second.get("/health").body())
        .contains("\"id\":\"quorum\",\"status\":\"UP\"")
        .contains("\"writable\":true");

    // A node with a certificate from another CA, in the same Hazelcast cluster.
    Path other = dir.resolve("other");
    assertThat(swarm("init", "--validators", "1", "--out", other.toString(), "--tls").exit())
        .isZero();
    JsonObject rogue = new JsonObject(Files.readString(chain.resolve("node-4.json")));
    JsonObject foreign = new JsonObject(Files.readString(other.resolve("node-1.json")));
    rogue
        .put("nodeId", "rogue")
        .put("keyFile", foreign.getString("keyFile"))
        .put("dataDir", dir.resolve("rogue-data").toString())
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", http + 4))
        .put("grpc", new JsonObject().put("host", "127.0.0.1").put("port", grpc + 4));
    rogue.getJsonObject("cluster").put("port", cluster + 4);
    rogue
        .getJsonObject("cluster")
        .put("tls", foreign.getJsonObject("cluster").getJsonObject("tls"));
    Path rogueConf = dir.resolve("rogue.json");
    Files.writeString(rogueConf, rogue.encodePrettily());
    NodeHandle intruder = startNode("rogue", rogueConf, http + 4, cluster + 4);

    Deadline.await(
        "the node with the foreign certificate to log its TLS failure (" + intruder.log() + ")",
        Duration.ofSeconds(90),
        () -> log(intruder).contains(TLS_FAILURE));
    Deadline.await(
        "a validator to log its TLS failure with the foreign node",
        Duration.ofSeconds(60),
        () -> validators.stream().anyMatch(node -> log(node).contains(TLS_FAILURE)));
    assertThat(log(intruder)).contains("cluster.tls.caFile");
    // Vert.x's own stack trace per retry is replaced by the clear line.
    assertThat(log(intruder)).doesNotContain("PKIX path building failed");

    // Nothing the intruder sends is delivered: no validator ever verifies it, and the chain goes
    // on without it.
    Run again =
        swarm(
            "client",
            "submit",
            "--target",
            "127.0.0.1:" + grpc,
            "--payload",
            "with an intruder around",
            "--wait",
            "--json");
    assertThat(again.exit()).as(again.err()).isZero();
    for (NodeHandle node : validators) {
      assertThat(node.peers()).extracting(peer -> peer.getString("nodeId")).doesNotContain("rogue");
    }
    assertThat(intruder.peers()).isEmpty();
  }
}
