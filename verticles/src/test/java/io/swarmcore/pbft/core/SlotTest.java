package io.swarmcore.pbft.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swarmcore.pbft.core.Slot.ConflictingVote;
import io.swarmcore.pbft.core.Slot.Equivocation;
import io.swarmcore.pbft.core.Slot.Finalized;
import io.swarmcore.pbft.core.Slot.Path;
import io.swarmcore.pbft.core.Slot.Prepared;
import io.swarmcore.pbft.core.Slot.SendCommit;
import io.swarmcore.pbft.core.Slot.SendPrepare;
import io.swarmcore.pbft.core.Slot.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SlotTest {
  private static final ByteString D = ByteString.copyFromUtf8("d");
  private static final ByteString E = ByteString.copyFromUtf8("e");

  private static List<Step> prepareFrom(Slot<String> slot, int... voters) {
    List<Step> steps = new ArrayList<>();
    for (int voter : voters) {
      steps.addAll(slot.prepare(voter, D, "p" + voter));
    }
    return steps;
  }

  @Test
  void allFourPreparesFinalizeOnTheFastPathAfterSendingCommit() {
    Slot<String> slot = new Slot<>(Quorums.of(4, 1));

    assertThat(slot.propose(D)).containsExactly(new SendPrepare(D));
    List<Step> steps = prepareFrom(slot, 0, 1, 2, 3);

    assertThat(steps)
        .containsExactly(
            new Prepared(D),
            new SendCommit(D),
            new Finalized<>(D, Path.FAST, List.of("p0", "p1", "p2", "p3")));
    assertThat(slot.finalizedBy()).contains(Path.FAST);
  }

  @Test
  void withOneReplicaSilentTheCommitPathFinalizes() {
    Slot<String> slot = new Slot<>(Quorums.of(4, 1));
    slot.propose(D);

    assertThat(prepareFrom(slot, 0, 1, 2)).containsExactly(new Prepared(D), new SendCommit(D));
    slot.commit(0, D, "c0");
    slot.commit(1, D, "c1");
    List<Step> steps = slot.commit(2, D, "c2");

    assertThat(steps).containsExactly(new Finalized<>(D, Path.COMMIT, List.of("c0", "c1", "c2")));
    assertThat(slot.preparedProofs()).containsExactly("p0", "p1", "p2");
  }

  @Test
  void votesBeforeTheProposalCountOnceItArrives() {
    Slot<String> slot = new Slot<>(Quorums.of(4, 1));

    assertThat(prepareFrom(slot, 0, 1, 2, 3)).isEmpty();
    assertThat(slot.propose(D))
        .containsExactly(
            new SendPrepare(D),
            new Prepared(D),
            new SendCommit(D),
            new Finalized<>(D, Path.FAST, List.of("p0", "p1", "p2", "p3")));
  }

  @Test
  void votesForAnotherDigestNeverFinalizeTheProposal() {
    Slot<String> slot = new Slot<>(Quorums.of(4, 1));
    slot.propose(D);
    slot.prepare(0, E, "x");
    slot.prepare(1, E, "x");

    assertThat(prepareFrom(slot, 2, 3)).isEmpty();
    assertThat(slot.isPrepared()).isFalse();
  }

  @Test
  void withTheFastPathOffOnlyCommitsFinalize() {
    Slot<String> slot = new Slot<>(Quorums.configure(4, 1, false, Optional.empty()));
    slot.propose(D);

    assertThat(prepareFrom(slot, 0, 1, 2, 3)).containsExactly(new Prepared(D), new SendCommit(D));
    assertThat(slot.finalizedBy()).isEmpty();
  }

  @Test
  void aSecondProposalIsEquivocationAndChangesNothing() {
    Slot<String> slot = new Slot<>(Quorums.of(4, 1));
    slot.propose(D);

    assertThat(slot.propose(E)).containsExactly(new Equivocation(D, E));
    assertThat(slot.propose(D)).isEmpty();
    assertThat(slot.proposal()).contains(D);
  }

  @Test
  void aConflictingVoteIsReportedAndADuplicateIgnored() {
    Slot<String> slot = new Slot<>(Quorums.of(4, 1));
    slot.propose(D);
    slot.prepare(3, D, "p3");

    assertThat(slot.prepare(3, E, "p3-e")).containsExactly(new ConflictingVote(3, D, E));
    assertThat(slot.prepare(3, D, "p3-again")).isEmpty();
    assertThat(prepareFrom(slot, 0, 1, 2))
        .containsExactly(
            new Prepared(D),
            new SendCommit(D),
            new Finalized<>(D, Path.FAST, List.of("p0", "p1", "p2", "p3")));
  }

  @Test
  void withAGraceAPreparedSlotHoldsItsCommitUntilToldOrFinalizedFast() {
    Slot<String> held = new Slot<>(Quorums.of(4, 1), true);
    held.propose(D);

    assertThat(prepareFrom(held, 0, 1, 2)).containsExactly(new Prepared(D));
    assertThat(held.commitNow()).containsExactly(new SendCommit(D));
    assertThat(held.commitNow()).as("once").isEmpty();

    Slot<String> fast = new Slot<>(Quorums.of(4, 1), true);
    fast.propose(D);
    prepareFrom(fast, 0, 1, 2);
    assertThat(fast.prepare(3, D, "p3"))
        .as("the fast quorum arrives within the grace: COMMIT still goes out, for the others")
        .containsExactly(
            new SendCommit(D), new Finalized<>(D, Path.FAST, List.of("p0", "p1", "p2", "p3")));
    assertThat(fast.commitNow()).isEmpty();
  }

  @Test
  void nothingHappensAfterFinalization() {
    Slot<String> slot = new Slot<>(Quorums.of(4, 1));
    slot.propose(D);
    prepareFrom(slot, 0, 1, 2, 3);

    assertThat(slot.commit(0, D, "c0")).isEmpty();
    assertThat(slot.commit(1, D, "c1")).isEmpty();
    assertThat(slot.commit(2, D, "c2")).isEmpty();
    assertThat(slot.finalizedBy()).contains(Path.FAST);
  }
}
