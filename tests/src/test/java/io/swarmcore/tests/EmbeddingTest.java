package io.swarmcore.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swarmcore.Swarm;
import io.swarmcore.codecs.proto.Receipt;
import io.swarmcore.codecs.proto.SubmitRequest;
import io.swarmcore.codecs.proto.Transaction;
import io.swarmcore.node.HazelcastConfigs;
import io.swarmcore.node.NodeConfig;
import io.swarmcore.node.NodeConfigLoader;
import io.swarmcore.tests.harness.ClusterHarness;
import io.swarmcore.tests.harness.ClusterProbe;
import io.swarmcore.tests.harness.GrpcProbe;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Swarm.embed} runs a whole node inside an application's own clustered Vert.x: the node
 * answers clients, finalizes a transaction, and stops without stopping the application's Vert.x.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddingTest {
  private static final Duration STEP = Duration.ofSeconds(60);

  @Test
  void anApplicationsVertxRunsANodeThatFinalizesAndStopsCleanly() {
    try (ClusterHarness files =
        ClusterHarness.prepareValidators("embedding", 1, new JsonObject())) {
      JsonObject config = files.config("node-a");
      NodeConfig parsed =
          NodeConfig.parse(NodeConfigLoader.defaults().mergeIn(config.copy(), true));
      VertxOptions options = new VertxOptions();
      options.getEventBusOptions().setHost("127.0.0.1");
      Vertx application =
          ClusterProbe.await(
              Vertx.builder()
                  .with(options)
                  .withClusterManager(
                      new HazelcastClusterManager(HazelcastConfigs.forNode(parsed.cluster())))
                  .buildClustered(),
              STEP);
      try {
        Swarm.EmbeddedNode node = ClusterProbe.await(Swarm.embed(application, config), STEP);
        assertThat(node.config().nodeId()).isEqualTo("node-a");
        try (GrpcProbe grpc = new GrpcProbe(files.grpcPort("node-a"))) {
          Receipt receipt =
              grpc.call(
                  GrpcProbe.SUBMIT,
                  SubmitRequest.newBuilder()
                      .setTransaction(
                          Transaction.newBuilder()
                              .setClientId("embedded")
                              .setPayload(ByteString.copyFromUtf8("inside"))
                              .build()
                              .toByteString())
                      .build(),
                  "embedded",
                  30_000);
          assertThat(receipt.getTxHash().size()).isEqualTo(32);
        }
        ClusterProbe.await(node.stop(), STEP);
        assertThat(application.deploymentIDs()).isEmpty();
      } finally {
        ClusterProbe.await(application.close(), STEP);
      }
    }
  }

  @Test
  void aBadConfigurationIsRefusedWithEveryProblemNamed() {
    Vertx application = Vertx.vertx();
    try {
      Throwable refused =
          ClusterProbe.await(
              Swarm.embed(application, new JsonObject().put("nodeId", "bad id"))
                  .map(node -> (Throwable) null)
                  .otherwise(failure -> failure),
              STEP);
      assertThat(refused).isNotNull();
      assertThat(refused.getMessage()).contains("nodeId");
    } finally {
      ClusterProbe.await(application.close(), STEP);
    }
  }
}
