package io.swarmcore.tests;

import static io.swarmcore.tests.harness.SwarmCli.swarm;
import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.codecs.proto.Receipt;
import io.swarmcore.tests.harness.ClusterHarness;
import io.swarmcore.tests.harness.SwarmCli.Run;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code swarm client} against a one-validator chain, and {@code swarm verify receipt} offline on
 * what it saved: a genuine receipt verifies against the genesis set, a tampered one fails naming
 * the check and the signer.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClientCommandTest {
  private static ClusterHarness cluster;
  private static String target;

  @TempDir Path dir;

  @BeforeAll
  static void startOneValidator() {
    cluster = ClusterHarness.prepareValidators("client-cli", 1, new JsonObject());
    cluster.startNodeInJvm("node-a", Duration.ofSeconds(90));
    target = "127.0.0.1:" + cluster.grpcPort("node-a");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void submitWaitsPrintsAVerifiedReceiptThatVerifiesOfflineAndATamperedOneDoesNot()
      throws Exception {
    Path saved = dir.resolve("receipt.bin");
    Run submitted =
        swarm(
            "client",
            "submit",
            "--target",
            target,
            "--payload",
            "hello",
            "--client-id",
            "cli",
            "--nonce",
            "1",
            "--wait",
            "--json",
            "--out",
            saved.toString());
    assertThat(submitted.exit()).as(submitted.err()).isZero();
    JsonObject receipt = new JsonObject(submitted.out().trim());
    assertThat(receipt.getBoolean("verified")).isTrue();
    assertThat(receipt.getBoolean("independent")).as("keys from the node").isFalse();
    assertThat(receipt.getString("hash")).hasSize(64);

    String genesis = cluster.genesisFile().toString();
    Run verified =
        swarm("verify", "receipt", "--validators", genesis, "--receipt", saved.toString());
    assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
    assertThat(verified.out()).contains("ok    CERTIFICATE", "the transaction is final");

    Receipt genuine = Receipt.parseFrom(Files.readAllBytes(saved));
    var certificate = genuine.getCertificate().toBuilder();
    byte[] signature = certificate.getSignatures(0).getSignature().toByteArray();
    signature[0] ^= 1;
    certificate.setSignatures(
        0,
        certificate.getSignatures(0).toBuilder()
            .setSignature(com.google.protobuf.ByteString.copyFrom(signature)));
    Path tampered = dir.resolve("tampered.bin");
    Files.write(tampered, genuine.toBuilder().setCertificate(certificate).build().toByteArray());
    Run refused =
        swarm(
            "verify",
            "receipt",
            "--validators",
            genesis,
            "--receipt",
            tampered.toString(),
            "--json");
    assertThat(refused.exit()).isEqualTo(1);
    JsonObject verdict = new JsonObject(refused.out().trim());
    assertThat(verdict.getBoolean("final")).isFalse();
    assertThat(verdict.getJsonObject("failure").getString("check")).isEqualTo("CERTIFICATE");
    assertThat(verdict.getJsonObject("failure").getString("reason")).contains("node-a");

    Run fetched =
        swarm(
            "client",
            "receipt",
            "--target",
            target,
            "--hash",
            receipt.getString("hash"),
            "--validators",
            genesis,
            "--json");
    assertThat(fetched.exit()).as(fetched.err()).isZero();
    assertThat(new JsonObject(fetched.out().trim()).getBoolean("verified")).isTrue();
    assertThat(new JsonObject(fetched.out().trim()).getBoolean("independent")).isTrue();

    Run another =
        swarm(
            "verify",
            "receipt",
            "--validators",
            genesis,
            "--receipt",
            saved.toString(),
            "--tx-hash",
            "00".repeat(32));
    assertThat(another.exit()).isEqualTo(1);
    assertThat(another.out()).contains("the receipt is for transaction");

    Run unreadable = swarm("verify", "receipt", "--validators", genesis, "--receipt", genesis);
    assertThat(unreadable.exit()).isEqualTo(2);
  }

  @Test
  void statusBlockStreamAndRefusalsInTextAndJson() {
    for (String payload : List.of("block-a", "block-b")) {
      Run submitted = swarm("client", "submit", "--target", target, "--payload", payload, "--wait");
      assertThat(submitted.exit()).as(submitted.err()).isZero();
      assertThat(submitted.out()).contains("receipt verified against the validator set");
    }
    Run status = swarm("client", "status", "--target", target, "--json");
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(new JsonObject(status.out().trim()).getString("nodeId")).isEqualTo("node-a");
    Run text = swarm("client", "status", "--target", target);
    assertThat(text.out()).contains("node      node-a", "validator node-a stake 100 up");

    Run block = swarm("client", "block", "--target", target, "--height", "0", "--json");
    assertThat(block.exit()).as(block.err()).isZero();
    JsonObject first = new JsonObject(block.out().trim());
    assertThat(first.getLong("height")).isZero();
    assertThat(first.getJsonArray("signers").getList()).isEqualTo(List.of("node-a"));

    Run stream =
        swarm("client", "stream", "--target", target, "--from", "0", "--count", "2", "--json");
    assertThat(stream.exit()).as(stream.err()).isZero();
    assertThat(stream.out().lines().map(l -> new JsonObject(l).getLong("height")).toList())
        .containsExactly(0L, 1L);

    Run missing = swarm("client", "receipt", "--target", target, "--hash", "00".repeat(32));
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("NOT_FOUND", "not final here");
    Run unreachable = swarm("client", "status", "--target", "127.0.0.1:1", "--timeout-ms", "3000");
    assertThat(unreachable.exit()).isEqualTo(1);
    assertThat(unreachable.err()).contains("127.0.0.1:1");
    Run noPayload = swarm("client", "submit", "--target", target);
    assertThat(noPayload.exit()).isEqualTo(2);
  }
}
