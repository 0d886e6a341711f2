package io.swarmcore.pbft.core;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns a replica's send output into the call a receiving replica makes, so that every transport
 * (the simulator, the benchmark, tests) routes the messages of one replica to another the same way.
 */
public final class Deliveries {
  private Deliveries() {}

  /** What a replica that receives {@code output} from {@code from} runs; empty if not a send. */
  public static <B, P> Optional<Function<Replica<B, P>, List<ReplicaOutput<B, P>>>> of(
      int from, ReplicaOutput<B, P> output) {
    if (output instanceof ReplicaOutput.SendPrePrepare<B, P> m) {
      return Optional.of(r -> r.onPrePrepare(from, m.view(), m.sequence(), m.block()));
    }
    if (output instanceof ReplicaOutput.SendPrepare<B, P> m) {
      return Optional.of(r -> r.onPrepare(from, m.view(), m.sequence(), m.digest(), m.proof()));
    }
    if (output instanceof ReplicaOutput.SendCommit<B, P> m) {
      return Optional.of(r -> r.onCommit(from, m.view(), m.sequence(), m.digest(), m.proof()));
    }
    if (output instanceof ReplicaOutput.SendCheckpoint<B, P> m) {
      return Optional.of(r -> r.onCheckpoint(from, m.sequence(), m.digest(), m.proof()));
    }
    if (output instanceof ReplicaOutput.SendStableCheckpoint<B, P> m) {
      return Optional.of(r -> r.onStableCheckpoint(from, m.stable()));
    }
    if (output instanceof ReplicaOutput.SendViewChange<B, P> m) {
      return Optional.of(r -> r.onViewChange(from, m.viewChange()));
    }
    if (output instanceof ReplicaOutput.SendNewView<B, P> m) {
      return Optional.of(r -> r.onNewView(from, m.newView()));
    }
    return Optional.empty();
  }
}
