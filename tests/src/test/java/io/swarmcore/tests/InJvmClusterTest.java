package io.swarmcore.tests;

import io.swarmcore.tests.harness.ClusterHarness;
import io.swarmcore.tests.harness.Deadline;
import io.swarmcore.tests.harness.NodeHandle;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Three clustered Vert.x nodes in one JVM: every node verifies every other one. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class InJvmClusterTest {
  @Test
  void everyNodeVerifiesEveryOtherNode() {
    try (ClusterHarness cluster =
        ClusterHarness.startInJvm("in-jvm-three-nodes", 3, Duration.ofSeconds(90))) {
      for (NodeHandle node : cluster.nodes()) {
        Deadline.await(
            node.nodeId() + " to verify both other nodes",
            Duration.ofSeconds(30),
            () ->
                cluster.nodes().stream()
                    .filter(other -> other != node)
                    .allMatch(other -> node.hasVerified(other.nodeId())));
      }
    }
  }
}
