package io.swarmcore.pbft.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.pbft.core.ReplicaOutput.Rejected;
import io.swarmcore.pbft.core.ReplicaOutput.SendNewView;
import io.swarmcore.pbft.core.ReplicaOutput.SendViewChange;
import io.swarmcore.pbft.core.ReplicaOutput.SetTimer;
import io.swarmcore.pbft.core.ReplicaOutput.ViewInstalled;
import io.swarmcore.pbft.sim.SimBlock;
import io.swarmcore.pbft.sim.SimKeys;
import io.swarmcore.pbft.sim.SimSignature;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** View change inside one replica: timers, joining, and every check on VIEW-CHANGE and NEW-VIEW. */
class ViewChangeTest {
  private static final Checkpoints.Stable<SimSignature> GENESIS =
      new Checkpoints.Stable<>(0, SimBlock.GENESIS, List.of());

  private final SimKeys keys = new SimKeys(4, 5);
  private final List<Replica<SimBlock, SimSignature>> replicas = new ArrayList<>();

  @BeforeEach
  void fourReplicas() {
    Quorums quorums = Quorums.of(4, 1);
    for (int i = 0; i < 4; i++) {
      replicas.add(
          new Replica<>(
              quorums,
              i,
              new Replica.Ports<>(
                  view -> (int) (view % 4), SimBlock.FACTS, keys.signer(i), keys.verifier()),
              new Checkpoints<>(quorums, 4, 8, GENESIS),
              new ProgressTimer(100, 1_600),
              new Replica.Start(0, 0, SimBlock.GENESIS)));
    }
  }

  private ViewChange.Signed<SimBlock, SimSignature> viewChange(
      int sender, long newView, List<ViewChange.Prepared<SimBlock, SimSignature>> prepared) {
    ViewChange<SimBlock, SimSignature> message =
        new ViewChange<>(newView, sender, GENESIS, prepared, List.of());
    return new ViewChange.Signed<>(message, keys.sign(sender, message));
  }

  private static <T> T only(List<ReplicaOutput<SimBlock, SimSignature>> outputs, Class<T> type) {
    return outputs.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
  }

  @Test
  void pendingWorkArmsTheTimerAndItsExpiryAsksForTheNextView() {
    Replica<SimBlock, SimSignature> replica = replicas.get(2);

    assertThat(replica.onWorkPending(true)).containsExactly(new SetTimer<>(100));
    assertThat(replica.onTick(99)).isEmpty();
    List<ReplicaOutput<SimBlock, SimSignature>> expired = replica.onTick(100);

    SendViewChange<SimBlock, SimSignature> sent = only(expired, SendViewChange.class);
    assertThat(sent.viewChange().message().newView()).isEqualTo(1);
    assertThat(replica.isChangingView()).isTrue();
    assertThat(only(expired, SetTimer.class).at()).as("doubled for the next try").isEqualTo(300);
  }

  @Test
  void theNewLeaderSendsNewViewOnceItHasNMinusFViewChangesAndOthersInstallIt() {
    Replica<SimBlock, SimSignature> leader = replicas.get(1);
    leader.onViewChange(2, viewChange(2, 1, List.of()));
    assertThat(leader.view()).as("one replica alone does not move it").isZero();

    // The second makes f + 1: it joins view 1, and with its own that is n − f, so it leads.
    List<ReplicaOutput<SimBlock, SimSignature>> out =
        leader.onViewChange(3, viewChange(3, 1, List.of()));

    assertThat(only(out, SendViewChange.class).viewChange().message().sender()).isEqualTo(1);
    assertThat(out).contains(new ViewInstalled<>(1, 1));
    NewView<SimBlock, SimSignature> newView = only(out, SendNewView.class).newView();
    assertThat(newView.viewChanges()).hasSize(3);
    assertThat(replicas.get(3).onNewView(1, newView)).contains(new ViewInstalled<>(1, 1));
    assertThat(replicas.get(3).view()).isEqualTo(1);
    assertThat(replicas.get(3).isChangingView()).isFalse();
  }

  @Test
  void aForgedPreparedCertificateIsRejected() {
    SimBlock block = new SimBlock(1, SimBlock.GENESIS, "b");
    List<SimSignature> forged = new ArrayList<>();
    for (int signer = 0; signer < 3; signer++) {
      forged.add(SimKeys.forge(signer, new SimKeys.Vote("PREPARE", 0, 1, block.digest())));
    }
    var certificate = new ViewChange.Prepared<SimBlock, SimSignature>(0, 1, block, forged);

    assertThat(replicas.get(1).onViewChange(0, viewChange(0, 1, List.of(certificate))))
        .containsExactly(
            new Rejected<>(
                0,
                "prepared certificate at view 0, sequence 1 has 0 valid PREPARE signatures,"
                    + " needs 3"));
  }

  @Test
  void aViewChangeNotSignedByItsSenderOrReportingItsOwnViewIsRejected() {
    ViewChange<SimBlock, SimSignature> message =
        new ViewChange<>(1, 2, GENESIS, List.of(), List.of());
    var signedByAnother = new ViewChange.Signed<>(message, keys.sign(3, message));
    assertThat(replicas.get(1).onViewChange(2, signedByAnother))
        .containsExactly(new Rejected<>(2, "VIEW-CHANGE of validator 2 is not signed by it"));

    ViewChange<SimBlock, SimSignature> future =
        new ViewChange<>(
            1,
            2,
            GENESIS,
            List.of(),
            List.of(new ViewChange.Sent<>(1, 1, new SimBlock(1, SimBlock.GENESIS, "x"))));
    assertThat(
            replicas.get(1).onViewChange(2, new ViewChange.Signed<>(future, keys.sign(2, future))))
        .containsExactly(new Rejected<>(2, "VIEW-CHANGE for view 1 reports a vote of view 1"));
    assertThat(replicas.get(1).onViewChange(3, viewChange(2, 1, List.of())))
        .containsExactly(new Rejected<>(3, "VIEW-CHANGE of validator 2 relayed by 3"));
  }

  @Test
  void bogusNewViewsAreRefusedAndChangeNothing() {
    List<ViewChange.Signed<SimBlock, SimSignature>> three =
        List.of(
            viewChange(0, 1, List.of()), viewChange(2, 1, List.of()), viewChange(3, 1, List.of()));
    Replica<SimBlock, SimSignature> replica = replicas.get(2);

    assertThat(replica.onNewView(3, new NewView<>(1, three)))
        .containsExactly(new Rejected<>(3, "NEW-VIEW for view 1 from non-leader 3"));
    assertThat(replica.onNewView(1, new NewView<>(1, three.subList(0, 2))))
        .containsExactly(new Rejected<>(1, "NEW-VIEW carries 2 VIEW-CHANGEs, needs 3"));

    ViewChange<SimBlock, SimSignature> original = three.get(0).message();
    ViewChange<SimBlock, SimSignature> altered =
        new ViewChange<>(
            1,
            0,
            GENESIS,
            List.of(),
            List.of(new ViewChange.Sent<>(0, 1, new SimBlock(1, SimBlock.GENESIS, "added"))));
    var tampered =
        List.of(
            new ViewChange.Signed<>(altered, three.get(0).signature()), three.get(1), three.get(2));
    assertThat(original).isNotEqualTo(altered);
    assertThat(replica.onNewView(1, new NewView<>(1, tampered)))
        .containsExactly(
            new Rejected<>(
                1,
                "NEW-VIEW carries an invalid VIEW-CHANGE: VIEW-CHANGE of validator 0 is not signed"
                    + " by it"));
    assertThat(
            replica.onNewView(
                1, new NewView<>(1, List.of(three.get(0), three.get(0), three.get(1)))))
        .containsExactly(new Rejected<>(1, "NEW-VIEW carries two VIEW-CHANGEs of 0"));
    assertThat(replica.view()).isZero();
    assertThat(replica.isChangingView()).isFalse();
  }

  @Test
  void theLeaderRepeatsItsNewViewToAReplicaThatMissedIt() {
    Replica<SimBlock, SimSignature> leader = replicas.get(1);
    leader.onViewChange(0, viewChange(0, 1, List.of()));
    leader.onViewChange(2, viewChange(2, 1, List.of()));
    List<ReplicaOutput<SimBlock, SimSignature>> installed =
        leader.onViewChange(3, viewChange(3, 1, List.of()));
    NewView<SimBlock, SimSignature> sent = only(installed, SendNewView.class).newView();

    // Replica 3 asks again for view 1: it never got the NEW-VIEW.
    assertThat(leader.onViewChange(3, viewChange(3, 1, List.of())))
        .contains(new SendNewView<>(sent));
  }

  @Test
  void aProvenCheckpointFarAheadIsAdoptedAndAForgedOneRefused() {
    Replica<SimBlock, SimSignature> behind = replicas.get(3);
    com.google.protobuf.ByteString digest = com.google.protobuf.ByteString.copyFromUtf8("block-40");
    List<SimSignature> proof = new ArrayList<>();
    List<SimSignature> forged = new ArrayList<>();
    for (int signer = 0; signer < 3; signer++) {
      proof.add(keys.sign(signer, new SimKeys.Checkpoint(40, digest)));
      forged.add(SimKeys.forge(signer, new SimKeys.Checkpoint(40, digest)));
    }

    assertThat(behind.onStableCheckpoint(0, new Checkpoints.Stable<>(40, digest, forged)))
        .containsExactly(new Rejected<>(0, "checkpoint at 40 has 0 valid signatures, needs 3"));
    assertThat(behind.onStableCheckpoint(0, new Checkpoints.Stable<>(40, digest, proof)))
        .contains(new ReplicaOutput.FetchState<>(40, digest, proof));
  }

  @Test
  void aReplicaHearingAViewChangeFromBelowItsCheckpointSendsItsProof() {
    com.google.protobuf.ByteString digest = com.google.protobuf.ByteString.copyFromUtf8("block-4");
    List<SimSignature> proof = new ArrayList<>();
    for (int signer = 0; signer < 3; signer++) {
      proof.add(keys.sign(signer, new SimKeys.Checkpoint(4, digest)));
    }
    Checkpoints.Stable<SimSignature> stable = new Checkpoints.Stable<>(4, digest, proof);
    Replica<SimBlock, SimSignature> ahead = replicas.get(1);
    ahead.onStableCheckpoint(0, stable);

    assertThat(ahead.onViewChange(2, viewChange(2, 1, List.of())))
        .contains(new ReplicaOutput.SendStableCheckpoint<>(stable));
  }

  @Test
  void aLoneReplicaRepeatsItsViewChangeInsteadOfRunningAhead() {
    Replica<SimBlock, SimSignature> replica = replicas.get(2);
    replica.onWorkPending(true);
    replica.onTick(100); // asks for view 1
    List<ReplicaOutput<SimBlock, SimSignature>> again = replica.onTick(300);

    assertThat(only(again, SendViewChange.class).viewChange().message().newView()).isEqualTo(1);
    assertThat(replica.view()).isEqualTo(1);
  }

  @Test
  void aReplicaThatBecomesTheLeaderOfTheViewItChangesToSendsTheNewViewAtOnce() {
    // Replica 2's schedule names replica 1 for view 1 until the schedule changes (a new epoch).
    Quorums quorums = Quorums.of(4, 1);
    boolean[] changed = {false};
    Replica<SimBlock, SimSignature> replica =
        new Replica<>(
            quorums,
            2,
            new Replica.Ports<>(
                view -> changed[0] && view == 1 ? 2 : (int) (view % 4),
                SimBlock.FACTS,
                keys.signer(2),
                keys.verifier()),
            new Checkpoints<>(quorums, 4, 8, GENESIS),
            new ProgressTimer(100, 1_600),
            new Replica.Start(0, 0, SimBlock.GENESIS));
    replica.onViewChange(0, viewChange(0, 1, List.of()));
    replica.onViewChange(3, viewChange(3, 1, List.of()));
    assertThat(replica.isChangingView()).as("joined view 1 with its own: n - f").isTrue();

    assertThat(replica.onLeadersChanged()).noneMatch(SendNewView.class::isInstance);
    changed[0] = true;
    List<ReplicaOutput<SimBlock, SimSignature>> out = replica.onLeadersChanged();

    assertThat(out).anyMatch(SendNewView.class::isInstance);
    assertThat(out).contains(new ViewInstalled<>(1, 2));
  }
}
