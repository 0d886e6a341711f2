package io.swarmcore.crypto.vrf;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * ECVRF-EDWARDS25519-SHA512-TAI (RFC 9381 §5.5, suite_string 0x03) with RFC 8032 keys: the secret
 * key is the 32-byte seed, x the clamped first half of SHA-512(seed).
 *
 * <p>Constant time: the secret scalars (x and the nonce k) only ever meet {@link
 * Edwards25519#multiply}, a Montgomery ladder over all 256 bits with masked swaps. The scalar
 * arithmetic mod L (k = k_string mod L, s = k + c·x) uses {@link BigInteger}, exactly as Bouncy
 * Castle's own ECDSA does with its nonces. Decoding, hashing to the curve and verification only
 * handle public data; verification reuses the ladder for simplicity, not for secrecy.
 */
final class EcvrfEdwards25519 implements Vrf {
  static final EcvrfEdwards25519 INSTANCE = new EcvrfEdwards25519();

  private static final byte SUITE = 0x03;
  private static final int POINT_LENGTH = Edwards25519.ENCODED_LENGTH; // ptLen
  private static final int C_LENGTH = 16; // cLen
  private static final int Q_LENGTH = 32; // qLen
  private static final int PROOF_LENGTH = POINT_LENGTH + C_LENGTH + Q_LENGTH;
  private static final int SEED_LENGTH = 32;

  private EcvrfEdwards25519() {}

  @Override
  public VrfSuite suite() {
    return VrfSuite.EDWARDS25519_SHA512_TAI;
  }

  @Override
  public VrfKeyPair generate(SecureRandom random) {
    Objects.requireNonNull(random, "random");
    byte[] seed = new byte[SEED_LENGTH];
    random.nextBytes(seed);
    return new VrfKeyPair(suite(), seed, publicKey(seed));
  }

  @Override
  public byte[] publicKey(byte[] secretKey) {
    ExpandedKey key = expand(secretKey);
    try {
      return Edwards25519.BASE.multiply(key.x()).encode();
    } finally {
      key.erase();
    }
  }

  @Override
  public byte[] prove(byte[] secretKey, byte[] alpha) {
    return transcript(secretKey, alpha).pi();
  }

  /** ECVRF_prove (RFC 9381 §5.1) with every intermediate value kept. */
  ProofTranscript transcript(byte[] secretKey, byte[] alpha) {
    Objects.requireNonNull(alpha, "alpha");
    ExpandedKey key = expand(secretKey);
    try {
      byte[] publicKey = Edwards25519.BASE.multiply(key.x()).encode(); // 1. Y = x·B
      HashedPoint h = encodeToCurve(publicKey, alpha); // 2. H = encode_to_curve(PK_string, alpha)
      byte[] hString = h.point().encode(); // 3. h_string = point_to_string(H)
      byte[] gamma = h.point().multiply(key.x()).encode(); // 4. Gamma = x·H
      // 5. ECVRF_nonce_generation_RFC8032 (§5.4.2.2): k = SHA-512(hashed_sk[32..64] || h_string)
      // read little-endian, mod L
      byte[] kString = sha512(key.prefix(), hString);
      BigInteger k = Edwards25519.littleEndian(kString).mod(Edwards25519.L);
      byte[] kBytes = Edwards25519.littleEndian(k, Q_LENGTH);
      byte[] u = Edwards25519.BASE.multiply(kBytes).encode();
      byte[] v = h.point().multiply(kBytes).encode();
      byte[] c = challenge(publicKey, hString, gamma, u, v); // 6
      BigInteger x = Edwards25519.littleEndian(key.x());
      BigInteger s = k.add(Edwards25519.littleEndian(c).multiply(x)).mod(Edwards25519.L); // 7
      byte[] sString = Edwards25519.littleEndian(s, Q_LENGTH);
      byte[] pi = concat(gamma, c, sString); // 8. pi = point_to_string(Gamma) || c || s
      return new ProofTranscript(
          key.x().clone(), h.ctr(), hString, kString, kBytes, gamma, u, v, c, sString, pi);
    } finally {
      key.erase();
    }
  }

  @Override
  public byte[] proofToHash(byte[] pi) throws VrfException {
    return hashGamma(decodeProof(pi).gamma());
  }

  @Override
  public byte[] verify(byte[] publicKey, byte[] alpha, byte[] pi) throws VrfException {
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(alpha, "alpha");
    Objects.requireNonNull(pi, "pi");
    Edwards25519 y = decodePoint(publicKey, "public key"); // §5.3 step 1
    // 2. ECVRF_validate_key (§5.4.5): a key of small order would let anyone forge proofs.
    if (y.multiplyByCofactor().isIdentity()) {
      throw new VrfException("public key has small order");
    }
    Proof proof = decodeProof(pi); // 3-4
    Edwards25519 h = encodeToCurve(publicKey, alpha).point(); // 5
    byte[] s = Edwards25519.littleEndian(proof.s(), Q_LENGTH);
    byte[] c = Arrays.copyOf(proof.cString(), Q_LENGTH);
    Edwards25519 u = Edwards25519.BASE.multiply(s).subtract(y.multiply(c)); // 6. U = s·B − c·Y
    Edwards25519 v = h.multiply(s).subtract(proof.gamma().multiply(c)); // 7. V = s·H − c·Gamma
    byte[] expected =
        challenge(publicKey, h.encode(), proof.gamma().encode(), u.encode(), v.encode()); // 8
    if (!MessageDigest.isEqual(expected, proof.cString())) { // 9
      throw new VrfException("challenge does not match");
    }
    return hashGamma(proof.gamma());
  }

  /** The point H and the try-and-increment counter that produced it. */
  record HashedPoint(Edwards25519 point, int ctr) {}

  /**
   * ECVRF_encode_to_curve_try_and_increment (RFC 9381 §5.4.1.1) with encode_to_curve_salt =
   * PK_string; interpret_hash_value_as_a_point(s) = string_to_point(s[0..32]), then H is multiplied
   * by the cofactor 8.
   */
  static HashedPoint encodeToCurve(byte[] salt, byte[] alpha) {
    byte[] front = {SUITE, 0x01};
    for (int ctr = 0; ctr <= 0xFF; ctr++) {
      byte[] hash = sha512(front, salt, alpha, new byte[] {(byte) ctr, 0x00});
      Edwards25519 point;
      try {
        point = Edwards25519.decode(Arrays.copyOf(hash, POINT_LENGTH));
      } catch (IllegalArgumentException notAPoint) {
        continue; // about half of all y coordinates are not on the curve: try the next counter
      }
      Edwards25519 h = point.multiplyByCofactor();
      if (!h.isIdentity()) {
        return new HashedPoint(h, ctr);
      }
    }
    // Each attempt fails with probability about 1/2, so this happens with probability 2^-256.
    throw new IllegalStateException("try-and-increment found no curve point in 256 attempts");
  }

  /**
   * ECVRF_challenge_generation (RFC 9381 §5.4.3): the first cLen bytes of Hash(suite_string || 0x02
   * || P1 || ... || P5 || 0x00), read as a little-endian integer.
   */
  private static byte[] challenge(byte[] y, byte[] h, byte[] gamma, byte[] u, byte[] v) {
    byte[] hash = sha512(new byte[] {SUITE, 0x02}, y, h, gamma, u, v, new byte[] {0x00});
    return Arrays.copyOf(hash, C_LENGTH);
  }

  /** ECVRF_proof_to_hash (RFC 9381 §5.2) after decoding: Hash(0x03 || 0x03 || 8·Gamma || 0x00). */
  private static byte[] hashGamma(Edwards25519 gamma) {
    return sha512(new byte[] {SUITE, 0x03}, gamma.multiplyByCofactor().encode(), new byte[] {0x00});
  }

  private record Proof(Edwards25519 gamma, byte[] cString, BigInteger s) {}

  /** ECVRF_decode_proof (RFC 9381 §5.4.4). */
  private static Proof decodeProof(byte[] pi) throws VrfException {
    Objects.requireNonNull(pi, "pi");
    if (pi.length != PROOF_LENGTH) {
      throw new VrfException("proof is " + pi.length + " bytes, expected " + PROOF_LENGTH);
    }
    Edwards25519 gamma = decodePoint(Arrays.copyOfRange(pi, 0, POINT_LENGTH), "proof point Gamma");
    byte[] cString = Arrays.copyOfRange(pi, POINT_LENGTH, POINT_LENGTH + C_LENGTH);
    BigInteger s =
        Edwards25519.littleEndian(Arrays.copyOfRange(pi, POINT_LENGTH + C_LENGTH, PROOF_LENGTH));
    if (s.compareTo(Edwards25519.L) >= 0) {
      throw new VrfException("proof scalar s is not below the group order");
    }
    return new Proof(gamma, cString, s);
  }

  /**
   * string_to_point (RFC 9381 §5.5): RFC 8032 §5.1.3 decoding, non-canonical encodings rejected.
   */
  private static Edwards25519 decodePoint(byte[] encoded, String what) throws VrfException {
    try {
      return Edwards25519.decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new VrfException(what + " " + e.getMessage());
    }
  }

  /** The RFC 8032 §5.1.5 expansion of a seed: x = clamp(h[0..32]), prefix = h[32..64]. */
  private record ExpandedKey(byte[] x, byte[] prefix) {
    void erase() {
      Arrays.fill(x, (byte) 0);
      Arrays.fill(prefix, (byte) 0);
    }
  }

  /** The secret scalar x (little-endian, clamped) of an RFC 8032 seed; exposed for the vectors. */
  static byte[] secretScalar(byte[] secretKey) {
    ExpandedKey key = expand(secretKey);
    Arrays.fill(key.prefix(), (byte) 0);
    return key.x();
  }

  private static ExpandedKey expand(byte[] secretKey) {
    if (secretKey == null || secretKey.length != SEED_LENGTH) {
      throw new IllegalArgumentException(
          "an EDWARDS25519_SHA512_TAI secret key is a "
              + SEED_LENGTH
              + "-byte RFC 8032 seed, got "
              + (secretKey == null ? "none" : secretKey.length + " bytes"));
    }
    byte[] hash = sha512(secretKey);
    byte[] x = Arrays.copyOfRange(hash, 0, 32);
    byte[] prefix = Arrays.copyOfRange(hash, 32, 64);
    Arrays.fill(hash, (byte) 0);
    x[0] &= (byte) 0xF8; // RFC 8032 §5.1.5 step 2: clear the three low bits ...
    x[31] &= 0x7F; // ... and the top bit,
    x[31] |= 0x40; // and set the second-highest bit
    return new ExpandedKey(x, prefix);
  }

  private static byte[] sha512(byte[]... parts) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime must provide SHA-512", e);
    }
    for (byte[] part : parts) {
      digest.update(part);
    }
    return digest.digest();
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] result = new byte[length];
    int offset = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, result, offset, part.length);
      offset += part.length;
    }
    return result;
  }
}
