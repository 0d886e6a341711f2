package io.swarmcore.pbft.core;

import com.google.protobuf.ByteString;
import io.swarmcore.pbft.core.ReplicaOutput.CheckpointStable;
import io.swarmcore.pbft.core.ReplicaOutput.Evidence;
import io.swarmcore.pbft.core.ReplicaOutput.FetchState;
import io.swarmcore.pbft.core.ReplicaOutput.Finalize;
import io.swarmcore.pbft.core.ReplicaOutput.Rejected;
import io.swarmcore.pbft.core.ReplicaOutput.SendCheckpoint;
import io.swarmcore.pbft.core.ReplicaOutput.SendCommit;
import io.swarmcore.pbft.core.ReplicaOutput.SendPrePrepare;
import io.swarmcore.pbft.core.ReplicaOutput.SendPrepare;
import io.swarmcore.pbft.core.ReplicaPorts.Blocks;
import io.swarmcore.pbft.core.ReplicaPorts.Leaders;
import io.swarmcore.pbft.core.ReplicaPorts.Signer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The normal case of one PBFT replica (docs/PROTOCOL.md): proposals, votes on both paths, in-order
 * finalization and checkpoints, within one view. Inputs are verified messages (signatures are
 * checked outside); every call returns what the adapter must do. Deterministic: the same inputs in
 * the same order give the same outputs.
 *
 * <p>View change is not part of this class yet (issue 6, next step).
 *
 * @param <B> the block type
 * @param <P> the proof (signed message) kept with each vote
 */
public final class Replica<B, P> {
  private final Quorums quorums;
  private final int self;
  private final Leaders leaders;
  private final Blocks<B> blocks;
  private final Signer<P> signer;
  private final Checkpoints<P> checkpoints;
  private final long view;

  private final TreeMap<Long, Slot<P>> slots = new TreeMap<>();
  private final TreeMap<Long, B> accepted = new TreeMap<>();
  private final TreeMap<Long, B> awaitingParent = new TreeMap<>();
  private final TreeMap<Long, Finalize<B, P>> finalizedAhead = new TreeMap<>();
  private long deliveredSequence;
  private ByteString deliveredDigest;
  private long nextProposal;

  /** Where the ledger stands when the replica starts. */
  public record Start(long view, long sequence, ByteString digest) {}

  public Replica(
      Quorums quorums,
      int self,
      Leaders leaders,
      Blocks<B> blocks,
      Signer<P> signer,
      Checkpoints<P> checkpoints,
      Start start) {
    if (self < 0 || self >= quorums.validators()) {
      throw new IllegalArgumentException(
          "replica index " + self + " is not one of " + quorums.validators() + " validators");
    }
    this.quorums = quorums;
    this.self = self;
    this.leaders = leaders;
    this.blocks = blocks;
    this.signer = signer;
    this.checkpoints = checkpoints;
    this.view = start.view();
    this.deliveredSequence = start.sequence();
    this.deliveredDigest = start.digest();
    this.nextProposal = start.sequence() + 1;
  }

  public long view() {
    return view;
  }

  public long deliveredSequence() {
    return deliveredSequence;
  }

  public boolean isLeader() {
    return leaders.leaderOf(view) == self;
  }

  /** The sequence the leader's next proposal takes, if the window has room for it. */
  public Optional<Long> nextProposalSequence() {
    return isLeader() && checkpoints.inWindow(nextProposal)
        ? Optional.of(nextProposal)
        : Optional.empty();
  }

  /** The digest the next proposal must extend, if known. */
  public Optional<ByteString> proposalParent() {
    return digestAt(nextProposal - 1);
  }

  /** As leader, proposes {@code block} at the next sequence. */
  public List<ReplicaOutput<B, P>> propose(B block) {
    List<ReplicaOutput<B, P>> out = new ArrayList<>();
    if (nextProposalSequence().isEmpty()) {
      out.add(
          new Rejected<>(
              self,
              isLeader()
                  ? "window full: sequence "
                      + nextProposal
                      + " is above "
                      + checkpoints.highWatermark()
                  : "not the leader of view " + view));
      return out;
    }
    long sequence = nextProposal++;
    out.add(new SendPrePrepare<>(view, sequence, block));
    acceptOrWait(self, sequence, block, out);
    return out;
  }

  public List<ReplicaOutput<B, P>> onPrePrepare(int sender, long msgView, long sequence, B block) {
    List<ReplicaOutput<B, P>> out = new ArrayList<>();
    Optional<String> problem = checkVote(sender, msgView, sequence);
    if (problem.isEmpty() && sender != leaders.leaderOf(view)) {
      problem = Optional.of("PRE-PREPARE from " + sender + ", who does not lead view " + view);
    }
    if (problem.isPresent()) {
      out.add(new Rejected<>(sender, problem.get()));
      return out;
    }
    acceptOrWait(sender, sequence, block, out);
    return out;
  }

  public List<ReplicaOutput<B, P>> onPrepare(
      int sender, long msgView, long sequence, ByteString digest, P proof) {
    return vote(sender, msgView, sequence, slot -> slot.prepare(sender, digest, proof));
  }

  public List<ReplicaOutput<B, P>> onCommit(
      int sender, long msgView, long sequence, ByteString digest, P proof) {
    return vote(sender, msgView, sequence, slot -> slot.commit(sender, digest, proof));
  }

  private List<ReplicaOutput<B, P>> vote(
      int sender, long msgView, long sequence, Function<Slot<P>, List<Slot.Step>> count) {
    List<ReplicaOutput<B, P>> out = new ArrayList<>();
    Optional<String> problem = checkVote(sender, msgView, sequence);
    if (problem.isPresent()) {
      out.add(new Rejected<>(sender, problem.get()));
    } else {
      apply(sequence, count.apply(slot(sequence)), out);
    }
    return out;
  }

  /** Storage stored the block at {@code sequence}; its ledger root is {@code root}. */
  public List<ReplicaOutput<B, P>> onStored(long sequence, ByteString root) {
    List<ReplicaOutput<B, P>> out = new ArrayList<>();
    if (checkpoints.isCheckpointSequence(sequence) && checkpoints.inWindow(sequence)) {
      P proof = signer.checkpoint(sequence, root);
      out.add(new SendCheckpoint<>(sequence, root, proof));
      countCheckpoint(self, sequence, root, proof, out);
    }
    return out;
  }

  public List<ReplicaOutput<B, P>> onCheckpoint(
      int sender, long sequence, ByteString root, P proof) {
    List<ReplicaOutput<B, P>> out = new ArrayList<>();
    if (!isValidator(sender)) {
      out.add(new Rejected<>(sender, "CHECKPOINT from " + sender + ", not a validator"));
    } else {
      countCheckpoint(sender, sequence, root, proof, out);
    }
    return out;
  }

  private void countCheckpoint(
      int sender, long sequence, ByteString root, P proof, List<ReplicaOutput<B, P>> out) {
    switch (checkpoints.add(sender, sequence, root, proof)) {
      case BECAME_STABLE -> {
        Checkpoints.Stable<P> stable = checkpoints.stable();
        trimSettled();
        out.add(new CheckpointStable<>(stable.sequence(), stable.root(), stable.proof()));
        if (stable.sequence() > deliveredSequence) {
          out.add(new FetchState<>(stable.sequence(), stable.root(), stable.proof()));
        }
      }
      case REFUSED_BEYOND_WINDOW ->
          out.add(
              new Rejected<>(
                  sender,
                  "CHECKPOINT at "
                      + sequence
                      + " is above the window end "
                      + checkpoints.highWatermark()));
      case NOT_A_CHECKPOINT_SEQUENCE ->
          out.add(new Rejected<>(sender, "no checkpoint is taken at sequence " + sequence));
      case CONFLICTING ->
          out.add(new Evidence<>(sender, "two CHECKPOINT roots at sequence " + sequence));
      case COUNTED, IGNORED_OLD, DUPLICATE -> {}
    }
  }

  /**
   * The adapter installed the state at {@code sequence} (after a {@link FetchState}); the block
   * there has {@code digest}. Everything at or below it is settled.
   */
  public List<ReplicaOutput<B, P>> onStateFetched(long sequence, ByteString digest) {
    List<ReplicaOutput<B, P>> out = new ArrayList<>();
    if (sequence <= deliveredSequence) {
      return out;
    }
    deliveredSequence = sequence;
    deliveredDigest = digest;
    nextProposal = Math.max(nextProposal, sequence + 1);
    finalizedAhead.headMap(sequence, true).clear();
    trimSettled();
    deliverInOrder(out);
    acceptWaitingChild(sequence, out);
    return out;
  }

  /**
   * Drops what no input can change any more: sequences below both the stable checkpoint and the
   * delivered height. A replica behind the checkpoint keeps its slots above its height so that
   * votes in flight can still finish them.
   */
  private void trimSettled() {
    long settled = settledSequence();
    slots.headMap(settled, true).clear();
    accepted.headMap(settled, false).clear();
    awaitingParent.headMap(settled, true).clear();
  }

  private long settledSequence() {
    return Math.min(checkpoints.lowWatermark(), deliveredSequence);
  }

  private Optional<String> checkVote(int sender, long msgView, long sequence) {
    if (!isValidator(sender)) {
      return Optional.of("sender " + sender + " is not a validator");
    }
    if (msgView != view) {
      return Optional.of("message for view " + msgView + ", replica is in view " + view);
    }
    if (sequence <= settledSequence() || sequence > checkpoints.highWatermark()) {
      return Optional.of(
          "sequence "
              + sequence
              + " outside the window ("
              + settledSequence()
              + ", "
              + checkpoints.highWatermark()
              + "]");
    }
    return Optional.empty();
  }

  private boolean isValidator(int index) {
    return index >= 0 && index < quorums.validators();
  }

  private void acceptOrWait(int sender, long sequence, B block, List<ReplicaOutput<B, P>> out) {
    B earlier =
        accepted.containsKey(sequence) ? accepted.get(sequence) : awaitingParent.get(sequence);
    if (earlier != null) {
      if (!blocks.digest(earlier).equals(blocks.digest(block))) {
        out.add(twoProposals(sender, sequence));
      }
      return;
    }
    Optional<ByteString> parent = digestAt(sequence - 1);
    if (parent.isEmpty()) {
      awaitingParent.put(sequence, block);
      return;
    }
    if (!parent.get().equals(blocks.parent(block))) {
      out.add(
          new Rejected<>(
              sender,
              "proposal at " + sequence + " does not extend the block at " + (sequence - 1)));
      return;
    }
    accepted.put(sequence, block);
    apply(sequence, slot(sequence).propose(blocks.digest(block)), out);
    acceptWaitingChild(sequence, out);
  }

  /** A proposal for sequence + 1 that arrived before its parent can be judged now. */
  private void acceptWaitingChild(long sequence, List<ReplicaOutput<B, P>> out) {
    B child = awaitingParent.remove(sequence + 1);
    if (child != null) {
      acceptOrWait(leaders.leaderOf(view), sequence + 1, child, out);
    }
  }

  private Optional<ByteString> digestAt(long sequence) {
    B block = accepted.get(sequence);
    if (block != null) {
      return Optional.of(blocks.digest(block));
    }
    return sequence == deliveredSequence ? Optional.of(deliveredDigest) : Optional.empty();
  }

  private Slot<P> slot(long sequence) {
    return slots.computeIfAbsent(sequence, s -> new Slot<>(quorums));
  }

  private void apply(long sequence, List<Slot.Step> steps, List<ReplicaOutput<B, P>> out) {
    for (Slot.Step step : steps) {
      if (step instanceof Slot.SendPrepare prepare) {
        P proof = signer.prepare(view, sequence, prepare.digest());
        out.add(new SendPrepare<>(view, sequence, prepare.digest(), proof));
        apply(sequence, slot(sequence).prepare(self, prepare.digest(), proof), out);
      } else if (step instanceof Slot.SendCommit commit) {
        P proof = signer.commit(view, sequence, commit.digest());
        out.add(new SendCommit<>(view, sequence, commit.digest(), proof));
        apply(sequence, slot(sequence).commit(self, commit.digest(), proof), out);
      } else if (step instanceof Slot.Finalized<?> finalized) {
        @SuppressWarnings("unchecked") // the slot holds this replica's proofs, of type P
        List<P> certificate = (List<P>) finalized.certificate();
        finalizedAhead.put(
            sequence,
            new Finalize<>(sequence, accepted.get(sequence), finalized.path(), certificate));
        deliverInOrder(out);
      } else if (step instanceof Slot.Equivocation) {
        out.add(twoProposals(leaders.leaderOf(view), sequence));
      } else if (step instanceof Slot.ConflictingVote conflict) {
        out.add(
            new Evidence<>(
                conflict.voter(),
                "two votes of one kind at view " + view + ", sequence " + sequence));
      }
    }
  }

  private Evidence<B, P> twoProposals(int leader, long sequence) {
    return new Evidence<>(leader, "two proposals at view " + view + ", sequence " + sequence);
  }

  private void deliverInOrder(List<ReplicaOutput<B, P>> out) {
    Finalize<B, P> next;
    while ((next = finalizedAhead.remove(deliveredSequence + 1)) != null) {
      out.add(next);
      deliveredSequence = next.sequence();
      deliveredDigest = blocks.digest(next.block());
    }
    trimSettled();
  }
}
