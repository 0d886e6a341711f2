package io.swarmcore.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.swarmcore.codecs.proto.GetStatusRequest;
import io.swarmcore.codecs.proto.SubmitRequest;
import io.swarmcore.codecs.proto.Transaction;
import io.swarmcore.tests.harness.ClusterHarness;
import io.swarmcore.tests.harness.GrpcProbe;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One validator of four running alone: no quorum is reachable, so the gateway takes no transaction
 * (UNAVAILABLE, with when to retry) instead of accepting what cannot become final; reads still
 * work.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GrpcGatewayUnavailableTest {
  @Test
  void withoutAReachableQuorumSubmissionsAreRefusedAsUnavailable() {
    try (ClusterHarness cluster =
            ClusterHarness.prepareValidatorsInJvm("grpc-unavailable", 4, new JsonObject());
        GrpcProbe grpc = new GrpcProbe(cluster.grpcPort("node-a"))) {
      cluster.startNodeInJvm("node-a", Duration.ofSeconds(90));
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
                            .get(
                                Metadata.Key.of(
                                    "retry-after-ms", Metadata.ASCII_STRING_MARSHALLER)))
                    .isEqualTo("1000");
              });
      var status =
          grpc.call(GrpcProbe.GET_STATUS, GetStatusRequest.getDefaultInstance(), "alone", 20_000);
      assertThat(status.getValidatorsList()).hasSize(4);
      assertThat(status.getValidatorsList().stream().filter(v -> v.getUp()).count()).isEqualTo(1);
    }
  }
}
