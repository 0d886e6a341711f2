package io.swarmcore.crypto.vrf;

/**
 * A proof, public key or proof encoding that RFC 9381 says to reject ("INVALID"). The message is
 * the precise reason, e.g. "proof scalar s is not below the group order", "public key has small
 * order" or "challenge does not match"; it never contains secret material.
 */
public final class VrfException extends Exception {
  private static final long serialVersionUID = 1L;

  public VrfException(String reason) {
    super(reason);
  }
}
