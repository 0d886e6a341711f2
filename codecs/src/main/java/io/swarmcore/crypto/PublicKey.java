package io.swarmcore.crypto;

import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** An Ed25519 verifying key (RFC 8032). Immutable and safe to share between threads. */
public final class PublicKey {
  public static final int LENGTH = Ed25519.PUBLIC_KEY_SIZE;

  private final byte[] encoded;
  private final Ed25519PublicKeyParameters parameters;

  private PublicKey(byte[] encoded, Ed25519PublicKeyParameters parameters) {
    this.encoded = encoded;
    this.parameters = parameters;
  }

  /**
   * Decodes a 32-byte RFC 8032 public key.
   *
   * @throws IllegalArgumentException if the length is wrong or the bytes are not a curve point
   */
  public static PublicKey of(byte[] encoded) {
    if (encoded == null || encoded.length != LENGTH) {
      throw new IllegalArgumentException(
          "an Ed25519 public key is "
              + LENGTH
              + " bytes, got "
              + (encoded == null ? "none" : encoded.length));
    }
    byte[] copy = encoded.clone();
    if (!Ed25519.validatePublicKeyFull(copy, 0)) {
      throw new IllegalArgumentException("not a valid Ed25519 public key: " + hex(copy));
    }
    return new PublicKey(copy, new Ed25519PublicKeyParameters(copy, 0));
  }

  /** Decodes a public key from 64 hex digits. */
  public static PublicKey ofHex(String hex) {
    return of(HexFormat.of().parseHex(hex));
  }

  /**
   * True when {@code signature} is this key's RFC 8032 Ed25519 signature of exactly {@code
   * message}. Uses the same Bouncy Castle code as {@code Ed25519Signer}, without its copy of the
   * message into a buffer.
   */
  public boolean verify(byte[] message, byte[] signature) {
    if (signature == null || signature.length != Ed25519.SIGNATURE_SIZE) {
      return false;
    }
    return parameters.verify(
        Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
  }

  public byte[] bytes() {
    return encoded.clone();
  }

  public String hex() {
    return hex(encoded);
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PublicKey key && Arrays.equals(encoded, key.encoded);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encoded);
  }

  @Override
  public String toString() {
    return "Ed25519 public key " + hex();
  }
}
