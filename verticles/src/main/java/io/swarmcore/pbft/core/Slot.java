package io.swarmcore.pbft.core;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One (view, sequence) of the normal case (docs/PROTOCOL.md, steps 2–4): the accepted proposal, the
 * PREPARE and COMMIT tallies, and the moment the slot becomes prepared or finalized. Votes may
 * arrive before the proposal; they count, but nothing is decided until the proposal they match is
 * known, because a replica cannot store or vouch for a block it has not seen.
 *
 * @param <P> the proof kept with each vote (the signed message)
 */
public final class Slot<P> {
  /** Something the replica must do because of the last input. */
  public sealed interface Step {}

  /** The proposal was accepted: send PREPARE for it (once per slot). */
  public record SendPrepare(ByteString digest) implements Step {}

  /**
   * A slow quorum of PREPAREs matches the proposal: the slot is prepared (its certificate is {@link
   * #preparedProofs()}). COMMIT follows at once, or after a grace for the fast path.
   */
  public record Prepared(ByteString digest) implements Step {}

  /** Send COMMIT for the prepared proposal (once). */
  public record SendCommit(ByteString digest) implements Step {}

  /** The block is final, on the given path, with the votes that prove it. */
  public record Finalized<P>(ByteString digest, Path path, List<P> certificate) implements Step {}

  /** The leader proposed two digests here: both proposals are evidence against it. */
  public record Equivocation(ByteString first, ByteString second) implements Step {}

  /** A validator voted twice with different digests. */
  public record ConflictingVote(int voter, ByteString first, ByteString second) implements Step {}

  /** Which path finalized a block. */
  public enum Path {
    FAST,
    COMMIT
  }

  private final Quorums quorums;
  private final VoteTally<P> prepares = new VoteTally<>();
  private final VoteTally<P> commits = new VoteTally<>();
  private ByteString proposal;
  private boolean prepared;
  private boolean commitSent;
  private final boolean holdCommit;
  private Path finalizedBy;

  public Slot(Quorums quorums) {
    this(quorums, false);
  }

  /**
   * @param holdCommit whether a prepared slot waits for {@link #commitNow()} before sending COMMIT
   *     (a grace for the fast quorum); COMMIT goes out at once when the slot finalizes fast
   */
  public Slot(Quorums quorums, boolean holdCommit) {
    this.quorums = quorums;
    this.holdCommit = holdCommit && quorums.fastPathEnabled();
  }

  /** The leader's PRE-PREPARE for this slot, already checked for view, window and validity. */
  public List<Step> propose(ByteString digest) {
    List<Step> steps = new ArrayList<>();
    if (proposal == null) {
      proposal = digest;
      steps.add(new SendPrepare(digest));
      advance(steps);
    } else if (!proposal.equals(digest)) {
      steps.add(new Equivocation(proposal, digest));
    }
    return steps;
  }

  public List<Step> prepare(int voter, ByteString digest, P proof) {
    return vote(prepares, voter, digest, proof);
  }

  public List<Step> commit(int voter, ByteString digest, P proof) {
    return vote(commits, voter, digest, proof);
  }

  private List<Step> vote(VoteTally<P> tally, int voter, ByteString digest, P proof) {
    List<Step> steps = new ArrayList<>();
    Optional<ByteString> earlier = tally.voteOf(voter);
    if (tally.add(voter, digest, proof) == VoteTally.Outcome.CONFLICTING) {
      steps.add(new ConflictingVote(voter, earlier.orElseThrow(), digest));
    } else {
      advance(steps);
    }
    return steps;
  }

  private void advance(List<Step> steps) {
    if (proposal == null || finalizedBy != null) {
      return;
    }
    int prepareVotes = prepares.votesFor(proposal);
    boolean fast = quorums.fastPathEnabled() && prepareVotes >= quorums.fastQuorum();
    if (!prepared && prepareVotes >= quorums.slowQuorum()) {
      prepared = true;
      steps.add(new Prepared(proposal));
      if (!holdCommit || fast) {
        sendCommit(steps);
      }
    }
    if (fast) {
      // COMMIT goes out even when the fast path finishes here: replicas that see fewer PREPAREs
      // rely on it to finish on the slow path.
      sendCommit(steps);
      finalizedBy = Path.FAST;
      steps.add(new Finalized<>(proposal, Path.FAST, prepares.proofsFor(proposal)));
    } else if (commits.votesFor(proposal) >= quorums.slowQuorum()) {
      finalizedBy = Path.COMMIT;
      steps.add(new Finalized<>(proposal, Path.COMMIT, commits.proofsFor(proposal)));
    }
  }

  private void sendCommit(List<Step> steps) {
    if (!commitSent) {
      commitSent = true;
      steps.add(new SendCommit(proposal));
    }
  }

  /** The grace for the fast quorum is over: send COMMIT if prepared and not sent yet. */
  public List<Step> commitNow() {
    List<Step> steps = new ArrayList<>();
    if (prepared && finalizedBy == null) {
      sendCommit(steps);
    }
    return steps;
  }

  public Optional<ByteString> proposal() {
    return Optional.ofNullable(proposal);
  }

  public boolean isPrepared() {
    return prepared;
  }

  /** The prepared certificate's PREPARE proofs, for a VIEW-CHANGE; empty if not prepared. */
  public List<P> preparedProofs() {
    return prepared ? prepares.proofsFor(proposal) : List.of();
  }

  public Optional<Path> finalizedBy() {
    return Optional.ofNullable(finalizedBy);
  }
}
