package io.swarmcore.crypto.vrf;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A VRF secret key with its public key, in the encodings of {@code suite}. The arrays are copied in
 * and out, so a key pair cannot be changed after construction. {@link #toString()} never reveals
 * the secret.
 */
public record VrfKeyPair(VrfSuite suite, byte[] secretKey, byte[] publicKey) {
  public VrfKeyPair {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(secretKey, "secretKey");
    Objects.requireNonNull(publicKey, "publicKey");
    if (secretKey.length != suite.secretKeyLength()) {
      throw new IllegalArgumentException(
          "a "
              + suite
              + " secret key is "
              + suite.secretKeyLength()
              + " bytes, got "
              + secretKey.length);
    }
    if (publicKey.length != suite.publicKeyLength()) {
      throw new IllegalArgumentException(
          "a "
              + suite
              + " public key is "
              + suite.publicKeyLength()
              + " bytes, got "
              + publicKey.length);
    }
    secretKey = secretKey.clone();
    publicKey = publicKey.clone();
  }

  @Override
  public byte[] secretKey() {
    return secretKey.clone();
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof VrfKeyPair pair
        && suite == pair.suite
        && Arrays.equals(secretKey, pair.secretKey)
        && Arrays.equals(publicKey, pair.publicKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(suite, Arrays.hashCode(publicKey));
  }

  @Override
  public String toString() {
    return suite + " VRF key pair for " + HexFormat.of().formatHex(publicKey);
  }
}
