package io.swarmcore.pbft.core;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The quorum intersections the safety argument in docs/PROTOCOL.md relies on, for every n, f. */
class QuorumsPropertiesTest {

  @Provide
  Arbitrary<Quorums> quorums() {
    return Arbitraries.integers()
        .between(1, 400)
        .flatMap(
            n ->
                Combinators.combine(
                        Arbitraries.just(n), Arbitraries.integers().between(0, (n - 1) / 3))
                    .as(Quorums::of));
  }

  @Property
  void twoSlowQuorumsShareAnHonestValidator(@ForAll("quorums") Quorums quorums) {
    int n = quorums.validators();
    assertThat(2 * quorums.slowQuorum() - n).isGreaterThanOrEqualTo(quorums.faulty() + 1);
  }

  @Property
  void aSlowQuorumIsReachableWithFSilent(@ForAll("quorums") Quorums quorums) {
    assertThat(quorums.slowQuorum()).isLessThanOrEqualTo(quorums.viewChangeQuorum());
  }

  @Property
  void aFastQuorumIsReachableWithCSilent(@ForAll("quorums") Quorums quorums) {
    assertThat(quorums.fastQuorum())
        .isLessThanOrEqualTo(quorums.validators() - quorums.slowTolerance());
  }

  @Property
  void aFastFinalizedDigestIsReportedByEnoughViewChanges(@ForAll("quorums") Quorums quorums) {
    // Of F fast voters, at least F − f are among any n − f VIEW-CHANGEs, and at most f of those
    // lie; the rest report the digest, which must make it a fast candidate (Lemma 1).
    int n = quorums.validators();
    int f = quorums.faulty();
    int fastVotersInViewChange = quorums.fastQuorum() + quorums.viewChangeQuorum() - n;
    assertThat(fastVotersInViewChange - f).isGreaterThanOrEqualTo(quorums.fastCandidateReports());
  }

  @Property
  void theSlowQuorumCoversTheFastCandidateBound(@ForAll("quorums") Quorums quorums) {
    assertThat(quorums.slowQuorum())
        .isGreaterThanOrEqualTo(2 * quorums.faulty() + quorums.slowTolerance() + 1);
  }

  @Property
  void aReplicaIsPreparedNoLaterThanItFinalizesFast(@ForAll("quorums") Quorums quorums) {
    // Slot relies on this to send its COMMIT before or with a fast finalization.
    assertThat(quorums.fastQuorum()).isGreaterThanOrEqualTo(quorums.slowQuorum());
  }
}
