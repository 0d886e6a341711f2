package io.swarmcore.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.codecs.CertificateVerifier;
import io.swarmcore.codecs.ReceiptVerifier;
import io.swarmcore.codecs.proto.Receipt;
import io.swarmcore.tests.harness.ClusterHarness;
import io.swarmcore.tests.harness.ClusterProbe;
import io.swarmcore.tests.harness.FreePorts;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The public event-bus API ({@code swarm.api.*}, JSON): used from a separate JVM whose classpath
 * holds only Vert.x (with its Hazelcast cluster manager, Netty and Jackson) and a single-file
 * program, and verb by verb from a clustered probe, refusals included.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class EventBusApiTest {
  private static final Duration STARTUP = Duration.ofSeconds(90);
  private static ClusterHarness cluster;
  private static ClusterProbe probe;
  private static ReceiptVerifier receipts;

  @BeforeAll
  static void startOneValidator() {
    cluster =
        ClusterHarness.prepareValidators(
            "eventbus-api",
            1,
            new JsonObject()
                .put(
                    "gateway",
                    new JsonObject().put("clientRatePerSecond", 100).put("clientBurst", 100)));
    cluster.startNodeInJvm("node-a", STARTUP);
    probe = ClusterProbe.join(cluster, STARTUP);
    receipts =
        new ReceiptVerifier(
            new CertificateVerifier(
                Map.of("node-a", cluster.signingKey("node-a").publicKey()), 1, 1));
  }

  @AfterAll
  static void stop() {
    ClusterHarness.stop(probe, cluster);
  }

  @Test
  void aJvmWithOnlyVertxOnItsClasspathSubmitsAndGetsAVerifiableReceipt() throws Exception {
    Path classpathFile = Path.of(System.getProperty("swarm.plainVertxClasspath"));
    String classpath = Files.readString(classpathFile).trim();
    assertThat(classpath).contains("vertx-core").doesNotContain("swarm");
    for (String jar : classpath.split(java.io.File.pathSeparator)) {
      String name = Path.of(jar).getFileName().toString();
      if (name.startsWith("vertx-")) {
        assertThat(name).matches("vertx-(core|core-logging|hazelcast)-[0-9].*");
      }
    }
    Path source =
        Path.of(
            EventBusApiTest.class.getResource("/plain-vertx-client/PlainVertxClient.java").toURI());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx256m", "-cp", classpath, source.toString()));
    command.add(cluster.clusterName());
    command.add(Integer.toString(FreePorts.next()));
    command.add(String.join(",", cluster.members().stream().map(String::valueOf).toList()));
    Path output = Files.createTempFile("plain-vertx-client", ".log");
    Process client =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try {
      boolean ended = client.waitFor(150, TimeUnit.SECONDS);
      String printed = Files.readString(output, StandardCharsets.UTF_8);
      assertThat(ended).as("the client ended; it printed:\n" + printed).isTrue();
      assertThat(client.exitValue()).as(printed).isZero();
      JsonObject submitted = line(printed, "SUBMIT ");
      Receipt receipt =
          Receipt.parseFrom(Base64.getDecoder().decode(submitted.getString("receipt")));
      assertThat(receipts.verify(receipt).isFinal()).isTrue();
      assertThat(line(printed, "RECEIPT ").getString("txHash"))
          .isEqualTo(submitted.getString("txHash"));
      assertThat(line(printed, "STATUS ").getString("nodeId")).isEqualTo("node-a");
      assertThat(printed).contains("REFUSED 400 INVALID_ARGUMENT");
    } finally {
      client.destroyForcibly();
      client.waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(output);
    }
  }

  private static JsonObject line(String printed, String prefix) {
    return printed
        .lines()
        .filter(l -> l.startsWith(prefix))
        .findFirst()
        .map(l -> new JsonObject(l.substring(prefix.length())))
        .orElseThrow(() -> new AssertionError("no " + prefix + "line in:\n" + printed));
  }

  /** A serialized transaction in base64, as a batch carries it. */
  private static String serialized(String client, long nonce) {
    return Base64.getEncoder()
        .encodeToString(
            io.swarmcore.codecs.proto.Transaction.newBuilder()
                .setClientId(client)
                .setNonce(nonce)
                .setPayload(com.google.protobuf.ByteString.copyFromUtf8(client + nonce))
                .build()
                .toByteArray());
  }

  private static JsonObject ask(String verb, JsonObject body, String client) {
    return ClusterProbe.await(
        probe
            .vertx()
            .eventBus()
            .<JsonObject>request(
                "swarm.api." + verb,
                body,
                new DeliveryOptions().setSendTimeout(30_000).addHeader("swarm-client-id", client))
            .map(m -> m.body()),
        Duration.ofSeconds(40));
  }

  private static ReplyException refused(String verb, JsonObject body, String client) {
    try {
      ask(verb, body, client);
    } catch (RuntimeException e) {
      return replyFailure(e);
    }
    throw new AssertionError(verb + " " + body.encode() + " was answered");
  }

  private static ReplyException replyFailure(RuntimeException failure) {
    Throwable cause = failure;
    while (cause != null && !(cause instanceof ReplyException)) {
      cause = cause.getCause();
    }
    if (cause == null) {
      throw failure;
    }
    return (ReplyException) cause;
  }

  @Test
  void everyVerbAnswersAndEveryRefusalHasItsCode() {
    JsonObject tx =
        new JsonObject()
            .put("clientId", "verbs")
            .put("nonce", 1)
            .put("payload", Base64.getEncoder().encodeToString("verbs".getBytes()));
    JsonObject receipt = ask("node-a.submit", tx, "verbs");
    assertThat(receipt.getLong("height")).isNotNegative();
    String hash = ask("submit-async", tx.copy().put("nonce", 2), "verbs").getString("hash");
    assertThat(hash).hasSize(64);
    ask("submit", tx.copy().put("nonce", 3), "verbs");
    JsonObject block = ask("block", new JsonObject().put("height", 0), "verbs");
    assertThat(ask("block", new JsonObject().put("hash", block.getString("hash")), "verbs"))
        .isEqualTo(block);
    JsonObject proof =
        ask("consistency", new JsonObject().put("oldSize", 1).put("newSize", 2), "verbs");
    assertThat(proof.getString("newRoot")).hasSize(64);
    assertThat(ask("status", new JsonObject(), "verbs").getString("leader")).isEqualTo("node-a");
    assertThat(ask("resilience", new JsonObject(), "verbs").getJsonArray("components"))
        .isNotEmpty();

    JsonObject batch =
        ask(
            "submit-batch",
            new JsonObject()
                .put(
                    "transactions",
                    new io.vertx.core.json.JsonArray()
                        .add(serialized("verbs", 5))
                        .add(Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff}))
                        .add(serialized("verbs", 6)))
                .put("waitFinal", true),
            "verbs");
    io.vertx.core.json.JsonArray outcomes = batch.getJsonArray("outcomes");
    assertThat(outcomes).hasSize(3);
    assertThat(outcomes.getJsonObject(0).getString("status")).isEqualTo("FINAL");
    assertThat(outcomes.getJsonObject(0).getString("hash")).hasSize(64);
    assertThat(outcomes.getJsonObject(0).getLong("height")).isPositive();
    assertThat(outcomes.getJsonObject(1).getString("status")).isEqualTo("REFUSED");
    assertThat(outcomes.getJsonObject(1).getString("error")).isNotEmpty();
    assertThat(outcomes.getJsonObject(2).getString("status")).isEqualTo("FINAL");
    assertThat(
            refused("submit-batch", new JsonObject().put("transactions", "x"), "verbs")
                .failureCode())
        .isEqualTo(400);

    assertThat(refused("block", new JsonObject(), "verbs").failureCode()).isEqualTo(400);
    assertThat(refused("submit", new JsonObject().put("clientId", "x"), "verbs").failureCode())
        .isEqualTo(400);
    assertThat(
            refused("receipt", new JsonObject().put("txHash", "00".repeat(32)), "verbs")
                .failureCode())
        .isEqualTo(404);
    assertThat(refused("block", new JsonObject().put("height", 1_000_000), "verbs").failureCode())
        .isEqualTo(404);
    assertThat(
            refused("submit", tx.copy().put("nonce", 4).put("timeoutMs", 1), "verbs").failureCode())
        .isEqualTo(504);
    // 300 requests at once against a burst of 100: however slow the machine, most are over it.
    List<io.vertx.core.Future<Object>> calls = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      calls.add(
          probe
              .vertx()
              .eventBus()
              .request(
                  "swarm.api.status",
                  new JsonObject(),
                  new DeliveryOptions()
                      .setSendTimeout(30_000)
                      .addHeader("swarm-client-id", "greedy"))
              .map(m -> m.body()));
    }
    ClusterProbe.await(io.vertx.core.Future.join(calls).otherwiseEmpty(), Duration.ofSeconds(40));
    ReplyException limited =
        calls.stream()
            .filter(io.vertx.core.Future::failed)
            .map(call -> call.cause())
            .filter(ReplyException.class::isInstance)
            .map(ReplyException.class::cast)
            .findFirst()
            .orElse(null);
    assertThat(limited).isNotNull();
    assertThat(limited.failureCode()).isEqualTo(429);
    assertThat(limited.getMessage()).contains("RESOURCE_EXHAUSTED", "retry after");
  }
}
