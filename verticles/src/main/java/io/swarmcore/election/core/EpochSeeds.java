package io.swarmcore.election.core;

import io.swarmcore.crypto.vrf.VrfException;
import java.nio.ByteBuffer;

/**
 * The epoch seed chain: seed(e+1) is the VRF output of the proposer of epoch e's last block over
 * seed(e) ‖ (e+1), its proof carried in that block's header. Nobody knows seed(e+1), and so the
 * leaders of epoch e+1, before that block exists; everybody can check it once it does.
 */
public final class EpochSeeds {
  private EpochSeeds() {}

  /** The VRF input for the seed of {@code nextEpoch}: seed(e) ‖ (e+1) as 8 big-endian bytes. */
  public static byte[] alpha(byte[] seed, long nextEpoch) {
    return ByteBuffer.allocate(seed.length + Long.BYTES).put(seed).putLong(nextEpoch).array();
  }

  /** {@code proposer}'s proof of the seed of {@code nextEpoch}. */
  public static byte[] prove(byte[] vrfSecretKey, Validator proposer, byte[] seed, long nextEpoch) {
    return proposer.vrfSuite().vrf().prove(vrfSecretKey, alpha(seed, nextEpoch));
  }

  /**
   * Checks {@code proof} and returns seed({@code nextEpoch}).
   *
   * @throws VrfException saying why the proof is refused
   */
  public static byte[] verify(Validator proposer, byte[] seed, long nextEpoch, byte[] proof)
      throws VrfException {
    return proposer.vrfSuite().vrf().verify(proposer.vrfKey(), alpha(seed, nextEpoch), proof);
  }
}
