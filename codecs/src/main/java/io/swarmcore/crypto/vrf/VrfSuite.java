package io.swarmcore.crypto.vrf;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The RFC 9381 ECVRF cipher suites Swarm supports, both with try-and-increment encode_to_curve
 * (§5.5).
 */
public enum VrfSuite {
  /** ECVRF-P256-SHA256-TAI, suite_string 0x01. */
  P256_SHA256_TAI((byte) 0x01, 33, 32, 81, 32),
  /** ECVRF-EDWARDS25519-SHA512-TAI, suite_string 0x03. */
  EDWARDS25519_SHA512_TAI((byte) 0x03, 32, 32, 80, 64);

  private final byte suiteString;
  private final int publicKeyLength;
  private final int secretKeyLength;
  private final int proofLength;
  private final int hashLength;

  VrfSuite(
      byte suiteString, int publicKeyLength, int secretKeyLength, int proofLength, int hashLength) {
    this.suiteString = suiteString;
    this.publicKeyLength = publicKeyLength;
    this.secretKeyLength = secretKeyLength;
    this.proofLength = proofLength;
    this.hashLength = hashLength;
  }

  public byte suiteString() {
    return suiteString;
  }

  public int publicKeyLength() {
    return publicKeyLength;
  }

  public int secretKeyLength() {
    return secretKeyLength;
  }

  /** The length of pi = Gamma || c || s. */
  public int proofLength() {
    return proofLength;
  }

  /** The length of the VRF output beta. */
  public int hashLength() {
    return hashLength;
  }

  /** The suite's implementation; stateless and thread-safe. */
  public Vrf vrf() {
    return switch (this) {
      case P256_SHA256_TAI -> EcvrfP256.INSTANCE;
      case EDWARDS25519_SHA512_TAI -> EcvrfEdwards25519.INSTANCE;
    };
  }

  /**
   * The suite named {@code name}, ignoring case.
   *
   * @throws IllegalArgumentException naming the valid choices if there is no such suite
   */
  public static VrfSuite fromName(String name) {
    if (name != null) {
      for (VrfSuite suite : values()) {
        if (suite.name().equalsIgnoreCase(name)) {
          return suite;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown VRF suite "
            + (name == null ? "null" : "\"" + name + "\"")
            + "; valid suites are "
            + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
  }
}
