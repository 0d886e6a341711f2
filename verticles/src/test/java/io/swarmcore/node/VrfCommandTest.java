package io.swarmcore.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code swarm vrf} and {@code swarm election schedule}, on RFC 9381 Example 10's key. */
class VrfCommandTest {
  private static final String SK =
      "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
  private static final String PK =
      "0360fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6";
  private static final String BETA =
      "a3ad7b0ef73d8fc6655053ea22f9bede8c743f08bbed3d38821f0e16474b505e";

  @TempDir Path dir;
  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();

  private int swarm(String... args) {
    return console.swarm(args);
  }

  @Test
  void proveThenVerifyTheRfcExample() {
    assertThat(
            swarm(
                "vrf",
                "prove",
                "--suite",
                "P256_SHA256_TAI",
                "--sk",
                SK,
                "--alpha",
                "73616d706c65"))
        .isZero();
    JsonObject proof = new JsonObject(console.out().strip());
    assertThat(proof.getString("beta")).isEqualTo(BETA);

    String pi = proof.getString("pi");
    assertThat(
            swarm(
                "vrf",
                "verify",
                "--suite",
                "p256_sha256_tai",
                "--pk",
                PK,
                "--alpha",
                "73616d706c65",
                "--pi",
                pi))
        .isZero();
    assertThat(console.out().strip()).isEqualTo(BETA);

    assertThat(
            swarm(
                "vrf",
                "verify",
                "--suite",
                "P256_SHA256_TAI",
                "--pk",
                PK,
                "--alpha",
                "73616d706c66",
                "--pi",
                pi))
        .isEqualTo(1);
    assertThat(console.err()).startsWith("invalid: ");
  }

  @Test
  void malformedInputExitsWithTwo() {
    assertThat(swarm("vrf", "verify", "--suite", "RSA", "--pk", PK, "--alpha", "", "--pi", "00"))
        .isEqualTo(2);
    assertThat(swarm("vrf", "prove", "--suite", "P256_SHA256_TAI", "--sk", "xyz", "--alpha", ""))
        .isEqualTo(2);
    assertThat(console.err()).contains("--sk: not hex");
  }

  @Test
  void keygenWritesAVrfKeyTheScheduleCanUse() throws Exception {
    Path key = dir.resolve("k.json");
    assertThat(swarm("keygen", "--out", key.toString(), "--vrf-suite", "EDWARDS25519_SHA512_TAI"))
        .isZero();
    var keys = io.swarmcore.crypto.KeyFile.readValidatorKeys(key);
    assertThat(keys.vrf()).isPresent();

    Path validators =
        Files.writeString(
            dir.resolve("validators.json"),
            "[{\"id\":\"a\",\"votingKey\":\""
                + keys.signing().publicKey().hex()
                + "\",\"vrfSuite\":\"EDWARDS25519_SHA512_TAI\",\"vrfKey\":\""
                + java.util.HexFormat.of().formatHex(keys.vrf().get().publicKey())
                + "\",\"stake\":5}]");
    assertThat(
            swarm(
                "election",
                "schedule",
                "--validators",
                validators.toString(),
                "--seed",
                "00",
                "--views",
                "3"))
        .isZero();
    assertThat(console.out()).contains("epoch 0 view 2: a (stake 5)");
  }
}
