package io.swarmcore.bench;

import com.google.protobuf.ByteString;
import io.swarmcore.pbft.core.Checkpoints;
import io.swarmcore.pbft.core.Deliveries;
import io.swarmcore.pbft.core.ProgressTimer;
import io.swarmcore.pbft.core.Quorums;
import io.swarmcore.pbft.core.Replica;
import io.swarmcore.pbft.core.ReplicaOutput;
import io.swarmcore.pbft.core.ReplicaPorts;
import io.swarmcore.pbft.core.ViewChange;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The PBFT core alone: n replicas on one thread joined by an in-memory FIFO queue, with fake
 * signatures and pre-computed digests, so that only the protocol logic is measured. One operation
 * finalizes one block everywhere; the {@code handlings} counter reports messages handled per second
 * on this one core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReplicaBenchmark {
  @Param({"4", "7"})
  public int validators;

  /** Messages handled, reported by JMH per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Handlings {
    public long handlings;

    @Setup(Level.Iteration)
    public void reset() {
      handlings = 0;
    }
  }

  record Block(long height, ByteString parent, ByteString digest) {}

  private static final ReplicaPorts.Blocks<Block> FACTS =
      new ReplicaPorts.Blocks<>() {
        @Override
        public ByteString digest(Block block) {
          return block.digest();
        }

        @Override
        public ByteString parent(Block block) {
          return block.parent();
        }
      };

  private record Envelope(
      int to, Function<Replica<Block, Integer>, List<ReplicaOutput<Block, Integer>>> delivery) {}

  private final List<Replica<Block, Integer>> replicas = new ArrayList<>();
  private final ArrayDeque<Envelope> queue = new ArrayDeque<>();
  private long handled;

  @Setup(Level.Iteration)
  public void setUp() {
    replicas.clear();
    queue.clear();
    Quorums quorums = Quorums.of(validators, Quorums.maxFaulty(validators));
    ByteString genesis = ByteString.copyFromUtf8("genesis");
    for (int i = 0; i < validators; i++) {
      Integer proof = i;
      ReplicaPorts.Signer<Integer> signer =
          new ReplicaPorts.Signer<>() {
            @Override
            public Integer prepare(long view, long sequence, ByteString digest) {
              return proof;
            }

            @Override
            public Integer commit(long view, long sequence, ByteString digest) {
              return proof;
            }

            @Override
            public Integer checkpoint(long sequence, ByteString digest) {
              return proof;
            }

            @Override
            public <B> Integer viewChange(ViewChange<B, Integer> message) {
              return proof;
            }
          };
      // The benchmark's stand-in signature is the signer's index; no view change happens here.
      ReplicaPorts.Verifier<Block, Integer> verifier =
          new ReplicaPorts.Verifier<>() {
            @Override
            public OptionalInt prepareSigner(
                Integer signature, long view, long sequence, ByteString digest) {
              return OptionalInt.of(signature);
            }

            @Override
            public OptionalInt commitSigner(
                Integer signature, long view, long sequence, ByteString digest) {
              return OptionalInt.of(signature);
            }

            @Override
            public OptionalInt checkpointSigner(
                Integer signature, long sequence, ByteString digest) {
              return OptionalInt.of(signature);
            }

            @Override
            public OptionalInt viewChangeSigner(
                Integer signature, ViewChange<Block, Integer> message) {
              return OptionalInt.of(signature);
            }
          };
      replicas.add(
          new Replica<>(
              quorums,
              i,
              new Replica.Ports<>(view -> 0, FACTS, signer, verifier),
              new Checkpoints<>(quorums, 64, 128, new Checkpoints.Stable<>(0, genesis, List.of())),
              new ProgressTimer(1_000_000, 1_000_000),
              new Replica.Start(0, 0, genesis)));
    }
  }

  @Benchmark
  public long finalizeOneBlock(Handlings counter) {
    Replica<Block, Integer> leader = replicas.get(0);
    long sequence = leader.nextProposalSequence().orElseThrow();
    ByteString digest = ByteString.copyFrom(ByteBuffer.allocate(8).putLong(sequence).array());
    handled = 0;
    route(0, leader.propose(new Block(sequence, leader.proposalParent().orElseThrow(), digest)));
    Envelope next;
    while ((next = queue.poll()) != null) {
      handled++;
      route(next.to(), next.delivery().apply(replicas.get(next.to())));
    }
    counter.handlings += handled;
    return leader.deliveredSequence();
  }

  private void route(int from, List<ReplicaOutput<Block, Integer>> outputs) {
    for (ReplicaOutput<Block, Integer> output : outputs) {
      var delivery = Deliveries.of(from, output);
      if (delivery.isPresent()) {
        broadcast(from, delivery.get());
      } else if (output instanceof ReplicaOutput.Finalize<Block, Integer> m) {
        route(from, replicas.get(from).onStored(m.sequence(), m.block().digest()));
      } else if (output instanceof ReplicaOutput.Rejected<Block, Integer> m) {
        throw new IllegalStateException("fault-free run rejected a message: " + m.reason());
      }
    }
  }

  private void broadcast(
      int from, Function<Replica<Block, Integer>, List<ReplicaOutput<Block, Integer>>> delivery) {
    for (int to = 0; to < replicas.size(); to++) {
      if (to != from) {
        queue.add(new Envelope(to, delivery));
      }
    }
  }
}
