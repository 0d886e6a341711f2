package io.swarmcore.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.node.FaultAdminVerticle;
import io.swarmcore.tests.harness.ClusterHarness;
import io.swarmcore.tests.harness.ClusterProbe;
import io.swarmcore.tests.harness.Deadline;
import io.swarmcore.tests.harness.LedgerProbe;
import io.swarmcore.tests.harness.NodeHandle;
import io.swarmcore.tests.harness.SteadyLoad;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Network faults under load, in four validator JVMs (docs/RELIABILITY.md): partitions (drop rules)
 * and a slow validator (delay), applied through each node's test-only fault admin (event-bus
 * interceptors). After each: every acknowledged transaction final exactly once, one chain
 * everywhere, the node that was cut off caught up.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class NetworkFaultsClusterTest {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(NetworkFaultsClusterTest.class);
  private static final Duration STARTUP = Duration.ofSeconds(150);
  private static final Duration DRAIN = Duration.ofSeconds(90);

  /**
   * How long the majority may take to finalize again once the leader is cut off: the stake-weighted
   * schedule may name the cut-off node for several views in a row, each abandoned after a timeout
   * that doubles (seen in CI: views 1 to 3 all its, view 4 installed 30 s after the cut).
   */
  private static final Duration PROGRESS_BOUND = Duration.ofSeconds(120);

  private ClusterHarness cluster;
  private ClusterProbe probe;

  @AfterEach
  void stopEverything() {
    ClusterHarness.stop(probe, cluster);
  }

  private LedgerProbe start(String name) {
    cluster = ClusterHarness.prepareValidatorJvms(name, 4);
    cluster
        .nodeIds()
        .forEach(
            id ->
                cluster.configure(
                    id, new JsonObject().put("testing", new JsonObject().put("faultAdmin", true))));
    cluster.startNodes(cluster.nodeIds(), STARTUP);
    probe = ClusterProbe.join(cluster, STARTUP);
    LedgerProbe ledger = new LedgerProbe(probe);
    Set<String> warmUp = ledger.submit("warm-up", 0, 10);
    Deadline.await("a first block everywhere", DRAIN, () -> ledger.sameTip(nodeIds(), 1));
    assertThat(warmUp).hasSize(10);
    return ledger;
  }

  private List<String> nodeIds() {
    return cluster.nodes().stream().map(NodeHandle::nodeId).toList();
  }

  /** Cuts {@code side} off from every other node, both ways. */
  private void partition(LedgerProbe ledger, Set<String> side) {
    for (String node : nodeIds()) {
      List<String> blocked =
          nodeIds().stream().filter(other -> side.contains(other) != side.contains(node)).toList();
      faults(ledger, node, blocked);
    }
  }

  private void heal(LedgerProbe ledger) {
    nodeIds().forEach(node -> faults(ledger, node, List.of()));
  }

  private static void faults(LedgerProbe ledger, String node, List<String> blocked) {
    faults(ledger, node, blocked, 0);
  }

  private static void faults(LedgerProbe ledger, String node, List<String> blocked, long delayMs) {
    JsonObject state =
        ledger.request(
            FaultAdminVerticle.address(node),
            new JsonObject().put("block", new JsonArray(blocked)).put("delayMs", delayMs));
    assertThat(state.getJsonArray("block").getList()).containsExactlyInAnyOrderElementsOf(blocked);
  }

  /** The leader as the node furthest in views sees it (one that lags names an older leader). */
  private String leader(LedgerProbe ledger) {
    return nodeIds().stream()
        .map(ledger::consensus)
        .max(java.util.Comparator.comparingLong(state -> state.getLong("view")))
        .orElseThrow()
        .getString("leader");
  }

  /** Nothing left behind in any mempool: no transaction stranded as pending or proposed. */
  private void assertMempoolsEmpty(LedgerProbe ledger) {
    Deadline.await(
        "every mempool to be empty (nothing stranded)",
        DRAIN,
        () ->
            nodeIds().stream()
                .map(id -> ledger.request("swarm.mempool." + id + ".status", new JsonObject()))
                .allMatch(status -> status.getLong("size") == 0));
  }

  private static long height(LedgerProbe ledger, String node) {
    return ledger.storage(node).getLong("size");
  }

  @Test
  void aPartitionedLeaderIsReplacedAndRejoinsAndNothingAcknowledgedIsLost() throws Exception {
    LedgerProbe ledger = start("partition-leader");
    String leader = leader(ledger);
    List<String> majority = new ArrayList<>(nodeIds());
    majority.remove(leader);
    String observer = majority.get(0);
    long viewBefore = ledger.consensus(observer).getLong("view");

    try (SteadyLoad load = new SteadyLoad(probe, observer)) {
      CompletableFuture<SteadyLoad.Summary> running =
          CompletableFuture.supplyAsync(
              () -> load.run("partition", 40, Duration.ofSeconds(20), DRAIN));
      Deadline.await(
          "load to reach the chain", Duration.ofSeconds(30), () -> height(ledger, observer) > 3);

      partition(ledger, Set.of(leader));
      long cutAt = System.nanoTime();
      long heightAtCut = height(ledger, observer);
      Deadline.await(
          "the majority to change view and finalize without " + leader,
          PROGRESS_BOUND,
          () ->
              ledger.consensus(observer).getLong("view") > viewBefore
                  && height(ledger, observer) > heightAtCut + 2);
      double progressSeconds = (System.nanoTime() - cutAt) / 1e9;
      long leaderHeightCut = height(ledger, leader);
      assertThat(leaderHeightCut)
          .as("the cut-off leader finalizes nothing alone")
          .isLessThanOrEqualTo(heightAtCut + 4);

      heal(ledger);
      long healedAt = System.nanoTime();
      Deadline.await(
          leader + " to catch up after the heal",
          DRAIN,
          () -> height(ledger, leader) >= height(ledger, observer) - 1);
      double catchUpSeconds = (System.nanoTime() - healedAt) / 1e9;

      SteadyLoad.Summary summary = running.get(DRAIN.toSeconds() + 60, TimeUnit.SECONDS);
      // Submissions that reached the cut-off leader are refused (504: no other validator could
      // confirm holding them), never acknowledged: refused is not lost.
      int refused = load.refused();
      Deadline.await("one chain everywhere", DRAIN, () -> ledger.sameTip(nodeIds(), 1));
      List<String> chain = ledger.transactions(observer, 0);
      assertThat(chain).as("no transaction twice").doesNotHaveDuplicates();
      assertThat(new HashSet<>(chain))
          .as("every acknowledged transaction final")
          .containsAll(load.acknowledged());
      assertThat(ledger.receiptsNameTheChain(nodeIds(), load.acknowledged())).isPositive();
      assertMempoolsEmpty(ledger);
      LOG.info(
          "leader {} partitioned away under load: majority finalized again after {} s (view {} ->"
              + " {}); after the heal it caught up in {} s; {}; {} submissions refused while cut"
              + " off; lost 0, one chain",
          leader,
          String.format("%.1f", progressSeconds),
          viewBefore,
          ledger.consensus(observer).getLong("view"),
          String.format("%.1f", catchUpSeconds),
          summary,
          refused);
    }
  }

  @Test
  void aFollowerCutOffCatchesUpAfterTheHealWhileTheOthersGoOn() throws Exception {
    LedgerProbe ledger = start("partition-follower");
    String leader = leader(ledger);
    String follower = nodeIds().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    String observer =
        nodeIds().stream()
            .filter(id -> !id.equals(leader) && !id.equals(follower))
            .findFirst()
            .orElseThrow();

    try (SteadyLoad load = new SteadyLoad(probe, observer)) {
      CompletableFuture<SteadyLoad.Summary> running =
          CompletableFuture.supplyAsync(
              () -> load.run("minority", 40, Duration.ofSeconds(15), DRAIN));
      Deadline.await(
          "load to reach the chain", Duration.ofSeconds(30), () -> height(ledger, observer) > 3);
      partition(ledger, Set.of(follower));
      long heightAtCut = height(ledger, observer);
      Deadline.await(
          "the three others to finalize without " + follower,
          PROGRESS_BOUND,
          () -> height(ledger, observer) > heightAtCut + 5);
      assertThat(height(ledger, follower))
          .as("the follower cut off finalizes nothing new")
          .isLessThanOrEqualTo(heightAtCut + 4);

      heal(ledger);
      long healedAt = System.nanoTime();
      Deadline.await(
          follower + " to catch up after the heal",
          DRAIN,
          () -> height(ledger, follower) >= height(ledger, observer) - 1);
      double catchUpSeconds = (System.nanoTime() - healedAt) / 1e9;
      SteadyLoad.Summary summary = running.get(DRAIN.toSeconds() + 60, TimeUnit.SECONDS);
      // Submissions that reached the cut-off leader are refused (504: no other validator could
      // confirm holding them), never acknowledged: refused is not lost.
      int refused = load.refused();
      Deadline.await("one chain everywhere", DRAIN, () -> ledger.sameTip(nodeIds(), 1));
      List<String> chain = ledger.transactions(follower, 0);
      assertThat(chain).as("no transaction twice").doesNotHaveDuplicates();
      assertThat(new HashSet<>(chain)).containsAll(load.acknowledged());
      assertThat(ledger.receiptsNameTheChain(nodeIds(), load.acknowledged())).isPositive();
      assertMempoolsEmpty(ledger);
      LOG.info(
          "follower {} partitioned away under load: the others went on; after the heal it caught"
              + " up in {} s; {}; lost 0, one chain",
          follower,
          String.format("%.1f", catchUpSeconds),
          summary);
    }
  }

  @Test
  void aSlowValidatorCostsTheFastPathButNeverStallsTheChain() throws Exception {
    LedgerProbe ledger = start("slow-validator");
    String leader = leader(ledger);
    List<String> followers = nodeIds().stream().filter(id -> !id.equals(leader)).toList();
    String slow = followers.get(0);
    String observer = followers.get(1);
    long viewBefore = ledger.consensus(observer).getLong("view");
    NodeHandle watched = cluster.node(observer);
    long finalizedBefore = watched.metric("swarm_blocks_finalized");
    long fastBefore = watched.metric("swarm_blocks_fast_path");

    faults(ledger, slow, List.of(), 400);
    SteadyLoad.Summary summary;
    try (SteadyLoad load = new SteadyLoad(probe, observer)) {
      summary = load.run("slow", 100, Duration.ofSeconds(10), DRAIN);
      assertThat(load.refused()).as("submissions refused or unanswered").isZero();
      Deadline.await("one chain everywhere", DRAIN, () -> ledger.sameTip(nodeIds(), 1));
      List<String> chain = ledger.transactions(observer, 0);
      assertThat(chain).as("no transaction twice").doesNotHaveDuplicates();
      assertThat(new HashSet<>(chain)).containsAll(load.acknowledged());
      assertThat(ledger.receiptsNameTheChain(nodeIds(), load.acknowledged())).isPositive();
    }
    faults(ledger, slow, List.of(), 0);
    long finalized = watched.metric("swarm_blocks_finalized") - finalizedBefore;
    long fast = watched.metric("swarm_blocks_fast_path") - fastBefore;
    assertThat(ledger.consensus(observer).getLong("view"))
        .as("a slow follower is no reason to change view")
        .isEqualTo(viewBefore);
    assertThat(fast)
        .as("the fast path (all four) gave way to the commit path for some blocks")
        .isLessThan(finalized);
    LOG.info(
        "follower {} slowed by 400 ms: {}; fast path {} of {} blocks at {}; no view change, one"
            + " chain",
        slow,
        summary,
        fast,
        finalized,
        observer);
  }

  /**
   * Scenario 8: the leader's clock jumps an hour ahead, then an hour back, then a follower's a day
   * ahead, under load. Timers run on a clock that never jumps, so nothing changes view; the chain
   * stays one, nothing acknowledged is lost, and block timestamps never go backwards (a leader
   * whose clock went back stamps its blocks no earlier than the block below).
   */
  @Test
  void clockJumpsOnTheLeaderAndAFollowerChangeNothing() throws Exception {
    LedgerProbe ledger = start("clock-jumps");
    String leader = leader(ledger);
    List<String> followers = nodeIds().stream().filter(id -> !id.equals(leader)).toList();
    String jumper = followers.get(0);
    String observer = followers.get(1);
    long viewBefore = ledger.consensus(observer).getLong("view");
    long hour = 3_600_000L;
    SteadyLoad.Summary summary;
    try (SteadyLoad load = new SteadyLoad(probe, observer)) {
      CompletableFuture<SteadyLoad.Summary> running =
          CompletableFuture.supplyAsync(
              () -> load.run("clock", 100, Duration.ofSeconds(12), DRAIN));
      for (long[] jump : new long[][] {{0, hour}, {0, -hour}, {1, 24 * hour}, {1, 0}, {0, 0}}) {
        String node = jump[0] == 0 ? leader : jumper;
        long before = ledger.storage(observer).getLong("size");
        clock(ledger, node, jump[1]);
        Deadline.await(
            "blocks after " + node + "'s clock moved " + jump[1] + " ms",
            DRAIN,
            () -> ledger.storage(observer).getLong("size") > before + 3);
      }
      summary = running.get(DRAIN.toSeconds() * 2 + 60, TimeUnit.SECONDS);
      assertThat(load.refused()).as("submissions refused or unanswered").isZero();
      Deadline.await("one chain everywhere", DRAIN, () -> ledger.sameTip(nodeIds(), 1));
      List<String> chain = ledger.transactions(observer, 0);
      assertThat(chain).as("no transaction twice").doesNotHaveDuplicates();
      assertThat(new HashSet<>(chain)).containsAll(load.acknowledged());
      assertThat(ledger.receiptsNameTheChain(nodeIds(), load.acknowledged())).isPositive();
    }
    assertThat(ledger.consensus(observer).getLong("view"))
        .as("a jumping clock is no reason to change view")
        .isEqualTo(viewBefore);
    List<Long> stamps = timestamps(observer);
    for (int i = 1; i < stamps.size(); i++) {
      assertThat(stamps.get(i))
          .as("timestamp of block %d", i)
          .isGreaterThanOrEqualTo(stamps.get(i - 1));
    }
    LOG.info(
        "clock of leader {} +1 h, then -1 h, then of follower {} +1 day, then both back: {}; view"
            + " {} throughout; {} block timestamps never decreasing; one chain",
        leader,
        jumper,
        summary,
        viewBefore,
        stamps.size());
  }

  private static void clock(LedgerProbe ledger, String node, long offsetMs) {
    JsonObject state =
        ledger.request(
            FaultAdminVerticle.address(node), new JsonObject().put("clockOffsetMs", offsetMs));
    assertThat(state.getLong("clockOffsetMs")).isEqualTo(offsetMs);
  }

  /** Every block's header timestamp, in height order. */
  private List<Long> timestamps(String node) throws Exception {
    LedgerProbe ledger = new LedgerProbe(probe);
    long size = ledger.storage(node).getLong("size");
    List<Long> stamps = new ArrayList<>();
    for (long height = 0; height < size; height++) {
      io.swarmcore.codecs.proto.FinalizedBlock block =
          ClusterProbe.await(
              probe
                  .vertx()
                  .eventBus()
                  .<io.swarmcore.codecs.proto.FinalizedBlock>request(
                      "swarm.storage." + node + ".block", new JsonObject().put("height", height))
                  .map(m -> m.body()),
              Duration.ofSeconds(10));
      stamps.add(
          io.swarmcore.codecs.proto.BlockHeader.parseFrom(block.getBlock().getHeader())
              .getTimestampMs());
    }
    return stamps;
  }
}
