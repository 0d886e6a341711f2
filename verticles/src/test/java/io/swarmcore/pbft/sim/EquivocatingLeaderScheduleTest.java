package io.swarmcore.pbft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swarmcore.pbft.core.Checkpoints;
import io.swarmcore.pbft.core.Deliveries;
import io.swarmcore.pbft.core.Quorums;
import io.swarmcore.pbft.core.Replica;
import io.swarmcore.pbft.core.ReplicaOutput;
import io.swarmcore.pbft.core.ReplicaPorts;
import io.swarmcore.pbft.core.Slot;
import io.swarmcore.pbft.core.TestBlock;
import io.swarmcore.pbft.sim.SimulatedNetwork.Delivery;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Safety of the normal case against f Byzantine validators, over seeded schedules with delays,
 * duplicates and reordering: the leader (Byzantine) sends two chains to a random split of the
 * honest replicas, and every Byzantine validator votes PREPARE and COMMIT for both. No two honest
 * replicas may finalize different blocks at one height, and every certificate must hold a quorum of
 * distinct signers. (Liveness needs view change, which is not in the replica yet.)
 */
class EquivocatingLeaderScheduleTest {
  private static final int BLOCKS = 6;

  private record Vote(String kind, int signer) {}

  @ParameterizedTest(name = "n={0} f={1}")
  @CsvSource({"4,1", "7,2"})
  void honestReplicasNeverFinalizeConflictingBlocks(int n, int f) {
    Quorums quorums = Quorums.of(n, f);
    int finalizedSomewhere = 0;
    for (long seed = 1; seed <= 300; seed++) {
      finalizedSomewhere += runSchedule(quorums, seed);
    }
    // The attack must not make the test vacuous: some schedules do finalize a chain.
    assertThat(finalizedSomewhere).isPositive();
  }

  /** Runs one schedule; returns how many blocks honest replicas finalized in it. */
  private static int runSchedule(Quorums quorums, long seed) {
    int n = quorums.validators();
    int f = quorums.faulty();
    Set<Integer> byzantine = new HashSet<>();
    for (int i = 0; i < f; i++) {
      byzantine.add(i); // validator 0 leads view 0
    }
    EventQueue<Delivery<Function<Replica<TestBlock, Vote>, List<ReplicaOutput<TestBlock, Vote>>>>>
        queue = new EventQueue<>();
    NetworkConditions conditions = new NetworkConditions(1, 20, 20, 0, 0.2, 0, List.of());
    SimulatedNetwork<Function<Replica<TestBlock, Vote>, List<ReplicaOutput<TestBlock, Vote>>>>
        network = new SimulatedNetwork<>(conditions, seed, queue);
    Map<Integer, Replica<TestBlock, Vote>> honest = new HashMap<>();
    for (int i = f; i < n; i++) {
      honest.put(i, replica(quorums, i));
    }

    // The Byzantine leader's two chains, sent to a seeded split of the honest replicas.
    Random split = new Random(seed);
    List<TestBlock> chainA = TestBlock.chain("a", BLOCKS);
    List<TestBlock> chainB = TestBlock.chain("b", BLOCKS);
    for (int to : honest.keySet()) {
      List<TestBlock> chain = split.nextBoolean() ? chainA : chainB;
      for (TestBlock block : chain) {
        network.send(0, to, r -> r.onPrePrepare(0, 0, block.height(), block));
      }
    }
    for (int liar : byzantine) {
      for (int to : honest.keySet()) {
        for (TestBlock block : concat(chainA, chainB)) {
          long s = block.height();
          ByteString d = block.digest();
          network.send(liar, to, r -> r.onPrepare(liar, 0, s, d, new Vote("prepare", liar)));
          network.send(liar, to, r -> r.onCommit(liar, 0, s, d, new Vote("commit", liar)));
        }
      }
    }

    Map<Long, TestBlock> finalizedAt = new HashMap<>();
    int finalized = 0;
    int steps = 0;
    while (queue.size() > 0) {
      assertThat(++steps).as("seed %d quiesces", seed).isLessThan(2_000_000);
      Delivery<Function<Replica<TestBlock, Vote>, List<ReplicaOutput<TestBlock, Vote>>>> delivery =
          queue.next().orElseThrow().event();
      int at = delivery.to();
      for (ReplicaOutput<TestBlock, Vote> output : delivery.message().apply(honest.get(at))) {
        var message = Deliveries.of(at, output);
        if (message.isPresent()) {
          broadcast(network, honest.keySet(), at, message.get());
        } else if (output instanceof ReplicaOutput.Finalize<TestBlock, Vote> m) {
          finalized++;
          TestBlock earlier = finalizedAt.putIfAbsent(m.sequence(), m.block());
          assertThat(earlier == null ? m.block() : earlier)
              .as("seed %d: agreement at height %d", seed, m.sequence())
              .isEqualTo(m.block());
          int needed = m.path() == Slot.Path.FAST ? quorums.fastQuorum() : quorums.slowQuorum();
          assertThat(m.certificate().stream().map(Vote::signer).distinct().count())
              .as("seed %d: certificate signers", seed)
              .isGreaterThanOrEqualTo(needed);
        }
      }
    }
    return finalized;
  }

  private static void broadcast(
      SimulatedNetwork<Function<Replica<TestBlock, Vote>, List<ReplicaOutput<TestBlock, Vote>>>>
          network,
      Set<Integer> honest,
      int from,
      Function<Replica<TestBlock, Vote>, List<ReplicaOutput<TestBlock, Vote>>> message) {
    for (int to : honest) {
      if (to != from) {
        network.send(from, to, message);
      }
    }
  }

  private static List<TestBlock> concat(List<TestBlock> a, List<TestBlock> b) {
    List<TestBlock> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static Replica<TestBlock, Vote> replica(Quorums quorums, int self) {
    ReplicaPorts.Signer<Vote> signer =
        new ReplicaPorts.Signer<>() {
          @Override
          public Vote prepare(long view, long sequence, ByteString digest) {
            return new Vote("prepare", self);
          }

          @Override
          public Vote commit(long view, long sequence, ByteString digest) {
            return new Vote("commit", self);
          }

          @Override
          public Vote checkpoint(long sequence, ByteString root) {
            return new Vote("checkpoint", self);
          }
        };
    return new Replica<>(
        quorums,
        self,
        view -> 0,
        TestBlock.FACTS,
        signer,
        new Checkpoints<>(
            quorums, 100, 200, new Checkpoints.Stable<>(0, TestBlock.GENESIS, List.of())),
        new Replica.Start(0, 0, TestBlock.GENESIS));
  }
}
