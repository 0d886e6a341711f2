package io.swarmcore.crypto.vrf;

import java.math.BigInteger;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * A point of the twisted Edwards curve edwards25519 (RFC 8032 §5.1): −x² + y² = 1 + d·x²·y² over
 * GF(2²⁵⁵ − 19), in extended coordinates (X:Y:Z:T) with x = X/Z, y = Y/Z and x·y = T/Z. Immutable.
 *
 * <p>Bouncy Castle keeps its Edwards point arithmetic private, so this class builds the little that
 * ECVRF needs on BC's field {@link X25519Field} (ten signed limbs, constant-time add, sub, mul,
 * sqr, inv and cswap).
 *
 * <p>Constant time: {@link #multiply(byte[])} is a Montgomery ladder over all 256 scalar bits that
 * runs the same unified addition twice per bit and selects operands with masked swaps, so neither
 * the control flow nor the memory accesses depend on the scalar; {@link #add} uses the complete
 * formula, which has no exceptional cases to branch on; {@link #encode} inverts with the
 * constant-time {@code X25519Field.inv}. That suffices because secret scalars (the VRF key x and
 * the nonce k) only ever meet the ladder, and the points they produce are public. {@link #decode},
 * {@link #isIdentity} and {@link #equals} branch freely: they only see public data (public keys,
 * proofs, hash outputs).
 */
final class Edwards25519 {
  /** p = 2²⁵⁵ − 19, the field prime. */
  static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));

  /** L = 2²⁵² + 27742317777372353535851937790883648493, the order of the prime subgroup. */
  static final BigInteger L =
      BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

  /** The encoded length of a point (RFC 8032 §5.1.2). */
  static final int ENCODED_LENGTH = 32;

  /** d = −121665/121666 mod p. */
  private static final int[] D =
      fieldElement(
          BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P));

  private static final int[] TWO_D = fieldElement(fieldValue(D).shiftLeft(1).mod(P));

  static final Edwards25519 IDENTITY =
      new Edwards25519(fieldElement(0), fieldElement(1), fieldElement(1), fieldElement(0));

  /** B, the base point of RFC 8032 §5.1 (y = 4/5, x even). */
  static final Edwards25519 BASE =
      decode(
          HexFormat.of()
              .parseHex("5866666666666666666666666666666666666666666666666666666666666666"));

  private final int[] x;
  private final int[] y;
  private final int[] z;
  private final int[] t;

  private Edwards25519(int[] x, int[] y, int[] z, int[] t) {
    this.x = x;
    this.y = y;
    this.z = z;
    this.t = t;
  }

  /**
   * Decodes a point per RFC 8032 §5.1.3, rejecting every non-canonical encoding.
   *
   * @throws IllegalArgumentException naming why the bytes are not a point: y not below p, no square
   *     root for x², or x = 0 with the sign bit set
   */
  static Edwards25519 decode(byte[] encoded) {
    if (encoded.length != ENCODED_LENGTH) {
      throw new IllegalArgumentException(
          "is " + encoded.length + " bytes, expected " + ENCODED_LENGTH);
    }
    int sign = (encoded[31] >>> 7) & 1;
    byte[] yBytes = encoded.clone();
    yBytes[31] &= 0x7F;
    if (littleEndian(yBytes).compareTo(P) >= 0) {
      throw new IllegalArgumentException("is not canonical: y is not below p");
    }
    int[] y = X25519Field.create();
    X25519Field.decode(yBytes, 0, y);

    // x² = (y² − 1) / (d·y² + 1)
    int[] u = X25519Field.create();
    int[] v = X25519Field.create();
    X25519Field.sqr(y, u);
    X25519Field.mul(D, u, v);
    X25519Field.subOne(u);
    X25519Field.addOne(v);
    int[] x = X25519Field.create();
    if (!X25519Field.sqrtRatioVar(u, v, x)) {
      throw new IllegalArgumentException(
          "is not a curve point: (y² − 1)/(d·y² + 1) is not a square");
    }
    X25519Field.normalize(x);
    if (X25519Field.isZeroVar(x) && sign == 1) {
      throw new IllegalArgumentException("is not canonical: x = 0 with the sign bit set");
    }
    if ((x[0] & 1) != sign) {
      X25519Field.negate(x, x);
      X25519Field.normalize(x);
    }
    int[] t = X25519Field.create();
    X25519Field.mul(x, y, t);
    return new Edwards25519(x, y, fieldElement(1), t);
  }

  /** The 32-byte RFC 8032 §5.1.2 encoding: y little-endian, the parity of x in the top bit. */
  byte[] encode() {
    int[] zInverse = X25519Field.create();
    X25519Field.inv(z, zInverse);
    int[] affineX = X25519Field.create();
    int[] affineY = X25519Field.create();
    X25519Field.mul(x, zInverse, affineX);
    X25519Field.mul(y, zInverse, affineY);
    X25519Field.normalize(affineX);
    X25519Field.normalize(affineY);
    byte[] encoded = new byte[ENCODED_LENGTH];
    X25519Field.encode(affineY, encoded, 0);
    encoded[31] |= (byte) ((affineX[0] & 1) << 7);
    return encoded;
  }

  /**
   * this + other with the unified, complete addition law for a = −1 ("add-2008-hwcd-3", RFC 8032
   * §5.1.4); it also doubles, so there is no separate doubling formula to keep in step.
   */
  Edwards25519 add(Edwards25519 other) {
    int[][] sum = new int[4][X25519Field.SIZE];
    add(x, y, z, t, other.x, other.y, other.z, other.t, sum[0], sum[1], sum[2], sum[3]);
    return new Edwards25519(sum[0], sum[1], sum[2], sum[3]);
  }

  Edwards25519 negate() {
    int[] negX = X25519Field.create();
    int[] negT = X25519Field.create();
    X25519Field.negate(x, negX);
    X25519Field.negate(t, negT);
    X25519Field.carry(negX);
    X25519Field.carry(negT);
    return new Edwards25519(negX, y.clone(), z.clone(), negT);
  }

  Edwards25519 subtract(Edwards25519 other) {
    return add(other.negate());
  }

  /** 8·this: clears the torsion component (the cofactor of edwards25519 is 8). */
  Edwards25519 multiplyByCofactor() {
    Edwards25519 result = this;
    for (int i = 0; i < 3; i++) {
      result = result.add(result);
    }
    return result;
  }

  /**
   * scalar·this for a 32-byte little-endian scalar (any 256-bit value, not reduced), by a
   * constant-time Montgomery ladder: 256 iterations, each one addition and one doubling, with the
   * operands exchanged by masked swaps. Invariant: r1 − r0 = this.
   */
  Edwards25519 multiply(byte[] scalar) {
    if (scalar.length != 32) {
      throw new IllegalArgumentException("a scalar is 32 bytes, got " + scalar.length);
    }
    int[] x0 = fieldElement(0);
    int[] y0 = fieldElement(1);
    int[] z0 = fieldElement(1);
    int[] t0 = fieldElement(0);
    int[] x1 = x.clone();
    int[] y1 = y.clone();
    int[] z1 = z.clone();
    int[] t1 = t.clone();
    int swapped = 0;
    for (int i = 255; i >= 0; i--) {
      int bit = (scalar[i >>> 3] >>> (i & 7)) & 1;
      int swap = swapped ^ bit;
      X25519Field.cswap(swap, x0, x1);
      X25519Field.cswap(swap, y0, y1);
      X25519Field.cswap(swap, z0, z1);
      X25519Field.cswap(swap, t0, t1);
      swapped = bit;
      add(x0, y0, z0, t0, x1, y1, z1, t1, x1, y1, z1, t1);
      add(x0, y0, z0, t0, x0, y0, z0, t0, x0, y0, z0, t0);
    }
    X25519Field.cswap(swapped, x0, x1);
    X25519Field.cswap(swapped, y0, y1);
    X25519Field.cswap(swapped, z0, z1);
    X25519Field.cswap(swapped, t0, t1);
    return new Edwards25519(x0, y0, z0, t0);
  }

  /** True for the neutral element (0, 1). Variable time: only used on public points. */
  boolean isIdentity() {
    int[] difference = X25519Field.create();
    X25519Field.sub(y, z, difference);
    X25519Field.normalize(difference);
    int[] normalizedX = x.clone();
    X25519Field.normalize(normalizedX);
    return X25519Field.isZeroVar(normalizedX) && X25519Field.isZeroVar(difference);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Edwards25519 point && subtract(point).isIdentity();
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(encode());
  }

  @Override
  public String toString() {
    return "edwards25519 point " + HexFormat.of().formatHex(encode());
  }

  /**
   * (x3:y3:z3:t3) = (x1:y1:z1:t1) + (x2:y2:z2:t2). The outputs may alias either input: every input
   * is consumed before the first output is written.
   */
  private static void add(
      int[] x1,
      int[] y1,
      int[] z1,
      int[] t1,
      int[] x2,
      int[] y2,
      int[] z2,
      int[] t2,
      int[] x3,
      int[] y3,
      int[] z3,
      int[] t3) {
    int[] a = X25519Field.create();
    int[] b = X25519Field.create();
    int[] c = X25519Field.create();
    int[] d = X25519Field.create();
    int[] scratch = X25519Field.create();
    // A = (Y1 − X1)·(Y2 − X2), B = (Y1 + X1)·(Y2 + X2)
    X25519Field.sub(y1, x1, a);
    X25519Field.sub(y2, x2, scratch);
    X25519Field.mul(a, scratch, a);
    X25519Field.add(y1, x1, b);
    X25519Field.add(y2, x2, scratch);
    X25519Field.mul(b, scratch, b);
    // C = T1·2d·T2, D = Z1·2·Z2
    X25519Field.mul(t1, TWO_D, c);
    X25519Field.mul(c, t2, c);
    X25519Field.mul(z1, z2, d);
    X25519Field.add(d, d, d);
    // E = B − A, F = D − C, G = D + C, H = B + A; carried so that every limb stays small enough
    // for the next multiplication.
    int[] e = X25519Field.create();
    int[] f = X25519Field.create();
    int[] g = X25519Field.create();
    int[] h = X25519Field.create();
    X25519Field.sub(b, a, e);
    X25519Field.sub(d, c, f);
    X25519Field.add(d, c, g);
    X25519Field.add(b, a, h);
    X25519Field.carry(e);
    X25519Field.carry(f);
    X25519Field.carry(g);
    X25519Field.carry(h);
    // X3 = E·F, Y3 = G·H, T3 = E·H, Z3 = F·G
    X25519Field.mul(e, f, x3);
    X25519Field.mul(g, h, y3);
    X25519Field.mul(e, h, t3);
    X25519Field.mul(f, g, z3);
  }

  private static int[] fieldElement(long value) {
    return fieldElement(BigInteger.valueOf(value));
  }

  private static int[] fieldElement(BigInteger value) {
    byte[] bytes = new byte[32];
    byte[] bigEndian = value.toByteArray();
    for (int i = 0; i < bigEndian.length && i < 32; i++) {
      bytes[i] = bigEndian[bigEndian.length - 1 - i];
    }
    int[] element = X25519Field.create();
    X25519Field.decode(bytes, 0, element);
    return element;
  }

  private static BigInteger fieldValue(int[] element) {
    int[] normalized = element.clone();
    X25519Field.normalize(normalized);
    byte[] bytes = new byte[32];
    X25519Field.encode(normalized, bytes, 0);
    return littleEndian(bytes);
  }

  /** The unsigned integer whose little-endian encoding is {@code bytes}. */
  static BigInteger littleEndian(byte[] bytes) {
    byte[] bigEndian = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      bigEndian[i] = bytes[bytes.length - 1 - i];
    }
    return new BigInteger(1, bigEndian);
  }

  /** {@code value} (0 ≤ value < 2^(8·length)) as {@code length} little-endian bytes. */
  static byte[] littleEndian(BigInteger value, int length) {
    if (value.signum() < 0 || value.bitLength() > 8 * length) {
      throw new IllegalArgumentException("value does not fit in " + length + " bytes");
    }
    byte[] bigEndian = value.toByteArray();
    byte[] bytes = new byte[length];
    for (int i = 0; i < length && i < bigEndian.length; i++) {
      bytes[i] = bigEndian[bigEndian.length - 1 - i];
    }
    return bytes;
  }
}
