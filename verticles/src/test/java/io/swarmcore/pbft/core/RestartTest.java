package io.swarmcore.pbft.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.pbft.sim.SimBlock;
import io.swarmcore.pbft.sim.SimKeys;
import io.swarmcore.pbft.sim.SimSignature;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A replica restarted from its saved view and stable checkpoint (docs/CONSENSUS-NODE.md). */
class RestartTest {
  private static final Checkpoints.Stable<SimSignature> GENESIS =
      new Checkpoints.Stable<>(0, SimBlock.GENESIS, List.of());

  private final SimKeys keys = new SimKeys(4, 9);
  private final Quorums quorums = Quorums.of(4, 1);

  /** The checkpoint at 8 over a chain of blocks, proven by three CHECKPOINT signatures. */
  private Checkpoints.Stable<SimSignature> provenAtEight() {
    SimBlock block = new SimBlock(8, SimBlock.GENESIS, "eight");
    List<SimSignature> proof =
        List.of(
            keys.sign(0, new SimKeys.Checkpoint(8, block.digest())),
            keys.sign(2, new SimKeys.Checkpoint(8, block.digest())),
            keys.sign(3, new SimKeys.Checkpoint(8, block.digest())));
    return new Checkpoints.Stable<>(8, block.digest(), proof);
  }

  private Replica<SimBlock, SimSignature> restarted(
      int self, long view, Checkpoints.Stable<SimSignature> stable, boolean restarted) {
    return restarted(
        self, view, stable, new Replica.Start(view, stable.sequence(), stable.digest()), restarted);
  }

  private Replica<SimBlock, SimSignature> restarted(
      int self,
      long view,
      Checkpoints.Stable<SimSignature> stable,
      Replica.Start start,
      boolean restarted) {
    return new Replica<>(
        quorums,
        self,
        new Replica.Ports<>(v -> (int) (v % 4), SimBlock.FACTS, keys.signer(self), keys.verifier()),
        new Checkpoints<>(quorums, 4, 8, stable),
        new ProgressTimer(100, 1_600),
        start,
        0,
        GENESIS,
        restarted);
  }

  @Test
  void aRestartedLeaderProposesNothingInTheViewItRestartedIn() {
    Replica<SimBlock, SimSignature> fresh = restarted(1, 1, provenAtEight(), false);
    Replica<SimBlock, SimSignature> afterCrash = restarted(1, 1, provenAtEight(), true);

    assertThat(fresh.nextProposalSequence()).contains(9L);
    assertThat(afterCrash.nextProposalSequence())
        .as("what it proposed before the crash is lost; proposing again could equivocate")
        .isEmpty();
    assertThat(afterCrash.isLeader()).isFalse();
  }

  @Test
  void aRestartedReplicaLeadsTheNextViewItEnters() {
    // Replica 2 restarted in view 1; view 2 is its to lead once the others ask for it.
    Replica<SimBlock, SimSignature> replica = restarted(2, 1, provenAtEight(), true);
    for (int sender : List.of(0, 3)) {
      ViewChange<SimBlock, SimSignature> message =
          new ViewChange<>(2, sender, provenAtEight(), List.of(), List.of());
      replica.onViewChange(sender, new ViewChange.Signed<>(message, keys.sign(sender, message)));
    }

    assertThat(replica.view()).isEqualTo(2);
    assertThat(replica.isChangingView()).isFalse();
    assertThat(replica.nextProposalSequence()).contains(9L);
  }

  @Test
  void aViewChangeFromTheChainGenesisStillCountsAfterARestartAboveIt() {
    Replica<SimBlock, SimSignature> replica = restarted(2, 1, provenAtEight(), true);
    // Replica 0 never saw a stable checkpoint: its VIEW-CHANGE carries the genesis, no proof.
    ViewChange<SimBlock, SimSignature> behind =
        new ViewChange<>(2, 0, GENESIS, List.of(), List.of());
    ViewChange<SimBlock, SimSignature> current =
        new ViewChange<>(2, 3, provenAtEight(), List.of(), List.of());

    var fromBehind = replica.onViewChange(0, new ViewChange.Signed<>(behind, keys.sign(0, behind)));
    replica.onViewChange(3, new ViewChange.Signed<>(current, keys.sign(3, current)));

    assertThat(fromBehind).noneMatch(o -> o instanceof ReplicaOutput.Rejected<?, ?>);
    assertThat(fromBehind)
        .as("and it is helped up to the restarted replica's checkpoint")
        .anyMatch(o -> o instanceof ReplicaOutput.SendStableCheckpoint<?, ?>);
    assertThat(replica.view())
        .as("the two VIEW-CHANGEs are f + 1 and n − f with its own")
        .isEqualTo(2);
  }

  @Test
  void aRestartedLeaderWhoseLedgerIsAboveTheCheckpointProposesAboveItsLedger() {
    // Replica 2 restarted in view 1 with blocks 9 and 10 final in its ledger, above the stable
    // checkpoint at 8 that every VIEW-CHANGE carries: no one reports 9 or 10 as prepared.
    SimBlock ten = new SimBlock(10, new SimBlock(9, SimBlock.GENESIS, "nine").digest(), "ten");
    Replica<SimBlock, SimSignature> replica =
        restarted(2, 1, provenAtEight(), new Replica.Start(1, 10, ten.digest()), true);
    for (int sender : List.of(0, 3)) {
      ViewChange<SimBlock, SimSignature> message =
          new ViewChange<>(2, sender, provenAtEight(), List.of(), List.of());
      replica.onViewChange(sender, new ViewChange.Signed<>(message, keys.sign(sender, message)));
    }

    assertThat(replica.view()).isEqualTo(2);
    assertThat(replica.nextProposalSequence())
        .as("9 and 10 are final here: proposing there again could never finalize")
        .contains(11L);
    assertThat(replica.proposalParent()).contains(ten.digest());
  }
}
