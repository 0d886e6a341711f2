package io.swarmcore.pbft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.pbft.core.Checkpoints;
import io.swarmcore.pbft.core.Deliveries;
import io.swarmcore.pbft.core.NewView;
import io.swarmcore.pbft.core.ProgressTimer;
import io.swarmcore.pbft.core.Quorums;
import io.swarmcore.pbft.core.Replica;
import io.swarmcore.pbft.core.ReplicaOutput;
import io.swarmcore.pbft.core.ReplicaOutput.Finalize;
import io.swarmcore.pbft.core.ReplicaOutput.SendNewView;
import io.swarmcore.pbft.core.ReplicaOutput.SendPrePrepare;
import io.swarmcore.pbft.core.ReplicaOutput.SendPrepare;
import io.swarmcore.pbft.core.ReplicaOutput.SendViewChange;
import io.swarmcore.pbft.core.ViewChange;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The two executions of "Revisiting Fast Practical Byzantine Fault Tolerance" (Abraham et al.,
 * 2017) replayed message by message against Swarm's replicas (n = 4, f = 1, replica 0 Byzantine),
 * with every delivery chosen by the script.
 */
class PitfallScenariosTest {
  private static final Checkpoints.Stable<SimSignature> GENESIS =
      new Checkpoints.Stable<>(0, SimBlock.GENESIS, List.of());

  /** Four replicas whose every message waits in {@link #pending} until the script delivers it. */
  private static final class Cluster {
    record Pending(int from, ReplicaOutput<SimBlock, SimSignature> message) {}

    final SimKeys keys = new SimKeys(4, 11);
    final List<Replica<SimBlock, SimSignature>> replicas = new ArrayList<>();
    final List<List<Finalize<SimBlock, SimSignature>>> finalized = new ArrayList<>();
    final List<Pending> pending = new ArrayList<>();

    Cluster(IntUnaryOperator leaderOfView) {
      Quorums quorums = Quorums.of(4, 1);
      for (int i = 0; i < 4; i++) {
        replicas.add(
            new Replica<>(
                quorums,
                i,
                new Replica.Ports<>(
                    view -> leaderOfView.applyAsInt((int) view),
                    SimBlock.FACTS,
                    keys.signer(i),
                    keys.verifier()),
                new Checkpoints<>(quorums, 4, 8, GENESIS),
                new ProgressTimer(100, 1_600),
                new Replica.Start(0, 0, SimBlock.GENESIS)));
        finalized.add(new ArrayList<>());
      }
      for (int i = 1; i < 4; i++) {
        handle(i, replicas.get(i).onWorkPending(true));
      }
    }

    void handle(int from, List<ReplicaOutput<SimBlock, SimSignature>> outputs) {
      for (ReplicaOutput<SimBlock, SimSignature> output : outputs) {
        if (Deliveries.of(from, output).isPresent()) {
          pending.add(new Pending(from, output));
        } else if (output instanceof Finalize<SimBlock, SimSignature> f) {
          finalized.get(from).add(f);
          handle(from, replicas.get(from).onStored(f.sequence(), f.block().digest()));
        }
      }
    }

    /** Delivers the pending messages that match to the given honest replicas, then drops them. */
    void deliver(Predicate<Pending> which, int... to) {
      List<Pending> chosen = pending.stream().filter(which).toList();
      pending.removeAll(chosen);
      for (Pending message : chosen) {
        for (int target : to) {
          if (target != message.from()) {
            send(message.from(), message.message(), target);
          }
        }
      }
    }

    /** A message from {@code from} (honest or the Byzantine replica 0) arrives at {@code to}. */
    void send(int from, ReplicaOutput<SimBlock, SimSignature> message, int to) {
      handle(to, Deliveries.of(from, message).orElseThrow().apply(replicas.get(to)));
    }

    void dropPending() {
      pending.clear();
    }

    void tick(long time, int... which) {
      for (int i : which) {
        handle(i, replicas.get(i).onTick(time));
      }
    }

    /** The Byzantine replica 0's PREPARE for {@code block} in {@code view}, validly signed. */
    ReplicaOutput<SimBlock, SimSignature> byzantinePrepare(long view, SimBlock block) {
      return new SendPrepare<>(
          view,
          block.height(),
          block.digest(),
          keys.sign(0, new SimKeys.Vote("PREPARE", view, block.height(), block.digest())));
    }

    /** A VIEW-CHANGE from replica 0 that reports whatever it likes, signed with its own key. */
    ReplicaOutput<SimBlock, SimSignature> byzantineViewChange(
        long newView, List<ViewChange.Sent<SimBlock>> claimed) {
      ViewChange<SimBlock, SimSignature> lie =
          new ViewChange<>(newView, 0, GENESIS, List.of(), claimed);
      return new SendViewChange<>(new ViewChange.Signed<>(lie, keys.sign(0, lie)));
    }

    static Predicate<Pending> from(int sender) {
      return p -> p.from() == sender;
    }

    static Predicate<Pending> kind(Class<?> type) {
      return p -> type.isInstance(p.message());
    }
  }

  /**
   * Zyzzyva (§3): a value fast-committed in a later view was lost because the view change preferred
   * a commit certificate of an earlier view. Here d' gets a prepared certificate in view 0 at
   * replica 1 only; view 1 (without replica 1's report) leaves sequence 1 free, d is fast-finalized
   * there at replica 3; the view change to view 2 hears replica 1's certificate for d' and the
   * Byzantine replica's lies, and must still choose d.
   */
  @Test
  void zyzzyvaAFastValueOfALaterViewBeatsAnOlderPreparedCertificate() {
    // Leaders: view 0 → 0 (Byzantine), view 1 → 3, view 2 → 2.
    Cluster cluster = new Cluster(view -> view == 0 ? 0 : view == 1 ? 3 : 2);
    SimBlock dPrime = new SimBlock(1, SimBlock.GENESIS, "d-prime");
    SimBlock d = new SimBlock(1, SimBlock.GENESIS, "d");

    // View 0: the Byzantine leader shows d' to replicas 1 and 2 only, and votes for it.
    cluster.send(0, new SendPrePrepare<>(0, 1, dPrime), 1);
    cluster.send(0, new SendPrePrepare<>(0, 1, dPrime), 2);
    cluster.send(0, cluster.byzantinePrepare(0, dPrime), 1);
    cluster.deliver(Cluster.from(2).and(Cluster.kind(SendPrepare.class)), 1);
    assertThat(cluster.pending)
        .as("replica 1 is prepared for d' in view 0 and sends COMMIT")
        .anyMatch(p -> p.from() == 1 && p.message() instanceof ReplicaOutput.SendCommit<?, ?>);
    cluster.dropPending(); // no COMMIT arrives anywhere

    // View 1: replicas time out; the new leader 3 hears from 0 (silent about d'), 2 and itself.
    cluster.tick(100, 1, 2, 3);
    cluster.deliver(Cluster.from(2).and(Cluster.kind(SendViewChange.class)), 3);
    cluster.send(0, cluster.byzantineViewChange(1, List.of()), 3);
    assertThat(cluster.replicas.get(3).view()).isEqualTo(1);
    assertThat(cluster.replicas.get(3).isChangingView()).as("3 installed view 1").isFalse();
    cluster.deliver(Cluster.kind(SendNewView.class), 1, 2);
    // Sequence 1 was free: leader 3 proposes d; everyone votes; only replica 3 sees all four.
    cluster.handle(3, cluster.replicas.get(3).propose(d));
    cluster.deliver(Cluster.kind(SendPrePrepare.class), 1, 2);
    cluster.send(0, cluster.byzantinePrepare(1, d), 3);
    cluster.deliver(Cluster.kind(SendPrepare.class), 3);
    assertThat(cluster.finalized.get(3))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.block()).isEqualTo(d);
              assertThat(f.path()).isEqualTo(io.swarmcore.pbft.core.Slot.Path.FAST);
            });
    cluster.dropPending();

    // View 2: leader 2 hears from 1 (prepared d' in view 0, sent d in view 1), itself, and the
    // Byzantine replica, which claims it sent d' in view 1.
    cluster.tick(10_000, 1, 2, 3);
    cluster.deliver(Cluster.from(1).and(Cluster.kind(SendViewChange.class)), 2);
    cluster.send(
        0, cluster.byzantineViewChange(2, List.of(new ViewChange.Sent<>(1, 1, dPrime))), 2);
    assertThat(cluster.pending)
        .filteredOn(Cluster.kind(SendNewView.class))
        .singleElement()
        .satisfies(
            p -> {
              NewView<?, ?> newView = ((SendNewView<?, ?>) p.message()).newView();
              assertThat(newView.view()).isEqualTo(2);
            });
    cluster.deliver(Cluster.kind(SendNewView.class), 1, 3);
    cluster.send(0, cluster.byzantinePrepare(2, d), 1);
    cluster.send(0, cluster.byzantinePrepare(2, d), 2);
    cluster.send(0, cluster.byzantinePrepare(2, d), 3);
    cluster.deliver(Cluster.kind(SendPrepare.class), 1, 2, 3);
    cluster.deliver(p -> true, 1, 2, 3);

    for (int replica = 1; replica < 4; replica++) {
      assertThat(cluster.finalized.get(replica))
          .as("replica %d", replica)
          .extracting(Finalize::block)
          .containsExactly(d);
    }
  }

  /**
   * FaB (§4): a new leader could be left with no value it was allowed to propose. Here the
   * Byzantine leader of view 0 splits the replicas between d and d', and then either backs d in its
   * VIEW-CHANGE (d becomes a candidate: replica 2, which accepted d', must take d) or stays silent
   * (no candidate: the sequence is free and the new leader proposes e). Either way the rule yields
   * a choice, every honest replica accepts the NEW-VIEW, and a block is finalized.
   */
  @Test
  void fabTheNewLeaderAlwaysHasAValueItMayPropose() {
    SimBlock d = new SimBlock(1, SimBlock.GENESIS, "d");
    SimBlock dPrime = new SimBlock(1, SimBlock.GENESIS, "d-prime");
    SimBlock e = new SimBlock(1, SimBlock.GENESIS, "e");

    assertThat(splitThenViewChange(d, dPrime, true, e)).isEqualTo(d);
    assertThat(splitThenViewChange(d, dPrime, false, e)).isEqualTo(e);
  }

  private static SimBlock splitThenViewChange(
      SimBlock d, SimBlock dPrime, boolean byzantineBacksD, SimBlock fresh) {
    Cluster cluster = new Cluster(view -> view); // leaders 0, 1, 2, ...
    cluster.send(0, new SendPrePrepare<>(0, 1, d), 1);
    cluster.send(0, new SendPrePrepare<>(0, 1, dPrime), 2);
    cluster.dropPending(); // their PREPAREs are lost

    cluster.tick(100, 1, 2, 3);
    // The Byzantine VIEW-CHANGE arrives first, so the new leader 1 uses it with its own and 2's.
    cluster.send(
        0,
        cluster.byzantineViewChange(
            1, byzantineBacksD ? List.of(new ViewChange.Sent<>(0, 1, d)) : List.of()),
        1);
    cluster.deliver(Cluster.from(2).and(Cluster.kind(SendViewChange.class)), 1);
    assertThat(cluster.replicas.get(1).isChangingView()).as("1 installed view 1").isFalse();
    cluster.deliver(Cluster.kind(SendNewView.class), 2, 3);
    cluster.pending.removeIf(Cluster.kind(SendViewChange.class));
    if (cluster.replicas.get(1).nextProposalSequence().isPresent()) {
      cluster.handle(1, cluster.replicas.get(1).propose(fresh));
    }
    for (int round = 0; round < 3; round++) {
      cluster.deliver(p -> true, 1, 2, 3);
    }

    SimBlock agreed = cluster.finalized.get(1).get(0).block();
    for (int replica = 1; replica < 4; replica++) {
      assertThat(cluster.finalized.get(replica))
          .as("replica %d", replica)
          .extracting(Finalize::block)
          .containsExactly(agreed);
    }
    return agreed;
  }
}
