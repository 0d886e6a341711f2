package io.swarmcore.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * Pairwise message-authentication keys between validators, derived from their Ed25519 voting keys
 * with no exchange: X25519 on the keys' Montgomery forms (the birational map libsodium's {@code
 * crypto_sign_ed25519_pk_to_curve25519} and {@code _sk_to_curve25519} use), then SHA-256 over a
 * domain, the shared secret and both public keys in byte order. Both ends of a link compute the
 * same key and nobody else can, so an HMAC under it proves the sender as a signature would to the
 * one receiver, at about a hundredth of the cost of an Ed25519 verification (Castro and Liskov's
 * MAC authenticators). Thread-safe; keys are computed once per peer.
 */
public final class LinkKeys {
  public static final int MAC_LENGTH = 32;

  private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
  private static final byte[] DOMAIN =
      "swarm/v1/link-key\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final byte[] scalar;
  private final PublicKey self;
  private final ConcurrentHashMap<PublicKey, SecretKeySpec> keys = new ConcurrentHashMap<>();

  private LinkKeys(byte[] scalar, PublicKey self) {
    this.scalar = scalar;
    this.self = self;
  }

  /** The link keys of the validator holding {@code key}. */
  public static LinkKeys of(SigningKey key) {
    // The Ed25519 secret scalar: the low half of SHA-512(seed); X25519 clamps it the same way.
    byte[] digest = sha("SHA-512").digest(key.seed());
    return new LinkKeys(Arrays.copyOf(digest, X25519.SCALAR_SIZE), key.publicKey());
  }

  /** This validator's X25519 public key (the Montgomery form of its Ed25519 key). */
  byte[] montgomeryPublicKey() {
    byte[] point = new byte[X25519.POINT_SIZE];
    X25519.scalarMultBase(scalar, 0, point, 0);
    return point;
  }

  /** The Montgomery u-coordinate of an Ed25519 public key: u = (1 + y) / (1 − y) mod 2^255 − 19. */
  static byte[] montgomery(PublicKey edwards) {
    byte[] encoded = edwards.bytes();
    encoded[31] &= 0x7F; // the sign of x does not change u
    BigInteger y = new BigInteger(1, reverse(encoded));
    BigInteger denominator = BigInteger.ONE.subtract(y).mod(P);
    if (denominator.signum() == 0) {
      throw new IllegalArgumentException("the neutral point has no Montgomery form");
    }
    BigInteger u = BigInteger.ONE.add(y).multiply(denominator.modInverse(P)).mod(P);
    byte[] bigEndian = u.toByteArray();
    byte[] littleEndian = new byte[X25519.POINT_SIZE];
    for (int i = 0; i < littleEndian.length && i < bigEndian.length; i++) {
      littleEndian[i] = bigEndian[bigEndian.length - 1 - i];
    }
    return littleEndian;
  }

  /**
   * HMAC-SHA-256 of {@code message} under the key shared with {@code peer}.
   *
   * @throws IllegalArgumentException if {@code peer} is this validator's own key or a point of
   *     small order (no secret can be shared with it)
   */
  public byte[] mac(PublicKey peer, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(keyWith(peer));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime must provide HmacSHA256", e);
    }
  }

  /** Whether {@code tag} (possibly null) is {@link #mac} of {@code message} with {@code peer}. */
  public boolean verify(PublicKey peer, byte[] message, byte[] tag) {
    return tag != null
        && tag.length == MAC_LENGTH
        && MessageDigest.isEqual(mac(peer, message), tag);
  }

  private SecretKeySpec keyWith(PublicKey peer) {
    return keys.computeIfAbsent(peer, this::derive);
  }

  private SecretKeySpec derive(PublicKey peer) {
    if (peer.equals(self)) {
      throw new IllegalArgumentException("a validator shares no link key with itself");
    }
    byte[] shared = new byte[X25519.POINT_SIZE];
    X25519.scalarMult(scalar, 0, montgomery(peer), 0, shared, 0);
    if (Arrays.equals(shared, new byte[X25519.POINT_SIZE])) {
      throw new IllegalArgumentException("a key of small order shares no secret: " + peer.hex());
    }
    byte[] a = self.bytes();
    byte[] b = peer.bytes();
    boolean selfFirst = Arrays.compareUnsigned(a, b) < 0;
    MessageDigest sha256 = sha("SHA-256");
    sha256.update(DOMAIN);
    sha256.update(shared);
    sha256.update(selfFirst ? a : b);
    sha256.update(selfFirst ? b : a);
    return new SecretKeySpec(sha256.digest(), "HmacSHA256");
  }

  private static MessageDigest sha(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime must provide " + algorithm, e);
    }
  }

  private static byte[] reverse(byte[] bytes) {
    byte[] reversed = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      reversed[i] = bytes[bytes.length - 1 - i];
    }
    return reversed;
  }

  @Override
  public String toString() {
    return "link keys of " + self.hex(); // never the scalar
  }
}
