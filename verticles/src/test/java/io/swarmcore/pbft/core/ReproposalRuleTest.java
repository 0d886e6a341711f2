package io.swarmcore.pbft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.swarmcore.pbft.core.ReproposalRule.Basis;
import io.swarmcore.pbft.core.ReproposalRule.Choice;
import io.swarmcore.pbft.core.ReproposalRule.Plan;
import io.swarmcore.pbft.sim.SimBlock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReproposalRuleTest {
  private static final ByteString BASE = ByteString.copyFromUtf8("block-at-base");
  private static final ReproposalRule<SimBlock> FOUR =
      new ReproposalRule<>(Quorums.of(4, 1), SimBlock.FACTS);
  private static final ReproposalRule<SimBlock> NINE =
      new ReproposalRule<>(Quorums.of(9, 2), SimBlock.FACTS);

  /** Blocks on the base at {@code base}: D and E compete at base + 1. */
  private static SimBlock first(long base, String label) {
    return new SimBlock(base + 1, BASE, label);
  }

  private static Checkpoints.Stable<String> checkpoint(long sequence) {
    return new Checkpoints.Stable<>(sequence, BASE, List.of());
  }

  private static ViewChange.Prepared<SimBlock, String> prepared(long view, SimBlock block) {
    return new ViewChange.Prepared<>(view, block.height(), block, List.of());
  }

  private static ViewChange.Sent<SimBlock> sent(long view, SimBlock block) {
    return new ViewChange.Sent<>(view, block.height(), block);
  }

  private static ViewChange<SimBlock, String> report(
      int sender,
      long base,
      List<ViewChange.Prepared<SimBlock, String>> prepared,
      List<ViewChange.Sent<SimBlock>> sent) {
    return new ViewChange<>(99, sender, checkpoint(base), prepared, sent);
  }

  @Test
  void aFastFinalizedValueSurvivesALyingReporter() {
    // n = 4, f = 1: all four prepared d in view 0, so d finalized fast. The view change hears
    // from two honest replicas and one Byzantine one claiming it prepared e.
    SimBlock d = first(0, "d");
    SimBlock e = first(0, "e");
    Plan<SimBlock, String> plan =
        FOUR.choose(
            List.of(
                report(0, 0, List.of(), List.of(sent(0, d))),
                report(1, 0, List.of(), List.of(sent(0, d))),
                report(3, 0, List.of(), List.of(sent(0, e)))));

    assertThat(plan.choices()).containsExactly(new Choice<>(1, d, 0, Basis.FAST));
  }

  @Test
  void inEqualViewsThePreparedCertificateWins() {
    // n = 9, f = 2, c = 1: a fast candidate needs 4 reports. e was committed through a prepared
    // certificate in view 2, while d gathered 4 reports in view 2 as well (c + 1 honest, f
    // Byzantine): picking d would lose e (the case the Theorem handles).
    SimBlock d = first(4, "d");
    SimBlock e = first(4, "e");
    Plan<SimBlock, String> plan =
        NINE.choose(
            List.of(
                report(0, 4, List.of(prepared(2, e)), List.of(sent(2, e))),
                report(1, 4, List.of(), List.of(sent(2, e))),
                report(2, 4, List.of(), List.of(sent(2, e))),
                report(3, 4, List.of(), List.of(sent(2, d))),
                report(4, 4, List.of(), List.of(sent(2, d))),
                report(7, 4, List.of(), List.of(sent(2, d))),
                report(8, 4, List.of(), List.of(sent(2, d)))));

    assertThat(plan.choices()).containsExactly(new Choice<>(5, e, 2, Basis.PREPARED));
  }

  @Test
  void aLaterViewBeatsAnOlderCandidateOfEitherKind() {
    SimBlock d = first(2, "d");
    SimBlock e = first(2, "e");
    Plan<SimBlock, String> plan =
        FOUR.choose(
            List.of(
                report(0, 2, List.of(prepared(1, e)), List.of(sent(1, e), sent(4, d))),
                report(1, 2, List.of(), List.of(sent(4, d))),
                report(2, 2, List.of(), List.of())));

    assertThat(plan.choices()).containsExactly(new Choice<>(3, d, 4, Basis.FAST));
  }

  @Test
  void theHighestViewPreparedCertificateWins() {
    SimBlock d = first(2, "d");
    SimBlock e = first(2, "e");
    Plan<SimBlock, String> plan =
        FOUR.choose(
            List.of(
                report(0, 2, List.of(prepared(1, e)), List.of()),
                report(1, 2, List.of(prepared(2, d)), List.of()),
                report(2, 2, List.of(), List.of())));

    assertThat(plan.choices()).containsExactly(new Choice<>(3, d, 2, Basis.PREPARED));
  }

  @Test
  void tooFewReportsLeaveTheSequenceFree() {
    // One report of d in view 0 is below f + c + 1 = 2: nothing can have finalized there.
    SimBlock d = first(0, "d");
    Plan<SimBlock, String> plan =
        FOUR.choose(
            List.of(
                report(0, 0, List.of(), List.of(sent(0, d))),
                report(1, 0, List.of(), List.of()),
                report(2, 0, List.of(), List.of())));

    assertThat(plan.choices()).isEmpty();
    assertThat(plan.top()).isZero();
  }

  @Test
  void aByzantineSenderListingOneVoteTwiceCountsOnce() {
    SimBlock d = first(0, "d");
    Plan<SimBlock, String> plan =
        FOUR.choose(
            List.of(
                report(3, 0, List.of(), List.of(sent(0, d), sent(0, d))),
                report(1, 0, List.of(), List.of()),
                report(2, 0, List.of(), List.of())));

    assertThat(plan.choices()).isEmpty();
  }

  @Test
  void twoFastCandidatesInOneViewAreBrokenBySmallerDigestWhateverTheOrder() {
    // n = 9: each digest has two honest and two Byzantine (who report both) supporters.
    SimBlock d = first(1, "d");
    SimBlock e = first(1, "e");
    List<ViewChange<SimBlock, String>> reports =
        List.of(
            report(0, 1, List.of(), List.of(sent(1, e))),
            report(1, 1, List.of(), List.of(sent(1, e))),
            report(2, 1, List.of(), List.of(sent(1, d))),
            report(3, 1, List.of(), List.of(sent(1, d))),
            report(4, 1, List.of(), List.of()),
            report(7, 1, List.of(), List.of(sent(1, e), sent(1, d))),
            report(8, 1, List.of(), List.of(sent(1, d), sent(1, e))));

    Plan<SimBlock, String> forward = NINE.choose(reports);
    List<ViewChange<SimBlock, String>> reversed = new ArrayList<>(reports);
    Collections.reverse(reversed);
    Plan<SimBlock, String> backward = NINE.choose(reversed);

    SimBlock smaller =
        ByteString.unsignedLexicographicalComparator().compare(d.digest(), e.digest()) < 0 ? d : e;
    assertThat(forward.choices()).containsExactly(new Choice<>(2, smaller, 1, Basis.FAST));
    assertThat(backward).isEqualTo(forward);
  }

  @Test
  void planStartsAboveTheHighestStableCheckpoint() {
    SimBlock old = new SimBlock(10, ByteString.copyFromUtf8("nine"), "old");
    SimBlock next = first(10, "next");
    Plan<SimBlock, String> plan =
        FOUR.choose(
            List.of(
                report(0, 10, List.of(), List.of(sent(0, next))),
                new ViewChange<>(
                    99, 1, checkpoint(0), List.of(prepared(0, old)), List.of(sent(0, next))),
                report(2, 0, List.of(), List.of())));

    assertThat(plan.base().sequence()).isEqualTo(10);
    assertThat(plan.choices()).containsExactly(new Choice<>(11, next, 0, Basis.FAST));
  }

  @Test
  void aChainOfPreparedBlocksIsReproposedWhole() {
    SimBlock one = first(0, "one");
    SimBlock two = new SimBlock(2, one.digest(), "two");
    SimBlock three = new SimBlock(3, two.digest(), "three");
    Plan<SimBlock, String> plan =
        FOUR.choose(
            List.of(
                report(0, 0, List.of(prepared(0, one), prepared(0, two)), List.of()),
                report(1, 0, List.of(prepared(0, two), prepared(0, three)), List.of()),
                report(2, 0, List.of(), List.of())));

    assertThat(plan.choices()).extracting(Choice::block).containsExactly(one, two, three);
    assertThat(plan.top()).isEqualTo(3);
  }

  @Test
  void theCounterexampleStopsThePlanWhereTheChainBreaks() {
    // docs/PROTOCOL.md, "Chained blocks": n = 9, f = 2, c = 1. d is prepared (and committed) at
    // (v, 1); two honest replicas and two Byzantine ones report d' at 1 and X extending d' at 2.
    // The plan keeps d and stops: X does not extend it, so 2 is free.
    SimBlock d = first(0, "d");
    SimBlock dPrime = first(0, "d-prime");
    SimBlock x = new SimBlock(2, dPrime.digest(), "x");
    List<ViewChange.Sent<SimBlock>> forked = List.of(sent(3, dPrime), sent(3, x));
    Plan<SimBlock, String> plan =
        NINE.choose(
            List.of(
                report(0, 0, List.of(prepared(3, d)), List.of(sent(3, d))),
                report(1, 0, List.of(), List.of(sent(3, d))),
                report(2, 0, List.of(), List.of(sent(3, d))),
                report(3, 0, List.of(), forked),
                report(4, 0, List.of(), forked),
                report(7, 0, List.of(), forked),
                report(8, 0, List.of(), forked)));

    assertThat(plan.choices()).containsExactly(new Choice<>(1, d, 3, Basis.PREPARED));
  }

  @Test
  void aGapEndsThePlan() {
    SimBlock one = first(0, "one");
    SimBlock two = new SimBlock(2, one.digest(), "two");
    SimBlock three = new SimBlock(3, two.digest(), "three");
    Plan<SimBlock, String> plan =
        FOUR.choose(
            List.of(
                report(0, 0, List.of(prepared(0, one), prepared(0, three)), List.of()),
                report(1, 0, List.of(), List.of()),
                report(2, 0, List.of(), List.of())));

    assertThat(plan.choices()).extracting(Choice::block).containsExactly(one);
  }

  @Test
  void refusesTooFewOrRepeatedOrUnknownSenders() {
    assertThatThrownBy(() -> FOUR.choose(List.of(report(0, 0, List.of(), List.of()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs 3 VIEW-CHANGEs from distinct validators, got 1");
    assertThatThrownBy(
            () ->
                FOUR.choose(
                    List.of(
                        report(0, 0, List.of(), List.of()),
                        report(0, 0, List.of(), List.of()),
                        report(1, 0, List.of(), List.of()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two VIEW-CHANGEs from validator 0");
    assertThatThrownBy(
            () ->
                FOUR.choose(
                    List.of(
                        report(0, 0, List.of(), List.of()),
                        report(1, 0, List.of(), List.of()),
                        report(4, 0, List.of(), List.of()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("index 4, not a validator");
  }
}
