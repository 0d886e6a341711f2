package io.swarmcore.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.crypto.SigningKey;
import io.swarmcore.tests.harness.CertifiedChain;
import io.swarmcore.tests.harness.ClusterHarness;
import io.swarmcore.tests.harness.ClusterProbe;
import io.swarmcore.tests.harness.Deadline;
import io.swarmcore.tests.harness.LedgerProbe;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Four validator JVMs on 127.0.0.1. Three start with a history of 10,001 certified blocks (signed
 * with their real voting keys, written before they start, with the stable checkpoint at its end as
 * their saved state); the fourth starts empty, installs a peer's snapshot of the history (its tip's
 * certificate checked, every entry audited), and then takes part: once the leader is killed with
 * SIGKILL, progress needs it. The killed leader restarts over its own ledger, catches up block by
 * block, and all four agree.
 */
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class CatchUpClusterTest {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(CatchUpClusterTest.class);
  private static final Duration STARTUP = Duration.ofSeconds(120);
  private static final Duration STEP = Duration.ofSeconds(90);
  // Heights 0..10,000: the last is a checkpoint sequence (a multiple of the interval, 16). The
  // catch-up figure in docs/BENCHMARKS.md uses -Dcatchup.history=100001.
  private static final int HISTORY = Integer.getInteger("catchup.history", 10_001);
  // node-d's consensus.snapshotSyncMinBlocks; 0 makes it catch up block by block (the comparison
  // in docs/BENCHMARKS.md).
  private static final long SNAPSHOT_MIN_BLOCKS = Long.getLong("catchup.snapshotMinBlocks", 10_000);

  private ClusterHarness cluster;
  private ClusterProbe probe;

  @AfterEach
  void stopEverything() {
    ClusterHarness.stop(probe, cluster);
  }

  @Test
  void anEmptyValidatorSyncsTheHistoryAndTakesPartAndAKilledLeaderRestartsAndAgrees() {
    cluster = ClusterHarness.prepareValidatorJvms("catch-up", 4);
    List<String> seeded = List.of("node-a", "node-b", "node-c");
    Map<String, SigningKey> quorum = new LinkedHashMap<>();
    seeded.forEach(id -> quorum.put(id, cluster.signingKey(id)));
    CertifiedChain.seed(quorum, seeded.stream().map(cluster::dataDir).toList(), HISTORY, 1);

    cluster.startNodes(seeded, STARTUP);
    probe = ClusterProbe.join(cluster, STARTUP);
    LedgerProbe ledger = new LedgerProbe(probe);
    Set<String> submitted = new HashSet<>(ledger.submit("before", 0, 40));
    awaitFinal(ledger, seeded, submitted);

    // The fourth validator starts with an empty ledger.
    cluster.configure(
        "node-d",
        new JsonObject()
            .put("consensus", new JsonObject().put("snapshotSyncMinBlocks", SNAPSHOT_MIN_BLOCKS)));
    long started = System.nanoTime();
    cluster.startNode("node-d", STARTUP);
    List<String> all = List.of("node-a", "node-b", "node-c", "node-d");
    // Storage holds a snapshot a moment before consensus has taken it in: wait for both.
    Deadline.await(
        "node-d to hold the others' ledger",
        STEP,
        () -> ledger.sameTip(all, HISTORY) && !ledger.consensus("node-d").getBoolean("catchingUp"));
    LOG.info(
        "node-d synced {} blocks {} ms after its JVM was started",
        ledger.storage("node-d").getLong("size"),
        (System.nanoTime() - started) / 1_000_000);
    JsonObject synced = ledger.consensus("node-d");
    assertThat(synced.getLong("synced"))
        .as("fetched from peers, not finalized by itself")
        .isGreaterThanOrEqualTo(HISTORY);
    if (SNAPSHOT_MIN_BLOCKS > 0 && SNAPSHOT_MIN_BLOCKS <= HISTORY) {
      assertThat(synced.getLong("fromSnapshot"))
          .as("the history came as a peer's snapshot (empty and far enough behind)")
          .isGreaterThanOrEqualTo(HISTORY);
    } else {
      assertThat(synced.getLong("fromSnapshot")).as("block by block").isZero();
    }

    // Kill the current leader: the three left need node-d for every quorum.
    String leader = ledger.consensus("node-b").getString("leader");
    long viewBefore = ledger.consensus("node-b").getLong("view");
    cluster.kill(leader);
    List<String> alive = all.stream().filter(id -> !id.equals(leader)).toList();
    submitted.addAll(ledger.submit("after-kill", 0, 40));
    awaitFinal(ledger, alive, submitted);
    JsonObject survivor = ledger.consensus(alive.get(0));
    assertThat(survivor.getLong("view")).as("a view change").isGreaterThan(viewBefore);
    assertThat(ledger.consensus("node-d").getLong("finalized"))
        .as("node-d finalizes blocks with the others")
        .isPositive();

    // The killed leader restarts over its own ledger and saved state, catches up and agrees.
    cluster.startNode(leader, STARTUP);
    submitted.addAll(ledger.submit("after-restart", 0, 20));
    awaitFinal(ledger, all, submitted);
  }

  /** Every node in {@code nodes} holds one chain in which each submitted transaction is final. */
  private static void awaitFinal(LedgerProbe ledger, List<String> nodes, Set<String> submitted) {
    Deadline.await(
        nodes + " to agree on a chain holding all " + submitted.size() + " transactions",
        STEP,
        () ->
            ledger.sameTip(nodes, HISTORY + 1)
                && new HashSet<>(ledger.transactions(nodes.get(0), HISTORY))
                    .containsAll(submitted));
    List<String> fresh = ledger.transactions(nodes.get(0), HISTORY);
    assertThat(fresh).as("no transaction twice").doesNotHaveDuplicates();
    assertThat(fresh).containsExactlyInAnyOrderElementsOf(submitted);
  }
}
