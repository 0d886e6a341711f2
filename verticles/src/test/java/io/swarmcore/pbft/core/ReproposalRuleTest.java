package io.swarmcore.pbft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.swarmcore.pbft.core.ReproposalRule.Basis;
import io.swarmcore.pbft.core.ReproposalRule.Choice;
import io.swarmcore.pbft.core.ReproposalRule.Plan;
import io.swarmcore.pbft.core.ViewChangeReport.Vote;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReproposalRuleTest {
  private static final ByteString D = ByteString.copyFromUtf8("d");
  private static final ByteString E = ByteString.copyFromUtf8("e");
  private static final ReproposalRule FOUR = new ReproposalRule(Quorums.of(4, 1));

  private static ViewChangeReport report(int sender, List<Vote> prepared, List<Vote> sent) {
    return new ViewChangeReport(sender, 0, prepared, sent);
  }

  private static Vote vote(long view, long sequence, ByteString digest) {
    return new Vote(view, sequence, digest);
  }

  @Test
  void aFastFinalizedValueSurvivesALyingReporter() {
    // n = 4, f = 1: all four prepared d in view 0, so d finalized fast. The view change hears
    // from two honest replicas and one Byzantine one claiming it prepared e.
    Plan plan =
        FOUR.choose(
            List.of(
                report(0, List.of(), List.of(vote(0, 1, D))),
                report(1, List.of(), List.of(vote(0, 1, D))),
                report(3, List.of(), List.of(vote(0, 1, E)))));

    assertThat(plan.at(1)).contains(new Choice(1, D, 0, Basis.FAST));
  }

  @Test
  void inEqualViewsThePreparedCertificateWins() {
    // n = 9, f = 2, c = 1: a fast candidate needs 4 reports. e was committed through a prepared
    // certificate in view 2, while d gathered 4 reports in view 2 as well (c + 1 honest, f
    // Byzantine): picking d would lose e (the case the Theorem handles).
    ReproposalRule rule = new ReproposalRule(Quorums.of(9, 2));
    Plan plan =
        rule.choose(
            List.of(
                report(0, List.of(vote(2, 5, E)), List.of(vote(2, 5, E))),
                report(1, List.of(), List.of(vote(2, 5, E))),
                report(2, List.of(), List.of(vote(2, 5, E))),
                report(3, List.of(), List.of(vote(2, 5, D))),
                report(4, List.of(), List.of(vote(2, 5, D))),
                report(7, List.of(), List.of(vote(2, 5, D))),
                report(8, List.of(), List.of(vote(2, 5, D)))));

    assertThat(plan.at(5)).contains(new Choice(5, E, 2, Basis.PREPARED));
  }

  @Test
  void aLaterViewBeatsAnOlderCandidateOfEitherKind() {
    Plan plan =
        FOUR.choose(
            List.of(
                report(0, List.of(vote(1, 3, E)), List.of(vote(1, 3, E), vote(4, 3, D))),
                report(1, List.of(), List.of(vote(4, 3, D))),
                report(2, List.of(), List.of())));

    assertThat(plan.at(3)).contains(new Choice(3, D, 4, Basis.FAST));
  }

  @Test
  void theHighestViewPreparedCertificateWins() {
    Plan plan =
        FOUR.choose(
            List.of(
                report(0, List.of(vote(1, 3, E)), List.of()),
                report(1, List.of(vote(2, 3, D)), List.of()),
                report(2, List.of(), List.of())));

    assertThat(plan.at(3)).contains(new Choice(3, D, 2, Basis.PREPARED));
  }

  @Test
  void tooFewReportsLeaveTheSequenceFree() {
    // One report of d in view 0 is below f + c + 1 = 2: nothing can have finalized there.
    Plan plan =
        FOUR.choose(
            List.of(
                report(0, List.of(), List.of(vote(0, 1, D))),
                report(1, List.of(), List.of()),
                report(2, List.of(), List.of())));

    assertThat(plan.choices()).isEmpty();
  }

  @Test
  void aByzantineSenderListingOneVoteTwiceCountsOnce() {
    Plan plan =
        FOUR.choose(
            List.of(
                report(3, List.of(), List.of(vote(0, 1, D), vote(0, 1, D))),
                report(1, List.of(), List.of()),
                report(2, List.of(), List.of())));

    assertThat(plan.choices()).isEmpty();
  }

  @Test
  void twoFastCandidatesInOneViewAreBrokenBySmallerDigestWhateverTheOrder() {
    // n = 9: each digest has two honest and two Byzantine (who report both) supporters.
    ReproposalRule rule = new ReproposalRule(Quorums.of(9, 2));
    List<ViewChangeReport> reports =
        List.of(
            report(0, List.of(), List.of(vote(1, 2, E))),
            report(1, List.of(), List.of(vote(1, 2, E))),
            report(2, List.of(), List.of(vote(1, 2, D))),
            report(3, List.of(), List.of(vote(1, 2, D))),
            report(4, List.of(), List.of()),
            report(7, List.of(), List.of(vote(1, 2, E), vote(1, 2, D))),
            report(8, List.of(), List.of(vote(1, 2, D), vote(1, 2, E))));

    Plan forward = rule.choose(reports);
    List<ViewChangeReport> reversed = new ArrayList<>(reports);
    Collections.reverse(reversed);
    Plan backward = rule.choose(reversed);

    assertThat(forward.at(2)).contains(new Choice(2, D, 1, Basis.FAST));
    assertThat(backward).isEqualTo(forward);
  }

  @Test
  void sequencesAtOrBelowTheHighestStableCheckpointAreSettled() {
    Plan plan =
        FOUR.choose(
            List.of(
                new ViewChangeReport(0, 10, List.of(vote(0, 10, D)), List.of(vote(0, 11, D))),
                new ViewChangeReport(1, 0, List.of(vote(0, 10, D)), List.of(vote(0, 11, D))),
                new ViewChangeReport(2, 0, List.of(), List.of())));

    assertThat(plan.startAfter()).isEqualTo(10);
    assertThat(plan.choices()).containsExactly(new Choice(11, D, 0, Basis.FAST));
  }

  @Test
  void refusesTooFewOrRepeatedOrUnknownSenders() {
    assertThatThrownBy(() -> FOUR.choose(List.of(report(0, List.of(), List.of()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs 3 VIEW-CHANGEs from distinct validators, got 1");
    assertThatThrownBy(
            () ->
                FOUR.choose(
                    List.of(
                        report(0, List.of(), List.of()),
                        report(0, List.of(), List.of()),
                        report(1, List.of(), List.of()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two VIEW-CHANGEs from validator 0");
    assertThatThrownBy(
            () ->
                FOUR.choose(
                    List.of(
                        report(0, List.of(), List.of()),
                        report(1, List.of(), List.of()),
                        report(4, List.of(), List.of()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("index 4, not a validator");
  }
}
