package io.swarmcore.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFileTest {
  @TempDir Path dir;

  private final SigningKey key = SigningKey.fromSeed(new byte[32]);

  @Test
  void writtenKeyReadsBackAndIsOwnerOnly() throws IOException {
    Path file = dir.resolve("keys/node.json");
    KeyFile.write(file, key);

    assertThat(KeyFile.read(file).publicKey()).isEqualTo(key.publicKey());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void theVrfKeyPairRoundTripsAndIsChecked() throws IOException {
    Path file = dir.resolve("validator.json");
    var vrf =
        io.swarmcore.crypto.vrf.VrfSuite.EDWARDS25519_SHA512_TAI
            .vrf()
            .generate(new java.security.SecureRandom());
    KeyFile.write(file, key, vrf);

    KeyFile.ValidatorKeys keys = KeyFile.readValidatorKeys(file);
    assertThat(keys.signing().publicKey()).isEqualTo(key.publicKey());
    assertThat(keys.vrf()).contains(vrf);

    JsonObject json = new JsonObject(Files.readString(file));
    json.getJsonObject("vrf").put("publicKey", "00".repeat(32));
    Files.writeString(file, json.encode());
    assertThatThrownBy(() -> KeyFile.readValidatorKeys(file))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining("vrf.publicKey does not belong to vrf.secretKey");

    json.getJsonObject("vrf").put("suite", "RSA");
    Files.writeString(file, json.encode());
    assertThatThrownBy(() -> KeyFile.readValidatorKeys(file)).hasMessageContaining("vrf.suite: ");
  }

  @Test
  void aKeyFileWithoutVrfKeysStillReads() {
    Path file = dir.resolve("old.json");
    KeyFile.write(file, key);
    assertThat(KeyFile.readValidatorKeys(file).vrf()).isEmpty();
  }

  @Test
  void refusesToOverwriteAnExistingKey() {
    Path file = dir.resolve("node.json");
    KeyFile.write(file, key);
    assertThatThrownBy(() -> KeyFile.write(file, SigningKey.fromSeed(filled((byte) 1))))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining("already exists");
    assertThat(KeyFile.read(file).publicKey()).isEqualTo(key.publicKey());
  }

  @Test
  void rejectsAKeyReadableByOthers() throws IOException {
    Path file = dir.resolve("node.json");
    KeyFile.write(file, key);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> KeyFile.read(file))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining("accessible by group or others (rw-r--r--)")
        .hasMessageContaining("chmod 600");
  }

  @Test
  void missingFileSaysHowToCreateOne() {
    Path file = dir.resolve("absent.json");
    assertThatThrownBy(() -> KeyFile.read(file))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining("does not exist")
        .hasMessageContaining("swarm keygen --out");
  }

  @Test
  void rejectsMalformedFilesWithTheReason() throws IOException {
    assertRejected("not json", "is not a JSON object");
    assertRejected("{\"format\":\"other\"}", "\"format\" must be \"swarm-key-v1\"");
    assertRejected("{\"format\":\"swarm-key-v1\"}", "missing object \"signing\"");
    assertRejected(
        signing(new JsonObject().put("algorithm", "RSA")), "signing.algorithm must be \"Ed25519\"");
    assertRejected(
        signing(new JsonObject().put("algorithm", "Ed25519").put("secretKey", "zz")),
        "signing.secretKey is not hex");
    assertRejected(
        signing(new JsonObject().put("algorithm", "Ed25519").put("secretKey", "abcd")),
        "signing.secretKey must be 32 bytes (64 hex digits), got 2");
    String otherPublic = SigningKey.fromSeed(filled((byte) 7)).publicKey().hex();
    assertRejected(
        signing(
            new JsonObject()
                .put("algorithm", "Ed25519")
                .put("secretKey", "00".repeat(32))
                .put("publicKey", otherPublic)),
        "does not belong to signing.secretKey");
    // Found by fuzzing: 32 bytes that are no Ed25519 point at all (was an
    // IllegalArgumentException).
    assertRejected(
        signing(
            new JsonObject()
                .put("algorithm", "Ed25519")
                .put("secretKey", "00".repeat(32))
                .put(
                    "publicKey",
                    "b55612dee37e879738629c8d2a25c8034d1f2d972cd151a2c4d2bfa1055be675")),
        "does not belong to signing.secretKey");
  }

  private static String signing(JsonObject signing) {
    return new JsonObject().put("format", KeyFile.FORMAT).put("signing", signing).encode();
  }

  private void assertRejected(String content, String reason) throws IOException {
    Path file = Files.createTempFile(dir, "key", ".json");
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> KeyFile.read(file))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining(reason);
  }

  private static byte[] filled(byte value) {
    byte[] bytes = new byte[32];
    java.util.Arrays.fill(bytes, value);
    return bytes;
  }
}
