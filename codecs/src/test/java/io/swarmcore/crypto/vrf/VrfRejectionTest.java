package io.swarmcore.crypto.vrf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Everything RFC 9381 says to reject is rejected, each for its own reason. */
class VrfRejectionTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final String MISMATCH = "challenge does not match";
  private static final String S_TOO_LARGE = "proof scalar s is not below the group order";

  static Stream<Named<Rfc9381VectorsTest.Example>> examples() throws IOException {
    return Rfc9381VectorsTest.examples();
  }

  private static Rfc9381VectorsTest.Example first(VrfSuite suite) throws IOException {
    return Rfc9381VectorsTest.examples()
        .map(Named::getPayload)
        .filter(example -> example.suite() == suite)
        .findFirst()
        .orElseThrow();
  }

  private static VrfException verifyFailure(
      Rfc9381VectorsTest.Example example, byte[] publicKey, byte[] alpha, byte[] pi) {
    VrfException failure =
        catchThrowableOfType(
            VrfException.class, () -> example.suite().vrf().verify(publicKey, alpha, pi));
    assertThat(failure).as("verify must reject").isNotNull();
    return failure;
  }

  private static String verifyReason(Rfc9381VectorsTest.Example example, byte[] pi) {
    return verifyFailure(example, example.bytes("PK"), example.bytes("alpha_hex"), pi).getMessage();
  }

  private static String verifyReasonForKey(Rfc9381VectorsTest.Example example, byte[] key) {
    return verifyFailure(example, key, example.bytes("alpha_hex"), example.bytes("pi"))
        .getMessage();
  }

  /** The reason proofToHash gives for {@code pi}, or null when pi decodes. */
  private static String decodeFailure(VrfSuite suite, byte[] pi) {
    try {
      suite.vrf().proofToHash(pi);
      return null;
    } catch (VrfException e) {
      return e.getMessage();
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyModifiedByteOfPiIsRejected(Rfc9381VectorsTest.Example example) {
    VrfSuite suite = example.suite();
    int pointLength = suite.publicKeyLength();
    byte[] pi = example.bytes("pi");
    int decodeFailures = 0;
    for (int i = 0; i < pi.length; i++) {
      for (int mask : new int[] {0x01, 0x80, 0xFF}) {
        byte[] tampered = pi.clone();
        tampered[i] ^= (byte) mask;
        String reason = verifyReason(example, tampered);
        String decodeFailure = decodeFailure(suite, tampered);
        String where = "byte " + i + " ^ 0x" + Integer.toHexString(mask);
        if (i < pointLength) { // Gamma: undecodable, or a different point
          if (decodeFailure != null) {
            decodeFailures++;
            assertThat(decodeFailure).as(where).startsWith("proof point Gamma ");
          }
        } else if (i < pointLength + 16) { // c: always decodes
          assertThat(decodeFailure).as(where).isNull();
        } else { // s: decodes unless it reaches q
          assertThat(decodeFailure).as(where).isIn(null, S_TOO_LARGE);
        }
        assertThat(reason).as(where).isEqualTo(decodeFailure == null ? MISMATCH : decodeFailure);
      }
    }
    assertThat(decodeFailures).as("some modified Gamma encodings do not decode").isPositive();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void aProofDoesNotVerifyUnderAnotherPublicKey(Rfc9381VectorsTest.Example example) {
    byte[] otherKey =
        example
            .suite()
            .vrf()
            .publicKey(
                new byte[] {
                  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
                  24, 25, 26, 27, 28, 29, 30, 31, 32
                });
    assertThat(verifyReasonForKey(example, otherKey)).isEqualTo(MISMATCH);
  }

  @ParameterizedTest
  @MethodSource("examples")
  void aProofDoesNotVerifyForAnotherAlpha(Rfc9381VectorsTest.Example example) {
    byte[] alpha = example.bytes("alpha_hex");
    byte[] longer = Arrays.copyOf(alpha, alpha.length + 1);
    assertThat(
            verifyFailure(example, example.bytes("PK"), longer, example.bytes("pi")).getMessage())
        .isEqualTo(MISMATCH);
    if (alpha.length > 0) {
      byte[] shorter = Arrays.copyOf(alpha, alpha.length - 1);
      assertThat(
              verifyFailure(example, example.bytes("PK"), shorter, example.bytes("pi"))
                  .getMessage())
          .isEqualTo(MISMATCH);
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void proofsOfTheWrongLengthAreRejected(Rfc9381VectorsTest.Example example) {
    byte[] pi = example.bytes("pi");
    int expected = example.suite().proofLength();
    for (byte[] wrong :
        List.of(Arrays.copyOf(pi, pi.length - 1), Arrays.copyOf(pi, pi.length + 1), new byte[0])) {
      String reason = "proof is " + wrong.length + " bytes, expected " + expected;
      assertThat(verifyReason(example, wrong)).isEqualTo(reason);
      assertThat(decodeFailure(example.suite(), wrong)).isEqualTo(reason);
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void sNotBelowTheGroupOrderIsRejected(Rfc9381VectorsTest.Example example) {
    VrfSuite suite = example.suite();
    BigInteger q = suite == VrfSuite.P256_SHA256_TAI ? EcvrfP256.Q : Edwards25519.L;
    for (BigInteger s :
        List.of(
            q,
            q.add(BigInteger.ONE),
            q.add(BigInteger.TWO),
            BigInteger.TWO.pow(256).subtract(BigInteger.ONE))) {
      byte[] tampered = withS(example, s);
      assertThat(verifyReason(example, tampered)).as("s = " + s).isEqualTo(S_TOO_LARGE);
      assertThat(decodeFailure(suite, tampered)).as("s = " + s).isEqualTo(S_TOO_LARGE);
    }
    // the largest valid s decodes and merely fails the challenge
    byte[] largestValid = withS(example, q.subtract(BigInteger.ONE));
    assertThat(decodeFailure(suite, largestValid)).isNull();
    assertThat(verifyReason(example, largestValid)).isEqualTo(MISMATCH);
  }

  @ParameterizedTest
  @MethodSource("examples")
  void zeroScalarsDecodeAndFailTheChallenge(Rfc9381VectorsTest.Example example) {
    int pointLength = example.suite().publicKeyLength();
    byte[] zeroS = withS(example, BigInteger.ZERO);
    byte[] zeroC = example.bytes("pi");
    Arrays.fill(zeroC, pointLength, pointLength + 16, (byte) 0);
    byte[] zeroBoth = zeroS.clone();
    Arrays.fill(zeroBoth, pointLength, pointLength + 16, (byte) 0);
    for (byte[] pi : List.of(zeroS, zeroC, zeroBoth)) {
      assertThat(decodeFailure(example.suite(), pi)).isNull();
      assertThat(verifyReason(example, pi)).isEqualTo(MISMATCH);
    }
  }

  @Test
  void edwardsGammaOfSmallOrderDecodesButFailsTheChallenge() throws IOException {
    var example = first(VrfSuite.EDWARDS25519_SHA512_TAI);
    for (String gamma : Edwards25519Test.torsionPoints()) {
      byte[] pi = withGamma(example, HEX.parseHex(gamma));
      assertThat(decodeFailure(example.suite(), pi)).as(gamma).isNull();
      assertThat(verifyReason(example, pi)).as(gamma).isEqualTo(MISMATCH);
    }
  }

  /** The example's pi with s replaced by {@code s}, encoded as the suite encodes scalars. */
  private static byte[] withS(Rfc9381VectorsTest.Example example, BigInteger s) {
    byte[] pi = example.bytes("pi");
    byte[] encoded =
        example.suite() == VrfSuite.P256_SHA256_TAI
            ? BigIntegers.asUnsignedByteArray(32, s)
            : Edwards25519.littleEndian(s, 32);
    System.arraycopy(encoded, 0, pi, pi.length - 32, 32);
    return pi;
  }

  private static byte[] withGamma(Rfc9381VectorsTest.Example example, byte[] gamma) {
    byte[] pi = example.bytes("pi");
    System.arraycopy(gamma, 0, pi, 0, gamma.length);
    return pi;
  }

  // --- edwards25519 encodings ---

  /** Non-canonical: the y field is p, p + 1 or 2^255 − 1, with either sign bit. */
  private static final List<String> EDWARDS_Y_NOT_BELOW_P =
      List.of(
          "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p
          "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // y = p, sign 1
          "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p + 1
          "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // y = p + 1, sign 1
          "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = 2^255 − 1
          "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"); // ..., sign 1

  /** Non-canonical: x = 0 (y = ±1) with the sign bit set. */
  private static final List<String> EDWARDS_NEGATIVE_ZERO_X =
      List.of(
          "0100000000000000000000000000000000000000000000000000000000000080", // y = 1
          "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"); // y = −1

  @Test
  void edwardsPublicKeysWithYNotBelowPAreRejected() throws IOException {
    var example = first(VrfSuite.EDWARDS25519_SHA512_TAI);
    for (String key : EDWARDS_Y_NOT_BELOW_P) {
      assertThat(verifyReasonForKey(example, HEX.parseHex(key)))
          .as(key)
          .isEqualTo("public key is not canonical: y is not below p");
    }
  }

  @Test
  void edwardsPublicKeysWithNegativeZeroXAreRejected() throws IOException {
    var example = first(VrfSuite.EDWARDS25519_SHA512_TAI);
    for (String key : EDWARDS_NEGATIVE_ZERO_X) {
      assertThat(verifyReasonForKey(example, HEX.parseHex(key)))
          .as(key)
          .isEqualTo("public key is not canonical: x = 0 with the sign bit set");
    }
  }

  @Test
  void edwardsGammaWithNonCanonicalEncodingIsRejected() throws IOException {
    var example = first(VrfSuite.EDWARDS25519_SHA512_TAI);
    for (String gamma : EDWARDS_Y_NOT_BELOW_P) {
      byte[] pi = withGamma(example, HEX.parseHex(gamma));
      String reason = "proof point Gamma is not canonical: y is not below p";
      assertThat(verifyReason(example, pi)).as(gamma).isEqualTo(reason);
      assertThat(decodeFailure(example.suite(), pi)).as(gamma).isEqualTo(reason);
    }
    for (String gamma : EDWARDS_NEGATIVE_ZERO_X) {
      byte[] pi = withGamma(example, HEX.parseHex(gamma));
      assertThat(verifyReason(example, pi))
          .as(gamma)
          .isEqualTo("proof point Gamma is not canonical: x = 0 with the sign bit set");
    }
  }

  @Test
  void edwardsEncodingsOffTheCurveAreRejected() throws IOException {
    var example = first(VrfSuite.EDWARDS25519_SHA512_TAI);
    byte[] offCurve = Edwards25519.littleEndian(edwardsYWithoutX(), 32);
    assertThat(verifyReasonForKey(example, offCurve))
        .isEqualTo("public key is not a curve point: (y² − 1)/(d·y² + 1) is not a square");
    assertThat(verifyReason(example, withGamma(example, offCurve)))
        .isEqualTo("proof point Gamma is not a curve point: (y² − 1)/(d·y² + 1) is not a square");
  }

  /** The smallest y for which (y² − 1)/(d·y² + 1) is not a square mod p (Euler's criterion). */
  private static BigInteger edwardsYWithoutX() {
    BigInteger p = Edwards25519.P;
    BigInteger d =
        BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(p)).mod(p);
    for (BigInteger y = BigInteger.TWO; ; y = y.add(BigInteger.ONE)) {
      BigInteger y2 = y.multiply(y);
      BigInteger ratio =
          y2.subtract(BigInteger.ONE)
              .multiply(d.multiply(y2).add(BigInteger.ONE).modInverse(p))
              .mod(p);
      if (!ratio.modPow(p.subtract(BigInteger.ONE).shiftRight(1), p).equals(BigInteger.ONE)) {
        return y;
      }
    }
  }

  @Test
  void everySmallOrderEdwardsPublicKeyIsRejected() throws IOException {
    var example = first(VrfSuite.EDWARDS25519_SHA512_TAI);
    var torsion = Edwards25519Test.torsionPoints();
    assertThat(torsion).hasSize(8);
    for (String key : torsion) {
      assertThat(verifyReasonForKey(example, HEX.parseHex(key)))
          .as(key)
          .isEqualTo("public key has small order");
    }
  }

  @Test
  void nonCanonicalEncodingsOfSmallOrderPointsAreRejectedAsNonCanonical() throws IOException {
    var example = first(VrfSuite.EDWARDS25519_SHA512_TAI);
    // y = p ≡ 0 (the points of order 4) and y = p + 1 ≡ 1 (the identity), each with both signs,
    // and x = 0 with the sign bit set (the identity and the point of order 2): together with the
    // eight canonical encodings these are all fourteen encodings of small-order points.
    List<String> nonCanonical =
        List.of(
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "0100000000000000000000000000000000000000000000000000000000000080",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    for (String key : nonCanonical) {
      assertThat(verifyReasonForKey(example, HEX.parseHex(key)))
          .as(key)
          .startsWith("public key is not canonical: ");
    }
  }

  @Test
  void edwardsPublicKeysOfTheWrongLengthAreRejected() throws IOException {
    var example = first(VrfSuite.EDWARDS25519_SHA512_TAI);
    byte[] key = example.bytes("PK");
    assertThat(verifyReasonForKey(example, Arrays.copyOf(key, 31)))
        .isEqualTo("public key is 31 bytes, expected 32");
    assertThat(verifyReasonForKey(example, Arrays.copyOf(key, 33)))
        .isEqualTo("public key is 33 bytes, expected 32");
  }

  // --- P-256 encodings ---

  private static final ECCurve P256 = CustomNamedCurves.getByName("secp256r1").getCurve();

  @Test
  void p256EncodingsWithXNotBelowPAreRejected() throws IOException {
    var example = first(VrfSuite.P256_SHA256_TAI);
    for (BigInteger x :
        List.of(
            EcvrfP256.P,
            EcvrfP256.P.add(BigInteger.ONE),
            BigInteger.TWO.pow(256).subtract(BigInteger.ONE))) {
      for (byte prefix : new byte[] {0x02, 0x03}) {
        byte[] encoded = compressed(prefix, x);
        assertThat(verifyReasonForKey(example, encoded))
            .isEqualTo("public key is not canonical: x is not below the field prime p");
        assertThat(verifyReason(example, withGamma(example, encoded)))
            .isEqualTo("proof point Gamma is not canonical: x is not below the field prime p");
      }
    }
  }

  @Test
  void p256EncodingsWithAnotherPrefixAreRejected() throws IOException {
    var example = first(VrfSuite.P256_SHA256_TAI);
    for (int prefix : new int[] {0x00, 0x01, 0x04, 0x06, 0x07, 0xFF}) {
      byte[] key = example.bytes("PK");
      key[0] = (byte) prefix;
      String hex = HexFormat.of().toHexDigits((byte) prefix);
      assertThat(verifyReasonForKey(example, key))
          .isEqualTo(
              "public key has prefix 0x" + hex + "; a compressed point starts with 0x02 or 0x03");
      assertThat(verifyReason(example, withGamma(example, key)))
          .isEqualTo(
              "proof point Gamma has prefix 0x"
                  + hex
                  + "; a compressed point starts with 0x02 or 0x03");
    }
  }

  @Test
  void p256PublicKeysOfTheWrongLengthAreRejected() throws IOException {
    var example = first(VrfSuite.P256_SHA256_TAI);
    byte[] compressedKey = example.bytes("PK");
    byte[] uncompressed = P256.decodePoint(compressedKey).getEncoded(false);
    assertThat(verifyReasonForKey(example, uncompressed))
        .isEqualTo("public key is 65 bytes, expected 33 (a SEC1 compressed point)");
    assertThat(verifyReasonForKey(example, new byte[] {0x00})) // SEC1's point at infinity
        .isEqualTo("public key is 1 bytes, expected 33 (a SEC1 compressed point)");
    assertThat(verifyReasonForKey(example, Arrays.copyOf(compressedKey, 32)))
        .isEqualTo("public key is 32 bytes, expected 33 (a SEC1 compressed point)");
    assertThat(verifyReasonForKey(example, Arrays.copyOf(compressedKey, 34)))
        .isEqualTo("public key is 34 bytes, expected 33 (a SEC1 compressed point)");
  }

  @Test
  void p256PointsOffTheCurveAreRejected() throws IOException {
    var example = first(VrfSuite.P256_SHA256_TAI);
    BigInteger x = p256XWithoutY();
    for (byte prefix : new byte[] {0x02, 0x03}) {
      byte[] encoded = compressed(prefix, x);
      assertThat(verifyReasonForKey(example, encoded))
          .isEqualTo("public key is not on the curve: x³ − 3x + b has no square root");
      assertThat(verifyReason(example, withGamma(example, encoded)))
          .isEqualTo("proof point Gamma is not on the curve: x³ − 3x + b has no square root");
    }
  }

  @Test
  void p256NeverAcceptsTheIdentityAsAKey() throws IOException {
    var example = first(VrfSuite.P256_SHA256_TAI);
    // SEC1 encodes the point at infinity as the single byte 0x00; no 33-byte compressed
    // encoding stands for it
    assertThat(verifyReasonForKey(example, new byte[] {0x00}))
        .isEqualTo("public key is 1 bytes, expected 33 (a SEC1 compressed point)");
    assertThat(verifyReasonForKey(example, new byte[33]))
        .isEqualTo("public key has prefix 0x00; a compressed point starts with 0x02 or 0x03");
  }

  /** The smallest x for which x³ − 3x + b is not a square mod p (Euler's criterion). */
  private static BigInteger p256XWithoutY() {
    BigInteger p = EcvrfP256.P;
    BigInteger b = P256.getB().toBigInteger();
    for (BigInteger x = BigInteger.ONE; ; x = x.add(BigInteger.ONE)) {
      BigInteger rhs = x.pow(3).subtract(x.multiply(BigInteger.valueOf(3))).add(b).mod(p);
      if (!rhs.modPow(p.subtract(BigInteger.ONE).shiftRight(1), p).equals(BigInteger.ONE)) {
        return x;
      }
    }
  }

  private static byte[] compressed(byte prefix, BigInteger x) {
    byte[] encoded = new byte[33];
    encoded[0] = prefix;
    System.arraycopy(BigIntegers.asUnsignedByteArray(32, x), 0, encoded, 1, 32);
    return encoded;
  }

  @Test
  void badSecretKeysAreRefused() {
    Vrf p256 = VrfSuite.P256_SHA256_TAI.vrf();
    assertThatThrownBy(() -> p256.publicKey(new byte[32]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 <= x < q");
    assertThatThrownBy(() -> p256.publicKey(BigIntegers.asUnsignedByteArray(32, EcvrfP256.Q)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 <= x < q");
    assertThatThrownBy(() -> p256.prove(new byte[31], new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a P256_SHA256_TAI secret key is 32 bytes, got 31");
    Vrf edwards = VrfSuite.EDWARDS25519_SHA512_TAI.vrf();
    assertThatThrownBy(() -> edwards.publicKey(new byte[33]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "an EDWARDS25519_SHA512_TAI secret key is a 32-byte RFC 8032 seed, got 33 bytes");
    assertThatThrownBy(() -> edwards.prove(null, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
