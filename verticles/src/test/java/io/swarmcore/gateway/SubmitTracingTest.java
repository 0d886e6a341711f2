package io.swarmcore.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.swarmcore.client.SwarmGrpcClient;
import io.swarmcore.codecs.Codecs;
import io.swarmcore.codecs.proto.Receipt;
import io.swarmcore.codecs.proto.SubmitRequest;
import io.swarmcore.codecs.proto.SwarmClientGrpcClient;
import io.swarmcore.codecs.proto.Transaction;
import io.swarmcore.node.ClusterFiles;
import io.swarmcore.node.NodeConfig;
import io.swarmcore.node.NodeConfigLoader;
import io.swarmcore.node.NodeTracing;
import io.swarmcore.node.NodeVerticle;
import io.swarmcore.node.NodeVertx;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With tracing on, one Submit to a one-validator chain leaves one trace: the gRPC server span that
 * Vert.x opens, {@code swarm.submit} under it, and the five stages of the transaction's life under
 * that, in order and covering the call.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SubmitTracingTest {
  private static final String NODE = "node-1";

  @TempDir Path dir;
  private Vertx vertx;
  private SwarmGrpcClient client;

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
    NodeTracing.close(NODE);
  }

  @Test
  void aSubmitIsTracedFromTheCallThroughEachStageOfTheTransactionsLife() throws Exception {
    int grpcPort = freePort();
    int httpPort = freePort();
    ClusterFiles.Written chain =
        ClusterFiles.write(
            dir.resolve("chain"),
            new ClusterFiles.Layout(
                1,
                "127.0.0.1",
                "traced",
                i -> httpPort,
                i -> grpcPort,
                i -> 5701,
                1000,
                500,
                false),
            new SecureRandom());
    JsonObject json = new JsonObject(Files.readString(chain.configs().get(NODE)));
    json.put("tracing", new JsonObject().put("enabled", true));
    NodeConfig config = NodeConfig.parse(NodeConfigLoader.defaults().mergeIn(json.copy(), true));
    assertThat(config.tracing().enabled()).isTrue();

    InMemorySpanExporter spans = InMemorySpanExporter.create();
    var sdk = NodeTracing.start(NODE, SimpleSpanProcessor.create(spans), 1.0);
    vertx =
        NodeTracing.install(
                Vertx.builder().with(NodeVertx.withDefaults(new VertxOptions(), config)), sdk)
            .build();
    Codecs.register(vertx.eventBus());
    vertx
        .deployVerticle(NodeVerticle.class.getName(), new DeploymentOptions().setConfig(json))
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);

    client = new SwarmGrpcClient(vertx, "127.0.0.1", grpcPort);
    Transaction tx =
        Transaction.newBuilder()
            .setClientId("tracer")
            .setNonce(1)
            .setPayload(ByteString.copyFromUtf8("follow me"))
            .build();
    Receipt receipt =
        client
            .call(
                SwarmClientGrpcClient.Submit,
                SubmitRequest.newBuilder().setTransaction(tx.toByteString()).build(),
                20_000)
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    String txHash = HexFormat.of().formatHex(receipt.getTxHash().toByteArray());

    SpanData submit = awaitSpan(spans, "swarm.submit");
    assertThat(submit.getAttributes().get(AttributeKey.stringKey("swarm.tx.hash")))
        .isEqualTo(txHash);
    assertThat(submit.getAttributes().get(AttributeKey.longKey("swarm.block.height")))
        .isEqualTo(receipt.getHeight());
    assertThat(submit.getAttributes().get(AttributeKey.stringKey("swarm.block.proposer")))
        .isEqualTo(NODE);
    // The moments the node itself recorded (not the clamped stage boundaries): finality from the
    // replica's announcement, then the store, both within the call.
    Long finalizedAt =
        submit.getAttributes().get(AttributeKey.longKey("swarm.block.finalized_at_ms"));
    Long storedAt = submit.getAttributes().get(AttributeKey.longKey("swarm.block.stored_at_ms"));
    assertThat(finalizedAt).as("the replica's finalized-at header reached the trace").isNotNull();
    assertThat(storedAt).isNotNull().isGreaterThanOrEqualTo(finalizedAt);
    assertThat(TimeUnit.MILLISECONDS.toNanos(finalizedAt))
        .isBetween(
            submit.getStartEpochNanos() - TimeUnit.MILLISECONDS.toNanos(1),
            submit.getEndEpochNanos());
    List<SpanData> trace =
        spans.getFinishedSpanItems().stream()
            .filter(span -> span.getTraceId().equals(submit.getTraceId()))
            .toList();
    Map<String, SpanData> byId =
        trace.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
    // Vert.x's own server span for the gRPC call is the parent.
    SpanData server = byId.get(submit.getParentSpanId());
    assertThat(server).as("the span Vert.x opened for the call").isNotNull();
    assertThat(server.getAttributes().asMap().values().toString())
        .contains("/swarm.v1.SwarmClient/Submit");

    List<String> order =
        List.of(
            "swarm.tx.admit",
            "swarm.tx.propose",
            "swarm.tx.finalize",
            "swarm.tx.store",
            "swarm.tx.answer");
    long previousEnd = submit.getStartEpochNanos();
    for (String name : order) {
      SpanData stage =
          trace.stream()
              .filter(span -> span.getName().equals(name))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no " + name + " span in " + trace));
      assertThat(stage.getParentSpanId()).as(name + "'s parent").isEqualTo(submit.getSpanId());
      assertThat(stage.getStartEpochNanos())
          .as(name + " starts after the stage before")
          .isGreaterThanOrEqualTo(previousEnd);
      assertThat(stage.getEndEpochNanos()).isGreaterThanOrEqualTo(stage.getStartEpochNanos());
      previousEnd = stage.getEndEpochNanos();
    }
    assertThat(previousEnd).isLessThanOrEqualTo(submit.getEndEpochNanos());
  }

  private static SpanData awaitSpan(InMemorySpanExporter spans, String name)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      for (SpanData span : spans.getFinishedSpanItems()) {
        if (span.getName().equals(name)) {
          return span;
        }
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    throw new AssertionError("no " + name + " span within 10 s: " + spans.getFinishedSpanItems());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
