package io.swarmcore.crypto;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 signing key (RFC 8032) with its public key. Thread-safe: signing keeps no state
 * between calls. {@link #toString()} never reveals the secret.
 */
public final class SigningKey {
  public static final int SEED_LENGTH = Ed25519.SECRET_KEY_SIZE;
  public static final int SIGNATURE_LENGTH = Ed25519.SIGNATURE_SIZE;

  private final Ed25519PrivateKeyParameters parameters;
  private final PublicKey publicKey;

  private SigningKey(Ed25519PrivateKeyParameters parameters) {
    this.parameters = parameters;
    this.publicKey = PublicKey.of(parameters.generatePublicKey().getEncoded());
  }

  public static SigningKey generate(SecureRandom random) {
    return new SigningKey(new Ed25519PrivateKeyParameters(random));
  }

  /** The key whose RFC 8032 32-byte secret (the seed) is {@code seed}. */
  public static SigningKey fromSeed(byte[] seed) {
    if (seed == null || seed.length != SEED_LENGTH) {
      throw new IllegalArgumentException(
          "an Ed25519 secret key is "
              + SEED_LENGTH
              + " bytes, got "
              + (seed == null ? "none" : seed.length));
    }
    return new SigningKey(new Ed25519PrivateKeyParameters(seed, 0));
  }

  /** Signs exactly {@code message}. */
  public byte[] sign(byte[] message) {
    byte[] signature = new byte[SIGNATURE_LENGTH];
    parameters.sign(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
    return signature;
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** The 32-byte secret; only key files should ever ask for it. */
  public byte[] seed() {
    return parameters.getEncoded();
  }

  @Override
  public String toString() {
    return "Ed25519 signing key for " + publicKey.hex();
  }
}
