package io.swarmcore.tests.harness;

import io.swarmcore.codecs.Codecs;
import io.swarmcore.node.HazelcastConfigs;
import io.swarmcore.node.NodeConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Plain clustered Vert.x instances in this JVM, on 127.0.0.1 with a random cluster name: for
 * testing libraries (not whole nodes) across members. Closing stops them all.
 */
public final class LocalCluster implements AutoCloseable {
  private final String name;
  private final List<Integer> ports = new ArrayList<>();
  private final List<Vertx> members = new ArrayList<>();

  public LocalCluster(int expectedMembers) {
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    this.name = "swarm-local-" + HexFormat.of().formatHex(random);
    for (int i = 0; i < expectedMembers + 2; i++) {
      ports.add(FreePorts.next());
    }
  }

  /** Starts one more member (up to the expected count plus two). */
  public Vertx join(Duration timeout) {
    int port = ports.get(members.size());
    List<String> memberList = ports.stream().map(p -> "127.0.0.1:" + p).toList();
    NodeConfig.Cluster cluster = new NodeConfig.Cluster(name, "127.0.0.1", port, memberList);
    Vertx vertx =
        ClusterProbe.await(
            Vertx.builder()
                .with(
                    new VertxOptions()
                        .setEventBusOptions(new EventBusOptions().setHost("127.0.0.1")))
                .withClusterManager(new HazelcastClusterManager(HazelcastConfigs.forNode(cluster)))
                .buildClustered(),
            timeout);
    Codecs.register(vertx.eventBus());
    members.add(vertx);
    return vertx;
  }

  public List<Vertx> members() {
    return List.copyOf(members);
  }

  @Override
  public void close() {
    for (Vertx vertx : members) {
      try {
        ClusterProbe.await(vertx.close(), Duration.ofSeconds(30));
      } catch (RuntimeException | AssertionError e) {
        // keep closing the others
      }
    }
  }
}
