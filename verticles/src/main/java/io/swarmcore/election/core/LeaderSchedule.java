package io.swarmcore.election.core;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * leader(e, v): the validator whose cumulative-stake interval holds r, where r is SHA-512(domain ‖
 * seed(e) ‖ v) reduced to [0, total stake). Reducing 512 bits by a modulus below 2^63 leaves a bias
 * under 2^-449 (a wide reduction), so the choice is proportional to stake. Integer arithmetic only:
 * every JVM on every platform computes the same schedule.
 */
public final class LeaderSchedule {
  private static final byte[] DOMAIN = "swarm/v1/leader\0".getBytes(StandardCharsets.US_ASCII);

  private static final ThreadLocal<MessageDigest> SHA512 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-512");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every Java runtime must provide SHA-512", e);
            }
          });

  private LeaderSchedule() {}

  public static Validator leader(ValidatorSet validators, byte[] seed, long view) {
    return validators.ownerOf(point(seed, view, validators.totalStake()));
  }

  /** r in [0, totalStake) for this seed and view. */
  static long point(byte[] seed, long view, long totalStake) {
    MessageDigest sha512 = SHA512.get();
    sha512.reset();
    sha512.update(DOMAIN);
    sha512.update(seed);
    sha512.update(ByteBuffer.allocate(Long.BYTES).putLong(view).array());
    return new BigInteger(1, sha512.digest()).mod(BigInteger.valueOf(totalStake)).longValue();
  }
}
