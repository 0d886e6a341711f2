package io.swarmcore.pbft.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swarmcore.pbft.core.ReplicaOutput.CheckpointStable;
import io.swarmcore.pbft.core.ReplicaOutput.Evidence;
import io.swarmcore.pbft.core.ReplicaOutput.Finalize;
import io.swarmcore.pbft.core.ReplicaOutput.Rejected;
import io.swarmcore.pbft.core.ReplicaOutput.SendPrepare;
import io.swarmcore.pbft.sim.SimBlock;
import io.swarmcore.pbft.sim.SimKeys;
import io.swarmcore.pbft.sim.SimSignature;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplicaTest {
  private static final SimSignature PROOF = new SimSignature(0, "x", 0);

  private static boolean isTimer(ReplicaOutput<?, ?> output) {
    return output instanceof ReplicaOutput.SetTimer<?, ?>
        || output instanceof ReplicaOutput.CancelTimer<?, ?>;
  }

  /** What a call did, without its timer requests (covered by the view-change tests). */
  private static List<ReplicaOutput<SimBlock, SimSignature>> core(
      List<ReplicaOutput<SimBlock, SimSignature>> outputs) {
    return outputs.stream().filter(o -> !isTimer(o)).toList();
  }

  private static final long INTERVAL = 4;
  private static final long WINDOW = 8;

  /** n replicas joined by an in-memory network that delivers in FIFO or seeded random order. */
  private static final class Network {
    final List<Replica<SimBlock, SimSignature>> replicas = new ArrayList<>();
    final List<List<Finalize<SimBlock, SimSignature>>> finalized = new ArrayList<>();
    final List<ReplicaOutput<SimBlock, SimSignature>> notable = new ArrayList<>();
    final Set<Integer> silent = new HashSet<>();
    final Deque<Runnable> inFlight = new ArrayDeque<>();
    final Random shuffle;
    final SimKeys keys;

    Network(int n, int f, long seed) {
      Quorums quorums = Quorums.of(n, f);
      keys = new SimKeys(n, 7);
      shuffle = seed == 0 ? null : new Random(seed);
      for (int i = 0; i < n; i++) {
        int me = i;
        replicas.add(
            new Replica<>(
                quorums,
                i,
                new Replica.Ports<>(
                    view -> (int) (view % n), SimBlock.FACTS, keys.signer(i), keys.verifier()),
                new Checkpoints<>(
                    quorums,
                    INTERVAL,
                    WINDOW,
                    new Checkpoints.Stable<>(0, SimBlock.GENESIS, List.of())),
                new ProgressTimer(100, 1_600),
                new Replica.Start(0, 0, SimBlock.GENESIS)));
        finalized.add(new ArrayList<>());
      }
    }

    SimSignature prepare(int signer, long sequence, SimBlock block) {
      return keys.sign(signer, new SimKeys.Vote("PREPARE", 0, sequence, block.digest()));
    }

    void handle(int from, List<ReplicaOutput<SimBlock, SimSignature>> outputs) {
      for (ReplicaOutput<SimBlock, SimSignature> output : outputs) {
        var delivery = Deliveries.of(from, output);
        if (delivery.isPresent()) {
          broadcast(from, delivery.get());
        } else if (output instanceof Finalize<SimBlock, SimSignature> m) {
          finalized.get(from).add(m);
          // Storage acknowledges at once; the root stands for the ledger root after the block.
          handle(from, replicas.get(from).onStored(m.sequence(), m.block().digest()));
        } else if (!isTimer(output)) {
          notable.add(output);
        }
      }
    }

    void broadcast(
        int from,
        Function<Replica<SimBlock, SimSignature>, List<ReplicaOutput<SimBlock, SimSignature>>> m) {
      if (silent.contains(from)) {
        return;
      }
      for (int to = 0; to < replicas.size(); to++) {
        if (to != from && !silent.contains(to)) {
          int target = to;
          inFlight.add(() -> handle(target, m.apply(replicas.get(target))));
        }
      }
    }

    void run() {
      int steps = 0;
      while (!inFlight.isEmpty()) {
        if (shuffle != null) {
          List<Runnable> pending = new ArrayList<>(inFlight);
          Collections.shuffle(pending, shuffle);
          inFlight.clear();
          inFlight.addAll(pending);
        }
        inFlight.poll().run();
        assertThat(++steps).as("the network quiesces").isLessThan(1_000_000);
      }
    }

    /** The leader of view 0 proposes {@code count} blocks, chaining each on the last. */
    void proposeChain(int count) {
      Replica<SimBlock, SimSignature> leader = replicas.get(0);
      for (int i = 0; i < count; i++) {
        long sequence = leader.nextProposalSequence().orElseThrow();
        SimBlock block =
            new SimBlock(sequence, leader.proposalParent().orElseThrow(), "txs-" + sequence);
        handle(0, leader.propose(block));
      }
    }
  }

  @Test
  void fourHonestReplicasFinalizeEveryBlockOnTheFastPathInOrder() {
    Network network = new Network(4, 1, 0);
    network.proposeChain(3);
    network.run();

    for (List<Finalize<SimBlock, SimSignature>> log : network.finalized) {
      assertThat(log).extracting(Finalize::sequence).containsExactly(1L, 2L, 3L);
      assertThat(log).extracting(Finalize::path).containsOnly(Slot.Path.FAST);
      assertThat(log.get(0).certificate()).hasSize(4);
    }
    assertThat(network.finalized.get(1)).isEqualTo(network.finalized.get(3));
    assertThat(network.notable).isEmpty();
  }

  @Test
  void withOneSilentReplicaTheOthersFinalizeOnTheCommitPath() {
    Network network = new Network(4, 1, 0);
    network.silent.add(3);
    network.proposeChain(2);
    network.run();

    for (int i = 0; i < 3; i++) {
      assertThat(network.finalized.get(i))
          .extracting(Finalize::path)
          .containsExactly(Slot.Path.COMMIT, Slot.Path.COMMIT);
      assertThat(network.finalized.get(i).get(0).certificate()).hasSize(3);
    }
  }

  @ParameterizedTest(name = "n={0} f={1}")
  @CsvSource({"4,1", "7,2", "9,2"})
  void reorderedDeliveryStillFinalizesTheSameChainEverywhere(int n, int f) {
    for (long seed = 1; seed <= 20; seed++) {
      Network network = new Network(n, f, seed);
      network.proposeChain(7); // pipelined up to the window of 8
      network.run();

      // Paths and certificates may differ (they depend on which votes came first); blocks may not.
      List<SimBlock> first = network.finalized.get(0).stream().map(Finalize::block).toList();
      for (List<Finalize<SimBlock, SimSignature>> log : network.finalized) {
        assertThat(log).as("seed %d", seed).extracting(Finalize::block).isEqualTo(first);
        assertThat(log).extracting(Finalize::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
      }
    }
  }

  @Test
  void checkpointsBecomeStableAndTheWindowMoves() {
    Network network = new Network(4, 1, 0);
    Replica<SimBlock, SimSignature> leader = network.replicas.get(0);
    network.proposeChain(8);
    assertThat(leader.nextProposalSequence()).as("window (0, 8] full").isEmpty();
    network.run();

    assertThat(network.notable)
        .filteredOn(CheckpointStable.class::isInstance)
        .extracting(o -> ((CheckpointStable<?, ?>) o).sequence())
        .contains(4L, 8L);
    assertThat(leader.nextProposalSequence()).contains(9L);
  }

  @Test
  void refusesVotesFromStrangersAndOutsideTheWindowAndKeepsFutureViewsForLater() {
    Network network = new Network(4, 1, 0);
    Replica<SimBlock, SimSignature> replica = network.replicas.get(1);
    ByteString digest = ByteString.copyFromUtf8("d");

    assertThat(core(replica.onPrepare(9, 0, 1, digest, PROOF)))
        .containsExactly(new Rejected<>(9, "sender 9 is not a validator"));
    assertThat(core(replica.onPrepare(2, 1, 1, digest, PROOF)))
        .as("a vote of view 1 may arrive before its NEW-VIEW: kept, not refused")
        .isEmpty();
    assertThat(core(replica.onPrepare(2, -1, 1, digest, PROOF)))
        .containsExactly(new Rejected<>(2, "message for view -1, replica is in view 0"));
    assertThat(core(replica.onCommit(2, 0, 9, digest, PROOF)))
        .containsExactly(new Rejected<>(2, "sequence 9 outside the window (0, 8]"));
    assertThat(
            core(
                replica.onPrePrepare(2, 0, 1, new SimBlock(1, SimBlock.GENESIS, "not the leader"))))
        .containsExactly(new Rejected<>(2, "PRE-PREPARE from 2, who does not lead view 0"));
    assertThat(core(replica.propose(new SimBlock(1, SimBlock.GENESIS, "x"))))
        .containsExactly(new Rejected<>(1, "not the leader of view 0"));
  }

  @Test
  void aVoteWhoseSignatureIsNotTheSendersIsRefused() {
    Network network = new Network(4, 1, 0);
    Replica<SimBlock, SimSignature> replica = network.replicas.get(1);
    SimBlock one = new SimBlock(1, SimBlock.GENESIS, "a");
    replica.onPrePrepare(0, 0, 1, one);

    // Validator 2's PREPARE carrying validator 3's signature, and one with a made-up signature.
    assertThat(core(replica.onPrepare(2, 0, 1, one.digest(), network.prepare(3, 1, one))))
        .containsExactly(
            new Rejected<>(2, "PREPARE carries no valid signature of 2 on its content"));
    assertThat(
            core(
                replica.onCommit(
                    2,
                    0,
                    1,
                    one.digest(),
                    SimKeys.forge(2, new SimKeys.Vote("COMMIT", 0, 1, one.digest())))))
        .containsExactly(
            new Rejected<>(2, "COMMIT carries no valid signature of 2 on its content"));
    assertThat(core(replica.onCheckpoint(2, 4, one.digest(), PROOF)))
        .containsExactly(
            new Rejected<>(2, "CHECKPOINT carries no valid signature of 2 on its content"));
  }

  @Test
  void aProposalThatDoesNotExtendTheChainIsRefused() {
    Network network = new Network(4, 1, 0);
    SimBlock orphan = new SimBlock(1, ByteString.copyFromUtf8("elsewhere"), "x");

    assertThat(core(network.replicas.get(1).onPrePrepare(0, 0, 1, orphan)))
        .containsExactly(new Rejected<>(0, "proposal at 1 does not extend the block at 0"));
  }

  @Test
  void anEquivocatingLeaderIsRecordedAndItsSecondBlockIgnored() {
    Network network = new Network(4, 1, 0);
    Replica<SimBlock, SimSignature> replica = network.replicas.get(1);
    SimBlock first = new SimBlock(1, SimBlock.GENESIS, "a");
    SimBlock second = new SimBlock(1, SimBlock.GENESIS, "b");

    assertThat(replica.onPrePrepare(0, 0, 1, first)).hasAtLeastOneElementOfType(SendPrepare.class);
    assertThat(core(replica.onPrePrepare(0, 0, 1, second)))
        .containsExactly(new Evidence<>(0, "two proposals at view 0, sequence 1"));
  }

  @Test
  void aProposalArrivingBeforeItsParentWaitsForIt() {
    Network network = new Network(4, 1, 0);
    Replica<SimBlock, SimSignature> replica = network.replicas.get(1);
    SimBlock one = new SimBlock(1, SimBlock.GENESIS, "a");
    SimBlock two = new SimBlock(2, one.digest(), "b");

    assertThat(core(replica.onPrePrepare(0, 0, 2, two))).isEmpty();
    assertThat(replica.onPrePrepare(0, 0, 1, one))
        .filteredOn(SendPrepare.class::isInstance)
        .extracting(o -> ((SendPrepare<?, ?>) o).sequence())
        .as("block 2 still waits for block 1 to be prepared")
        .containsExactly(1L);
  }

  @Test
  void aReplicaBehindAStableCheckpointAsksForStateAndResumesFromIt() {
    Network network = new Network(4, 1, 0);
    Replica<SimBlock, SimSignature> lagging = network.replicas.get(3);
    ByteString digest4 = ByteString.copyFromUtf8("block-4");
    List<SimSignature> votes = new ArrayList<>();
    for (int signer = 0; signer < 3; signer++) {
      votes.add(network.keys.sign(signer, new SimKeys.Checkpoint(4, digest4)));
    }
    lagging.onCheckpoint(0, 4, digest4, votes.get(0));
    lagging.onCheckpoint(1, 4, digest4, votes.get(1));

    assertThat(core(lagging.onCheckpoint(2, 4, digest4, votes.get(2))))
        .containsExactly(
            new CheckpointStable<>(4, digest4, votes),
            new ReplicaOutput.FetchState<>(4, digest4, votes));

    assertThat(core(lagging.onStateFetched(4, digest4))).isEmpty();
    assertThat(lagging.deliveredSequence()).isEqualTo(4);
    assertThat(lagging.onPrePrepare(0, 0, 5, new SimBlock(5, digest4, "next")))
        .as("the stable checkpoint is final, so a proposal may extend it")
        .hasAtLeastOneElementOfType(SendPrepare.class);
    assertThat(core(lagging.onPrepare(1, 0, 3, digest4, PROOF)))
        .containsExactly(new Rejected<>(1, "sequence 3 outside the window (4, 12]"));
  }

  @Test
  void aChildIsPreparedOnlyOnceItsParentIsPreparedInThisView() {
    Network network = new Network(4, 1, 0);
    Replica<SimBlock, SimSignature> replica = network.replicas.get(1);
    SimBlock one = new SimBlock(1, SimBlock.GENESIS, "a");
    SimBlock two = new SimBlock(2, one.digest(), "b");

    assertThat(core(replica.onPrePrepare(0, 0, 1, one)))
        .filteredOn(SendPrepare.class::isInstance)
        .hasSize(1);
    assertThat(core(replica.onPrePrepare(0, 0, 2, two)))
        .as("block 1 is only accepted, not prepared: block 2 waits (acceptance rule)")
        .isEmpty();
    replica.onPrepare(0, 0, 1, one.digest(), network.prepare(0, 1, one));
    assertThat(core(replica.onPrepare(2, 0, 1, one.digest(), network.prepare(2, 1, one))))
        .as("the third PREPARE prepares block 1: COMMIT for it, then PREPARE for block 2")
        .filteredOn(o -> !(o instanceof ReplicaOutput.SendCommit<?, ?>))
        .singleElement()
        .isInstanceOfSatisfying(SendPrepare.class, p -> assertThat(p.sequence()).isEqualTo(2));
  }
}
