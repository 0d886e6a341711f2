package io.swarmcore.pbft.core;

import com.google.protobuf.ByteString;
import java.util.List;

/** What a replica asks its adapter to do. */
public sealed interface ReplicaOutput<B, P> {

  /** Send the leader's proposal to every validator. */
  record SendPrePrepare<B, P>(long view, long sequence, B block) implements ReplicaOutput<B, P> {}

  /** Send this replica's signed PREPARE to every validator. */
  record SendPrepare<B, P>(long view, long sequence, ByteString digest, P proof)
      implements ReplicaOutput<B, P> {}

  /** Send this replica's signed COMMIT to every validator. */
  record SendCommit<B, P>(long view, long sequence, ByteString digest, P proof)
      implements ReplicaOutput<B, P> {}

  /** Send this replica's signed CHECKPOINT to every validator. */
  record SendCheckpoint<B, P>(long sequence, ByteString digest, P proof)
      implements ReplicaOutput<B, P> {}

  /** Store a final block; emitted strictly in sequence order. */
  record Finalize<B, P>(long sequence, B block, Slot.Path path, List<P> certificate)
      implements ReplicaOutput<B, P> {}

  /** A checkpoint became stable: the log below it was dropped. */
  record CheckpointStable<B, P>(long sequence, ByteString digest, List<P> proof)
      implements ReplicaOutput<B, P> {}

  /**
   * A quorum made a checkpoint stable that this replica has not reached: fetch the state at that
   * sequence (the block digest there is proven by the proof), then call {@code
   * Replica.onStateFetched}. Votes still arriving for the missing sequences keep counting
   * meanwhile.
   */
  record FetchState<B, P>(long sequence, ByteString digest, List<P> proof)
      implements ReplicaOutput<B, P> {}

  /**
   * Send this replica's stable checkpoint with its q signatures: some replica is behind it (its
   * VIEW-CHANGE said so) and may be too far behind to count CHECKPOINT votes in its window.
   */
  record SendStableCheckpoint<B, P>(Checkpoints.Stable<P> stable) implements ReplicaOutput<B, P> {}

  /** Send this replica's signed VIEW-CHANGE to every validator. */
  record SendViewChange<B, P>(ViewChange.Signed<B, P> viewChange) implements ReplicaOutput<B, P> {}

  /** As the new leader, send NEW-VIEW to every validator (again, when someone missed it). */
  record SendNewView<B, P>(NewView<B, P> newView) implements ReplicaOutput<B, P> {}

  /** The replica entered a view: normal operation resumes there. */
  record ViewInstalled<B, P>(long view, int leader) implements ReplicaOutput<B, P> {}

  /** Call {@code Replica.onTick} at logical time {@code at} (replaces any earlier request). */
  record SetTimer<B, P>(long at) implements ReplicaOutput<B, P> {}

  /** No tick is needed until some input arrives. */
  record CancelTimer<B, P>() implements ReplicaOutput<B, P> {}

  /**
   * The view made no progress in time: besides changing view, fetch any blocks above {@code after}
   * that others have finalized (each checked by its certificate and parent hash, then stored), and
   * call {@code Replica.onStateFetched} with the new height, and {@code Replica.onStored} for each
   * stored block as for finalized ones (so that checkpoints among them are signed). A replica that
   * missed a view's messages catches up this way even when nobody else changes view.
   */
  record CatchUp<B, P>(long after) implements ReplicaOutput<B, P> {}

  /** Proof that a validator misbehaved (two proposals or two votes for one slot). */
  record Evidence<B, P>(int validator, String what) implements ReplicaOutput<B, P> {}

  /** An input that was refused, and why; nothing else changed. */
  record Rejected<B, P>(int sender, String reason) implements ReplicaOutput<B, P> {}
}
