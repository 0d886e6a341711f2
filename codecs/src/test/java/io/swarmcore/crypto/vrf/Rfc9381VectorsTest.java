package io.swarmcore.crypto.vrf;

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

/** RFC 9381 Appendix B.1 (P256_SHA256_TAI) and B.3 (EDWARDS25519_SHA512_TAI), byte for byte. */
class Rfc9381VectorsTest {
  private static final HexFormat HEX = HexFormat.of();

  /** One example of the vector file, with the suite it belongs to. */
  record Example(VrfSuite suite, JsonObject vector) {
    byte[] bytes(String field) {
      return HEX.parseHex(vector.getString(field));
    }

    String hex(String field) {
      return vector.getString(field);
    }
  }

  static Stream<Named<Example>> examples() throws IOException {
    return Stream.concat(
        examples("P256_TAI", VrfSuite.P256_SHA256_TAI),
        examples("EDWARDS25519_TAI", VrfSuite.EDWARDS25519_SHA512_TAI));
  }

  static Stream<Named<Example>> p256Examples() throws IOException {
    return examples("P256_TAI", VrfSuite.P256_SHA256_TAI);
  }

  static Stream<Named<Example>> edwardsExamples() throws IOException {
    return examples("EDWARDS25519_TAI", VrfSuite.EDWARDS25519_SHA512_TAI);
  }

  static Stream<Named<Example>> examples(String section, VrfSuite suite) throws IOException {
    try (InputStream in = Rfc9381VectorsTest.class.getResourceAsStream("/vectors/rfc9381.json")) {
      JsonObject file = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return file.getJsonObject(section).getJsonArray("vectors").stream()
          .map(JsonObject.class::cast)
          .map(v -> Named.of(suite + " " + v.getString("name"), new Example(suite, v)))
          .toList()
          .stream();
    }
  }

  private static ProofTranscript transcript(Example example) {
    byte[] secretKey = example.bytes("SK");
    byte[] alpha = example.bytes("alpha_hex");
    return switch (example.suite()) {
      case P256_SHA256_TAI -> EcvrfP256.INSTANCE.transcript(secretKey, alpha);
      case EDWARDS25519_SHA512_TAI -> EcvrfEdwards25519.INSTANCE.transcript(secretKey, alpha);
    };
  }

  @ParameterizedTest
  @MethodSource("examples")
  void derivesThePublicKeyFromTheSecretKey(Example example) {
    byte[] publicKey = example.suite().vrf().publicKey(example.bytes("SK"));
    assertThat(HEX.formatHex(publicKey)).isEqualTo(example.hex("PK"));
  }

  @ParameterizedTest
  @MethodSource("examples")
  void provesExactlyTheVectorProof(Example example) {
    byte[] pi = example.suite().vrf().prove(example.bytes("SK"), example.bytes("alpha_hex"));
    assertThat(HEX.formatHex(pi)).isEqualTo(example.hex("pi"));
  }

  @ParameterizedTest
  @MethodSource("examples")
  void hashesTheVectorProofToTheVectorOutput(Example example) throws VrfException {
    byte[] beta = example.suite().vrf().proofToHash(example.bytes("pi"));
    assertThat(HEX.formatHex(beta)).isEqualTo(example.hex("beta"));
  }

  @ParameterizedTest
  @MethodSource("examples")
  void verifiesTheVectorProofAndReturnsTheVectorOutput(Example example) throws VrfException {
    byte[] beta =
        example
            .suite()
            .vrf()
            .verify(example.bytes("PK"), example.bytes("alpha_hex"), example.bytes("pi"));
    assertThat(HEX.formatHex(beta)).isEqualTo(example.hex("beta"));
  }

  @ParameterizedTest
  @MethodSource("examples")
  void reproducesEveryPublishedIntermediateValue(Example example) {
    ProofTranscript transcript = transcript(example);
    assertThat(transcript.ctr()).as("ctr").isEqualTo(example.vector().getInteger("ctr"));
    assertThat(HEX.formatHex(transcript.h())).as("H").isEqualTo(example.hex("H"));
    assertThat(HEX.formatHex(transcript.k())).as("k").isEqualTo(example.hex("k"));
    assertThat(HEX.formatHex(transcript.gamma())).as("Gamma").isEqualTo(example.hex("Gamma"));
    assertThat(HEX.formatHex(transcript.u())).as("U").isEqualTo(example.hex("U"));
    assertThat(HEX.formatHex(transcript.v())).as("V").isEqualTo(example.hex("V"));
    assertThat(HEX.formatHex(transcript.c())).as("c").isEqualTo(example.hex("c"));
    assertThat(HEX.formatHex(transcript.s())).as("s").isEqualTo(example.hex("s"));
    assertThat(HEX.formatHex(transcript.pi())).as("pi").isEqualTo(example.hex("pi"));
  }

  @ParameterizedTest
  @MethodSource("p256Examples")
  void p256SecretScalarIsTheSecretKey(Example example) {
    assertThat(HEX.formatHex(transcript(example).x())).isEqualTo(example.hex("SK"));
  }

  @ParameterizedTest
  @MethodSource("edwardsExamples")
  void edwardsSecretScalarIsTheClampedSeedHash(Example example) {
    assertThat(HEX.formatHex(EcvrfEdwards25519.secretScalar(example.bytes("SK"))))
        .isEqualTo(example.hex("x"));
    assertThat(HEX.formatHex(transcript(example).x())).isEqualTo(example.hex("x"));
  }

  @ParameterizedTest
  @MethodSource("edwardsExamples")
  void edwardsNonceHashIsTheVectorKString(Example example) {
    assertThat(HEX.formatHex(transcript(example).kString())).isEqualTo(example.hex("k_string"));
  }
}
