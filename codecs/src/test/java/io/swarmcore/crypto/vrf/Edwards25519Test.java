package io.swarmcore.crypto.vrf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;

class Edwards25519Test {
  private static final HexFormat HEX = HexFormat.of();

  /**
   * The eight points of order dividing 8, found as L·P for random points P: L·P is the torsion
   * component of P scaled by L, and L is odd, so every torsion point turns up.
   */
  static Set<String> torsionPoints() {
    Random random = new Random(9381);
    Set<String> found = new LinkedHashSet<>();
    byte[] order = Edwards25519.littleEndian(Edwards25519.L, 32);
    for (int attempt = 0; attempt < 2_000 && found.size() < 8; attempt++) {
      byte[] candidate = new byte[32];
      random.nextBytes(candidate);
      Edwards25519 point;
      try {
        point = Edwards25519.decode(candidate);
      } catch (IllegalArgumentException notAPoint) {
        continue;
      }
      found.add(HEX.formatHex(point.multiply(order).encode()));
    }
    return found;
  }

  @Test
  void theBasePointEncodesAsRfc8032Says() {
    assertThat(HEX.formatHex(Edwards25519.BASE.encode()))
        .isEqualTo("5866666666666666666666666666666666666666666666666666666666666666");
  }

  @Test
  void theBasePointHasOrderL() {
    assertThat(
            Edwards25519.BASE.multiply(Edwards25519.littleEndian(Edwards25519.L, 32)).isIdentity())
        .isTrue();
    assertThat(
            Edwards25519.BASE
                .multiply(Edwards25519.littleEndian(Edwards25519.L.subtract(BigInteger.ONE), 32))
                .add(Edwards25519.BASE)
                .isIdentity())
        .isTrue();
  }

  @Test
  void theIdentityEncodesAsYEqualsOne() {
    assertThat(HEX.formatHex(Edwards25519.IDENTITY.encode()))
        .isEqualTo("0100000000000000000000000000000000000000000000000000000000000000");
    assertThat(Edwards25519.IDENTITY.isIdentity()).isTrue();
    assertThat(Edwards25519.BASE.isIdentity()).isFalse();
  }

  @Test
  void thereAreExactlyEightTorsionPointsAndEachIsKilledByTheCofactor() {
    Set<String> torsion = torsionPoints();
    assertThat(torsion)
        .hasSize(8)
        .contains(
            "0100000000000000000000000000000000000000000000000000000000000000", // identity
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // (0, −1)
            "0000000000000000000000000000000000000000000000000000000000000000", // (√−1, 0)
            "0000000000000000000000000000000000000000000000000000000000000080"); // (−√−1, 0)
    for (String encoded : torsion) {
      assertThat(Edwards25519.decode(HEX.parseHex(encoded)).multiplyByCofactor().isIdentity())
          .as(encoded)
          .isTrue();
    }
  }

  @Test
  void rejectsYNotBelowP() {
    for (String encoded :
        new String[] {
          "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p
          "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // y = p + 1, x < 0
          "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f" // y = 2^255 − 1
        }) {
      assertThatThrownBy(() -> Edwards25519.decode(HEX.parseHex(encoded)))
          .as(encoded)
          .hasMessage("is not canonical: y is not below p");
    }
  }

  @Test
  void rejectsXZeroWithTheSignBitSet() {
    assertThatThrownBy(
            () ->
                Edwards25519.decode(
                    HEX.parseHex(
                        "0100000000000000000000000000000000000000000000000000000000000080")))
        .hasMessage("is not canonical: x = 0 with the sign bit set");
  }

  @Property(tries = 200)
  void decodingAndEncodingRoundTripEveryCanonicalPoint(@ForAll @Size(32) byte[] candidate) {
    Edwards25519 point;
    try {
      point = Edwards25519.decode(candidate);
    } catch (IllegalArgumentException notAPoint) {
      return;
    }
    assertThat(point.encode()).isEqualTo(candidate);
  }

  @Property(tries = 50)
  void publicKeysAgreeWithBouncyCastleEd25519(@ForAll @Size(32) byte[] seed) throws Exception {
    byte[] expected = new byte[32];
    Ed25519.generatePublicKey(seed, 0, expected, 0);
    byte[] scalar = Arrays.copyOf(MessageDigest.getInstance("SHA-512").digest(seed), 32);
    scalar[0] &= (byte) 0xF8; // RFC 8032 §5.1.5 clamping
    scalar[31] &= 0x7F;
    scalar[31] |= 0x40;
    assertThat(Edwards25519.BASE.multiply(scalar).encode()).isEqualTo(expected);
  }

  @Property(tries = 30)
  void scalarMultiplicationDistributesOverScalarAddition(
      @ForAll @Size(31) byte[] a, @ForAll @Size(31) byte[] b) {
    BigInteger sum = Edwards25519.littleEndian(a).add(Edwards25519.littleEndian(b));
    Edwards25519 left = Edwards25519.BASE.multiply(Edwards25519.littleEndian(sum, 32));
    Edwards25519 right =
        Edwards25519.BASE
            .multiply(Arrays.copyOf(a, 32))
            .add(Edwards25519.BASE.multiply(Arrays.copyOf(b, 32)));
    assertThat(left).isEqualTo(right);
    assertThat(left.subtract(right).isIdentity()).isTrue();
  }
}
