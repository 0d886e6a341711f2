package io.swarmcore.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.tests.harness.ClusterHarness;
import io.swarmcore.tests.harness.ClusterProbe;
import io.swarmcore.tests.harness.Deadline;
import io.swarmcore.tests.harness.LedgerProbe;
import io.swarmcore.tests.harness.NodeHandle;
import io.swarmcore.tests.harness.SteadyLoad;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Four validator JVMs with epochs of 8 blocks: the proposer of each epoch's last block attaches its
 * VRF proof of the next seed, every replica checks it before voting and storage checks it again;
 * the election moves to the next epoch (a new seed, a new leader schedule) as the block is stored,
 * and consensus goes on under the new schedule. Every transaction stays final exactly once in one
 * chain.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class EpochClusterTest {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(EpochClusterTest.class);
  private static final Duration STARTUP = Duration.ofSeconds(120);
  private static final Duration DRAIN = Duration.ofSeconds(60);
  private static final long EPOCH_LENGTH = 8;

  private ClusterHarness cluster;
  private ClusterProbe probe;

  @AfterEach
  void stopEverything() {
    ClusterHarness.stop(probe, cluster);
  }

  @Test
  void epochsChangeUnderLoadWithSeedProofsAndOneChain() {
    cluster = ClusterHarness.startValidatorJvms("epochs", 4, STARTUP, EPOCH_LENGTH);
    probe = ClusterProbe.join(cluster, STARTUP);
    LedgerProbe ledger = new LedgerProbe(probe);
    List<String> nodes = cluster.nodes().stream().map(NodeHandle::nodeId).toList();

    Set<String> acknowledged;
    try (SteadyLoad load = new SteadyLoad(probe, "node-b")) {
      SteadyLoad.Summary summary = load.run("epochs", 50, Duration.ofSeconds(4), DRAIN);
      acknowledged = new HashSet<>(load.acknowledged());
      LOG.info("epochs of {} blocks, a burst: {}", EPOCH_LENGTH, summary);
    }
    // Then one transaction at a time, each in a block of its own, across several boundaries.
    for (int i = 0; ledger.storage("node-b").getLong("size") < 5 * EPOCH_LENGTH; i++) {
      long before = ledger.storage("node-b").getLong("size");
      acknowledged.addAll(ledger.submit("one-by-one", i, 1));
      Deadline.await(
          "block " + before + " to be final",
          DRAIN,
          () -> ledger.storage("node-b").getLong("size") > before);
    }
    Deadline.await(
        "every node to hold the same chain across several epochs",
        DRAIN,
        () -> ledger.sameTip(nodes, 5 * EPOCH_LENGTH));

    List<String> chain = ledger.transactions("node-a", 0);
    assertThat(chain).as("no transaction twice").doesNotHaveDuplicates();
    assertThat(chain).containsExactlyInAnyOrderElementsOf(acknowledged);
    long height = ledger.storage("node-a").getLong("size");
    for (String node : nodes) {
      JsonObject epoch = ledger.request("swarm.election." + node + ".epoch", new JsonObject());
      assertThat(epoch.getLong("epoch")).as(node).isEqualTo(height / EPOCH_LENGTH);
      assertThat(ledger.consensus(node).getBoolean("halted")).as(node).isFalse();
    }
    LOG.info("{} blocks, epoch {}", height, height / EPOCH_LENGTH);
  }
}
