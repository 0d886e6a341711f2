package io.swarmcore.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class Ed25519VectorsTest {
  private static final HexFormat HEX = HexFormat.of();

  static Stream<Named<JsonObject>> rfc8032Vectors() throws IOException {
    try (InputStream in =
        Ed25519VectorsTest.class.getResourceAsStream("/vectors/rfc8032-ed25519.json")) {
      JsonObject file = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return file.getJsonArray("vectors").stream()
          .map(JsonObject.class::cast)
          .map(vector -> Named.of(vector.getString("name"), vector));
    }
  }

  @ParameterizedTest
  @MethodSource("rfc8032Vectors")
  void derivesThePublicKeyOfTheVector(JsonObject vector) {
    SigningKey key = SigningKey.fromSeed(HEX.parseHex(vector.getString("secretKey")));
    assertThat(key.publicKey().hex()).isEqualTo(vector.getString("publicKey"));
  }

  @ParameterizedTest
  @MethodSource("rfc8032Vectors")
  void signsExactlyAsTheVector(JsonObject vector) {
    SigningKey key = SigningKey.fromSeed(HEX.parseHex(vector.getString("secretKey")));
    byte[] signature = key.sign(HEX.parseHex(vector.getString("message")));
    assertThat(HEX.formatHex(signature)).isEqualTo(vector.getString("signature"));
  }

  @ParameterizedTest
  @MethodSource("rfc8032Vectors")
  void verifiesTheVectorSignature(JsonObject vector) {
    PublicKey key = PublicKey.ofHex(vector.getString("publicKey"));
    assertThat(
            key.verify(
                HEX.parseHex(vector.getString("message")),
                HEX.parseHex(vector.getString("signature"))))
        .isTrue();
  }
}
