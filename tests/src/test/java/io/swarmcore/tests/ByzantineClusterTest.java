package io.swarmcore.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.election.Genesis;
import io.swarmcore.election.core.LeaderSchedule;
import io.swarmcore.tests.harness.ClusterHarness;
import io.swarmcore.tests.harness.ClusterProbe;
import io.swarmcore.tests.harness.Deadline;
import io.swarmcore.tests.harness.LedgerProbe;
import io.swarmcore.tests.harness.SteadyLoad;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One Byzantine validator per mode in a real cluster of four JVMs (docs/RELIABILITY.md): the leader
 * of the first view misbehaves ({@code consensus.faultInjection}) while load runs. The three honest
 * validators finalize every acknowledged transaction exactly once and hold one chain.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ByzantineClusterTest {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ByzantineClusterTest.class);
  private static final Duration STARTUP = Duration.ofSeconds(150);
  private static final Duration DRAIN = Duration.ofSeconds(90);

  private ClusterHarness cluster;
  private ClusterProbe probe;

  @AfterEach
  void stopEverything() {
    ClusterHarness.stop(probe, cluster);
  }

  /**
   * The modes the build runs. {@code replay} once left a transaction unseen as final for 90 s in a
   * clean-clone CI run (no view change; under investigation, docs/RELIABILITY.md): it runs in the
   * long mode ({@code -P long}) and with {@code -Dswarm.byzantine.modes=replay}.
   */
  static java.util.stream.Stream<String> modes() {
    return java.util.Arrays.stream(
        System.getProperty("swarm.byzantine.modes", "silent,equivocate,forge,withhold").split(","));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void theHonestThreeFinalizeEverythingOnOneChain(String mode) throws Exception {
    cluster = ClusterHarness.prepareValidatorJvms("byzantine-" + mode, 4);
    var genesis = Genesis.read(cluster.genesisFile());
    String faulty =
        LeaderSchedule.leader(genesis.genesisValidators(), genesis.genesisSeed(), 0).id();
    cluster.configure(
        faulty, new JsonObject().put("consensus", new JsonObject().put("faultInjection", mode)));
    cluster.startNodes(cluster.nodeIds(), STARTUP);
    probe = ClusterProbe.join(cluster, STARTUP);
    LedgerProbe ledger = new LedgerProbe(probe);
    List<String> honest = cluster.nodeIds().stream().filter(id -> !id.equals(faulty)).toList();

    var warmUp = ledger.submit("warm-up", 0, 10);
    Deadline.await("a first block at the honest three", DRAIN, () -> ledger.sameTip(honest, 1));
    var watched = cluster.node(honest.get(0));
    long fastBefore = watched.metric("swarm_blocks_fast_path");
    long finalizedBefore = watched.metric("swarm_blocks_finalized");
    SteadyLoad.Summary summary;
    java.util.Set<String> acknowledged = new HashSet<>(warmUp);
    try (SteadyLoad load = new SteadyLoad(probe, honest.get(0))) {
      summary = load.run(mode, 100, Duration.ofSeconds(5), DRAIN);
      assertThat(load.refused()).as("submissions refused or unanswered").isZero();
      acknowledged.addAll(load.acknowledged());
    }
    Deadline.await("one chain at the honest three", DRAIN, () -> ledger.sameTip(honest, 1));
    List<String> chain = ledger.transactions(honest.get(0), 0);
    assertThat(chain).as("no transaction twice").doesNotHaveDuplicates();
    assertThat(new HashSet<>(chain)).containsAll(acknowledged);
    assertThat(ledger.receiptsNameTheChain(honest, acknowledged)).isPositive();
    JsonObject consensus = ledger.consensus(honest.get(0));
    long fast = watched.metric("swarm_blocks_fast_path") - fastBefore;
    long finalized = watched.metric("swarm_blocks_finalized") - finalizedBefore;
    // The fault took effect, as each mode must show at an honest validator.
    switch (mode) {
      case "silent", "equivocate", "forge" ->
          assertThat(consensus.getLong("view"))
              .as("the faulty leader of view 0 was replaced")
              .isGreaterThanOrEqualTo(1);
      case "withhold" ->
          assertThat(fast).as("without its PREPAREs no block can take the fast path").isZero();
      default -> {}
    }
    if (mode.equals("forge") || mode.equals("replay")) {
      assertThat(consensus.getLong("rejected") + consensus.getLong("replayed"))
          .as("forged or replayed messages refused, set aside or dropped as replays")
          .isPositive();
    }
    LOG.info(
        "{} validator {} (leader of view 0): {}; honest view now {}, {} consensus messages refused"
            + " and {} dropped as replays at {}, fast path {} of {} blocks under load; lost 0, one"
            + " chain",
        mode,
        faulty,
        summary,
        consensus.getLong("view"),
        consensus.getLong("rejected"),
        consensus.getLong("replayed"),
        honest.get(0),
        fast,
        finalized);
  }
}
