package io.swarmcore.pbft.core;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Optional;

/**
 * Quorum sizes for n validators tolerating f Byzantine ones (docs/PROTOCOL.md, "Parameters").
 * Quorums count validators, not stake.
 *
 * @param validators n
 * @param faulty f, the Byzantine validators tolerated
 * @param slowTolerance c = ⌊(n − 3f − 1) / 2⌋, slow or crashed validators the fast path tolerates
 * @param slowQuorum q = ⌈(n + f + 1) / 2⌉
 * @param fastQuorum votes for a fast certificate: n − c, or more if a threshold raised it
 * @param fastPathEnabled false when only commit certificates may finalize
 * @param notice what start-up should report, e.g. a configured threshold that was unsafe
 */
public record Quorums(
    int validators,
    int faulty,
    int slowTolerance,
    int slowQuorum,
    int fastQuorum,
    boolean fastPathEnabled,
    Optional<String> notice) {

  public Quorums {
    requireTolerable(validators, faulty);
    if (slowTolerance != slowToleranceOf(validators, faulty)
        || slowQuorum != slowQuorumOf(validators, faulty)
        || fastQuorum < validators - slowTolerance
        || fastQuorum > validators) {
      throw new IllegalArgumentException(
          "inconsistent quorums for n = " + validators + ", f = " + faulty);
    }
  }

  /** c = ⌊(n − 3f − 1) / 2⌋. */
  private static int slowToleranceOf(int validators, int faulty) {
    return (validators - 3 * faulty - 1) / 2;
  }

  /** q = ⌈(n + f + 1) / 2⌉, as ⌊(n + f + 2) / 2⌋ in integers. */
  private static int slowQuorumOf(int validators, int faulty) {
    return (validators + faulty + 2) / 2;
  }

  private static void requireTolerable(int validators, int faulty) {
    if (faulty < 0 || validators < 3 * faulty + 1) {
      throw new IllegalArgumentException(
          "n = " + validators + " validators cannot tolerate f = " + faulty + " (need n ≥ 3f + 1)");
    }
  }

  /** The safe quorums with the fast path on at its smallest safe size. */
  public static Quorums of(int validators, int faulty) {
    return configure(validators, faulty, true, Optional.empty());
  }

  /** The largest f that n validators tolerate: ⌊(n − 1) / 3⌋. */
  public static int maxFaulty(int validators) {
    if (validators < 1) {
      throw new IllegalArgumentException("need at least one validator, got " + validators);
    }
    return (validators - 1) / 3;
  }

  /**
   * Applies the operator's fast-path settings. A threshold t ∈ (0, 1] asks for ⌈t · n⌉ votes; it
   * may only raise the fast quorum, so a lower value is reported and the safe one used.
   */
  public static Quorums configure(
      int validators, int faulty, boolean fastPathEnabled, Optional<BigDecimal> threshold) {
    requireTolerable(validators, faulty);
    int c = slowToleranceOf(validators, faulty);
    int q = slowQuorumOf(validators, faulty);
    int safeFast = validators - c;
    if (threshold.isEmpty()) {
      return new Quorums(validators, faulty, c, q, safeFast, fastPathEnabled, Optional.empty());
    }
    BigDecimal t = threshold.get();
    if (t.signum() <= 0 || t.compareTo(BigDecimal.ONE) > 0) {
      throw new IllegalArgumentException(
          "consensus.fastPathThreshold must be in (0, 1], got " + t.toPlainString());
    }
    int asked =
        t.multiply(BigDecimal.valueOf(validators))
            .setScale(0, RoundingMode.CEILING)
            .intValueExact();
    if (asked < safeFast) {
      String notice =
          "threshold "
              + t.toPlainString()
              + " of "
              + validators
              + " = "
              + asked
              + " votes is below the safe fast quorum "
              + safeFast
              + " for f="
              + faulty
              + "; using "
              + safeFast;
      return new Quorums(validators, faulty, c, q, safeFast, fastPathEnabled, Optional.of(notice));
    }
    return new Quorums(validators, faulty, c, q, asked, fastPathEnabled, Optional.empty());
  }

  /** f + c + 1: VIEW-CHANGE reports of one digest in one view that make it a fast candidate. */
  public int fastCandidateReports() {
    return faulty + slowTolerance + 1;
  }

  /** n − f: VIEW-CHANGEs a new leader gathers, and the replies a replica can count on. */
  public int viewChangeQuorum() {
    return validators - faulty;
  }
}
