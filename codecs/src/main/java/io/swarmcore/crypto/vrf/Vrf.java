package io.swarmcore.crypto.vrf;

import java.security.SecureRandom;

/**
 * An elliptic-curve verifiable random function of one RFC 9381 cipher suite. A key holder proves
 * the pseudorandom output beta for an input alpha; anyone with the public key verifies the proof pi
 * and learns the same beta. Implementations are stateless and thread-safe.
 */
public interface Vrf {
  VrfSuite suite();

  /** A fresh key pair drawn from {@code random}. */
  VrfKeyPair generate(SecureRandom random);

  /**
   * The public key of {@code secretKey}.
   *
   * @throws IllegalArgumentException if {@code secretKey} is not a valid secret key of the suite
   */
  byte[] publicKey(byte[] secretKey);

  /**
   * ECVRF_prove (RFC 9381 §5.1): the proof pi for input {@code alpha}.
   *
   * @throws IllegalArgumentException if {@code secretKey} is not a valid secret key of the suite
   */
  byte[] prove(byte[] secretKey, byte[] alpha);

  /**
   * ECVRF_proof_to_hash (RFC 9381 §5.2): the output beta of a proof. It decodes pi but does not
   * verify it; call {@link #verify} on proofs from anyone else.
   *
   * @throws VrfException if pi cannot be decoded
   */
  byte[] proofToHash(byte[] pi) throws VrfException;

  /**
   * ECVRF_verify (RFC 9381 §5.3) with validate_key on: beta when {@code pi} proves {@code alpha}
   * under {@code publicKey}.
   *
   * @throws VrfException naming the reason when the key or the proof is invalid
   */
  byte[] verify(byte[] publicKey, byte[] alpha, byte[] pi) throws VrfException;
}
