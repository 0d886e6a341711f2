package io.swarmcore.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.swarmcore.codecs.proto.GetStatusRequest;
import io.swarmcore.codecs.proto.NodeStatus;
import io.swarmcore.codecs.proto.SubmitRequest;
import io.swarmcore.codecs.proto.Transaction;
import io.swarmcore.tests.harness.ClusterHarness;
import io.swarmcore.tests.harness.GrpcProbe;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One validator of four running alone: no quorum is reachable, so the gateway takes no transaction
 * (UNAVAILABLE, with when to retry) instead of accepting what cannot become final; reads still
 * work. Its address budget is small: clients inventing ids at one address share it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GrpcGatewayUnavailableTest {
  private static ClusterHarness cluster;
  private static GrpcProbe grpc;

  @BeforeAll
  static void startOneOfFour() {
    cluster =
        ClusterHarness.prepareValidators(
            "grpc-unavailable",
            4,
            new JsonObject()
                .put(
                    "gateway",
                    new JsonObject().put("addressRatePerSecond", 20).put("addressBurst", 20)));
    cluster.startNodeInJvm("node-a", Duration.ofSeconds(90));
    grpc = new GrpcProbe(cluster.grpcPort("node-a"));
  }

  @AfterAll
  static void stop() {
    if (grpc != null) {
      grpc.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void healthSaysTheNodeIsUpButHasNoQuorum() {
    var node = cluster.node("node-a");
    var health = node.get("/health");
    assertThat(health.status()).isEqualTo(503);
    io.vertx.core.json.JsonObject quorum =
        new io.vertx.core.json.JsonObject(health.body())
            .getJsonArray("checks").stream()
                .map(io.vertx.core.json.JsonObject.class::cast)
                .filter(check -> "quorum".equals(check.getString("id")))
                .findFirst()
                .orElseThrow();
    assertThat(quorum.getString("status")).isEqualTo("DOWN");
    assertThat(quorum.getJsonObject("data").getLong("validatorsUp")).isEqualTo(1L);
    assertThat(quorum.getJsonObject("data").getInteger("validators")).isEqualTo(4);
    // The storage check alone (a liveness probe) is UP and writable.
    var storage = node.get("/health/storage");
    assertThat(storage.status()).isEqualTo(200);
    assertThat(storage.body()).contains("\"writable\":true");
    assertThat(node.get("/metrics").body()).contains("swarm_quorum_reachable 0.0");
  }

  @Test
  void withoutAReachableQuorumSubmissionsAreRefusedAsUnavailable() {
    SubmitRequest tx =
        SubmitRequest.newBuilder()
            .setTransaction(
                Transaction.newBuilder()
                    .setClientId("alone")
                    .setPayload(ByteString.copyFromUtf8("x"))
                    .build()
                    .toByteString())
            .build();
    assertThatThrownBy(() -> grpc.call(GrpcProbe.SUBMIT_ASYNC, tx, "alone", 20_000))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription())
                  .contains("no quorum of validators is reachable");
              assertThat(
                      Status.trailersFromThrowable(e)
                          .get(Metadata.Key.of("retry-after-ms", Metadata.ASCII_STRING_MARSHALLER)))
                  .isEqualTo("1000");
            });
    NodeStatus status =
        grpc.call(GrpcProbe.GET_STATUS, GetStatusRequest.getDefaultInstance(), "alone", 20_000);
    assertThat(status.getValidatorsList()).hasSize(4);
    assertThat(status.getValidatorsList().stream().filter(v -> v.getUp()).count()).isEqualTo(1);
  }

  @Test
  void clientsInventingIdsAtOneAddressShareItsBudget() throws Exception {
    List<com.google.common.util.concurrent.ListenableFuture<NodeStatus>> calls = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      calls.add(
          grpc.start(
              GrpcProbe.GET_STATUS,
              GetStatusRequest.getDefaultInstance(),
              "invented-" + i,
              20_000));
    }
    StatusRuntimeException limited = null;
    for (var call : calls) {
      try {
        call.get(20, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof StatusRuntimeException refused) {
          limited = refused;
        }
      }
    }
    assertThat(limited).as("100 new ids at once, 20 allowed from one address").isNotNull();
    assertThat(limited.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(limited.getStatus().getDescription()).contains("gateway-addresses");
  }
}
