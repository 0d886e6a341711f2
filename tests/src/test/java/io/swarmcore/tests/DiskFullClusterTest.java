package io.swarmcore.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.tests.harness.ClusterHarness;
import io.swarmcore.tests.harness.ClusterProbe;
import io.swarmcore.tests.harness.Deadline;
import io.swarmcore.tests.harness.LedgerProbe;
import io.swarmcore.tests.harness.SteadyLoad;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Scenario 7 (docs/RELIABILITY.md): one validator's disk fills up in a running cluster. The full
 * disk is a file-size limit set on the running node JVM with {@code prlimit} (its writes past the
 * limit fail with EFBIG, as with ENOSPC). The node stops appending and halts consensus with a clear
 * error and /health DOWN, its ledger stays a prefix of the others', and the other three go on. When
 * the limit is lifted (space returns) it stores again, resumes and catches up by itself.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DiskFullClusterTest {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(DiskFullClusterTest.class);
  private static final Duration STARTUP = Duration.ofSeconds(150);
  private static final Duration DRAIN = Duration.ofSeconds(90);
  private static final String FULL = "node-d";

  private ClusterHarness cluster;
  private ClusterProbe probe;

  @AfterEach
  void stopEverything() {
    ClusterHarness.stop(probe, cluster);
  }

  @Test
  void aNodeWhoseDiskFillsStopsCleanlyAndResumesWhenSpaceReturns() throws Exception {
    cluster = ClusterHarness.startValidatorJvms("disk-full", 4, STARTUP);
    probe = ClusterProbe.join(cluster, STARTUP);
    LedgerProbe ledger = new LedgerProbe(probe);
    List<String> nodes = cluster.nodeIds();
    List<String> others = nodes.stream().filter(id -> !id.equals(FULL)).toList();
    Set<String> acknowledged = new HashSet<>(ledger.submit("warm-up", 0, 10));
    Deadline.await("a first block everywhere", DRAIN, () -> ledger.sameTip(nodes, 1));

    long pid = cluster.pid(FULL);
    Path data = cluster.dataDir(FULL).resolve("ledger").resolve("data.mdb");
    Path log = cluster.node(FULL).log();
    long limit = Math.max(Files.size(data), Files.size(log)) + (1L << 20);
    String hardLimit =
        command("prlimit", "--pid", Long.toString(pid), "--fsize", "--output=HARD", "--noheadings")
            .strip();
    // The soft limit only: lifting it again up to the hard one needs no privilege.
    command("prlimit", "--pid", Long.toString(pid), "--fsize=" + limit + ":");
    LOG.info("{}: files limited to {} bytes (data.mdb {} bytes)", FULL, limit, Files.size(data));

    // 8 KiB transactions: a few hundred fill the megabyte left.
    byte[] payload = new byte[8 * 1024];
    int nonce = 0;
    while (!ledger.consensus(FULL).getBoolean("halted") && nonce < 2_000) {
      acknowledged.add(ledger.submit("filler", nonce++, payload));
    }
    long haltedAt = System.nanoTime();
    assertThat(ledger.consensus(FULL).getBoolean("halted")).as(FULL + " halted").isTrue();
    assertThat(cluster.node(FULL).get("/health/storage").status())
        .as("/health/storage of " + FULL)
        .isEqualTo(503);
    String halt =
        Files.readAllLines(log).stream()
            .filter(line -> line.contains("could not store final blocks"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no halt message in " + log));
    assertThat(halt).contains("disk").contains("tries again");

    // The three others go on without it.
    SteadyLoad.Summary summary;
    try (SteadyLoad load = new SteadyLoad(probe, others.get(0))) {
      summary = load.run("while-full", 100, Duration.ofSeconds(5), DRAIN);
      acknowledged.addAll(load.acknowledged());
    }
    assertThat(ledger.consensus(FULL).getBoolean("halted")).as("still full").isTrue();
    long fullSize = ledger.storage(FULL).getLong("size");
    assertThat(ledger.storage(others.get(0)).getLong("size")).isGreaterThan(fullSize);
    assertThat(block(FULL, fullSize - 1))
        .as("its ledger is a prefix of the others'")
        .isEqualTo(block(others.get(0), fullSize - 1));

    long freedAt = System.nanoTime();
    command("prlimit", "--pid", Long.toString(pid), "--fsize=" + hardLimit + ":");
    Deadline.await(
        FULL + " to resume and catch up once space returns",
        DRAIN,
        () -> !ledger.consensus(FULL).getBoolean("halted") && ledger.sameTip(nodes, fullSize + 1));
    double resumeSeconds = (System.nanoTime() - freedAt) / 1e9;
    assertThat(cluster.node(FULL).get("/health/storage").status()).isEqualTo(200);
    assertThat(Files.readAllLines(log)).anyMatch(line -> line.contains("stores again"));

    List<String> chain = ledger.transactions(nodes.get(0), 0);
    assertThat(chain).as("no transaction twice").doesNotHaveDuplicates();
    assertThat(new HashSet<>(chain)).as("every acknowledged one final").containsAll(acknowledged);
    assertThat(ledger.receiptsNameTheChain(nodes, acknowledged)).isPositive();
    LOG.info(
        "{} halted at height {} after {} filler transactions; the others went on ({}); {} resumed"
            + " and caught up {} s after its limit was lifted ({} s after the halt); {}"
            + " acknowledged, lost 0, one chain",
        FULL,
        fullSize,
        nonce,
        summary,
        FULL,
        String.format("%.1f", resumeSeconds),
        String.format("%.1f", (freedAt - haltedAt) / 1e9),
        acknowledged.size());
  }

  private FinalizedBlock block(String node, long height) {
    return ClusterProbe.await(
            probe
                .vertx()
                .eventBus()
                .<FinalizedBlock>request(
                    "swarm.storage." + node + ".block", new JsonObject().put("height", height))
                .map(m -> m.body()),
            Duration.ofSeconds(10))
        .toBuilder()
        .clearCertificate() // each node keeps the votes it gathered
        .build();
  }

  /** Runs a command to its end; its output, or the test fails naming it. */
  private static String command(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.exitValue()).as("%s: %s", String.join(" ", command), output).isZero();
    return output;
  }
}
