package io.swarmcore.election.core;

import io.swarmcore.crypto.PublicKey;
import io.swarmcore.crypto.vrf.VrfSuite;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * One validator: who it is, the keys that sign its votes and prove its VRF outputs, its stake
 * (which only weights the leader choice: quorums count validators) and where clients reach it.
 */
public record Validator(
    String id, PublicKey votingKey, VrfSuite vrfSuite, byte[] vrfKey, long stake, String address) {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public Validator {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "validator id must be 1 to 64 letters, digits, '.', '_' or '-', got \"" + id + "\"");
    }
    if (stake <= 0) {
      throw new IllegalArgumentException(
          "validator " + id + " has stake " + stake + "; stake must be positive");
    }
    if (votingKey == null || vrfSuite == null) {
      throw new IllegalArgumentException("validator " + id + " needs a voting key and a VRF suite");
    }
    if (vrfKey == null || vrfKey.length != vrfSuite.publicKeyLength()) {
      throw new IllegalArgumentException(
          "validator "
              + id
              + ": a "
              + vrfSuite
              + " VRF key is "
              + vrfSuite.publicKeyLength()
              + " bytes, got "
              + (vrfKey == null ? "none" : vrfKey.length));
    }
    vrfKey = vrfKey.clone();
    address = address == null ? "" : address;
  }

  @Override
  public byte[] vrfKey() {
    return vrfKey.clone();
  }

  public Validator withStake(long newStake) {
    return new Validator(id, votingKey, vrfSuite, vrfKey, newStake, address);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Validator v
        && id.equals(v.id)
        && votingKey.equals(v.votingKey)
        && vrfSuite == v.vrfSuite
        && Arrays.equals(vrfKey, v.vrfKey)
        && stake == v.stake
        && address.equals(v.address);
  }

  @Override
  public int hashCode() {
    return id.hashCode() * 31 + Long.hashCode(stake);
  }

  @Override
  public String toString() {
    return "Validator[" + id + ", stake " + stake + "]";
  }
}
