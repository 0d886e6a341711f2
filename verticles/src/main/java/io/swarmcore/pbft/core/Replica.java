package io.swarmcore.pbft.core;

import com.google.protobuf.ByteString;
import io.swarmcore.pbft.core.ReplicaOutput.CancelTimer;
import io.swarmcore.pbft.core.ReplicaOutput.CheckpointStable;
import io.swarmcore.pbft.core.ReplicaOutput.Evidence;
import io.swarmcore.pbft.core.ReplicaOutput.FetchState;
import io.swarmcore.pbft.core.ReplicaOutput.Finalize;
import io.swarmcore.pbft.core.ReplicaOutput.Rejected;
import io.swarmcore.pbft.core.ReplicaOutput.SendCheckpoint;
import io.swarmcore.pbft.core.ReplicaOutput.SendCommit;
import io.swarmcore.pbft.core.ReplicaOutput.SendNewView;
import io.swarmcore.pbft.core.ReplicaOutput.SendPrePrepare;
import io.swarmcore.pbft.core.ReplicaOutput.SendPrepare;
import io.swarmcore.pbft.core.ReplicaOutput.SendStableCheckpoint;
import io.swarmcore.pbft.core.ReplicaOutput.SendViewChange;
import io.swarmcore.pbft.core.ReplicaOutput.SetTimer;
import io.swarmcore.pbft.core.ReplicaOutput.ViewInstalled;
import io.swarmcore.pbft.core.ReplicaPorts.Blocks;
import io.swarmcore.pbft.core.ReplicaPorts.Leaders;
import io.swarmcore.pbft.core.ReplicaPorts.Signer;
import io.swarmcore.pbft.core.ReplicaPorts.Verifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One PBFT replica (docs/PROTOCOL.md): proposals, votes on both paths, in-order finalization,
 * checkpoints and view change. Inputs are verified messages (the signatures of the messages
 * themselves are checked outside; signatures carried inside a VIEW-CHANGE or NEW-VIEW are checked
 * here through {@link Verifier}), logical-time ticks and storage events; every call returns what
 * the adapter must do. Deterministic: the same inputs in the same order give the same outputs.
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
  private final ProgressTimer timer;
  private final ViewChangeCheck<B, P> viewChangeCheck;
  private final ReproposalRule<B> rule;
  private final long commitGrace;

  /** Consecutive blocks final on the commit path after which the commit grace is skipped. */
  static final int ADAPT_AFTER = 16;

  private int commitPathStreak;
  private final Verifier<B, P> verifier;

  private long view;
  private boolean changingView;
  private long base;
  private long planTop;
  private ByteString baseDigest;
  private long now;
  private boolean workPending;
  private OptionalLong requestedTick = OptionalLong.empty();

  // State of the current view, dropped when a new view is entered.
  private final TreeMap<Long, Slot<P>> slots = new TreeMap<>();
  private final TreeMap<Long, B> accepted = new TreeMap<>();
  private final TreeMap<Long, B> awaitingParent = new TreeMap<>();
  private final TreeMap<Long, ByteString> extendable = new TreeMap<>();
  // Prepared sequences holding their COMMIT for the fast quorum, and until when.
  private final TreeMap<Long, Long> commitDue = new TreeMap<>();
  private final EarlyMessages<Function<Replica<B, P>, List<ReplicaOutput<B, P>>>> early;
  private NewView<B, P> installedNewView;

  // State kept across views.
  private final TreeMap<Long, Finalize<B, P>> finalizedAhead = new TreeMap<>();
  private final VoteHistory<B, P> history = new VoteHistory<>();
  private final ViewChangeRequests<B, P> requests = new ViewChangeRequests<>();
  private ViewChange.Signed<B, P> ownViewChange;
  private SendCheckpoint<B, P> ownCheckpoint;
  private long deliveredSequence;
  private ByteString deliveredDigest;
  private long nextProposal;
  // A restarted replica's starting view, in which it proposes nothing (-1: none).
  private final long silentInView;

  /** Where the ledger stands when the replica starts. */
  public record Start(long view, long sequence, ByteString digest) {}

  /** The ports a replica uses: leader schedule, block facts, its own key, others' signatures. */
  public record Ports<B, P>(
      Leaders leaders, Blocks<B> blocks, Signer<P> signer, Verifier<B, P> verifier) {}

  /** A replica that sends COMMIT as soon as it is prepared. */
  public Replica(
      Quorums quorums,
      int self,
      Ports<B, P> ports,
      Checkpoints<P> checkpoints,
      ProgressTimer timer,
      Start start) {
    this(quorums, self, ports, checkpoints, timer, start, 0);
  }

  /**
   * @param commitGrace logical time a prepared replica waits for the fast quorum before sending
   *     COMMIT (0: at once). Both paths stay safe either way; the grace keeps the commit path from
   *     overtaking a fast path that is only a little late (SBFT waits the same way).
   */
  public Replica(
      Quorums quorums,
      int self,
      Ports<B, P> ports,
      Checkpoints<P> checkpoints,
      ProgressTimer timer,
      Start start,
      long commitGrace) {
    this(quorums, self, ports, checkpoints, timer, start, commitGrace, checkpoints.stable(), false);
  }

  /**
   * A replica that may start above the chain's genesis: after a restart, from the view and stable
   * checkpoint it saved.
   *
   * @param chainGenesis the checkpoint every replica starts from (sequence -1, no proof): a
   *     VIEW-CHANGE may still carry it, however far the starting checkpoint is above it
   * @param restarted true after a crash: the replica may have proposed in {@code start.view()}
   *     before and no longer knows what, so it proposes nothing in that view (it votes as before)
   */
  public Replica(
      Quorums quorums,
      int self,
      Ports<B, P> ports,
      Checkpoints<P> checkpoints,
      ProgressTimer timer,
      Start start,
      long commitGrace,
      Checkpoints.Stable<P> chainGenesis,
      boolean restarted) {
    if (self < 0 || self >= quorums.validators()) {
      throw new IllegalArgumentException(
          "replica index " + self + " is not one of " + quorums.validators() + " validators");
    }
    this.quorums = quorums;
    this.self = self;
    this.leaders = ports.leaders();
    this.blocks = ports.blocks();
    this.signer = ports.signer();
    this.checkpoints = checkpoints;
    this.timer = timer;
    this.viewChangeCheck =
        new ViewChangeCheck<>(
            quorums,
            ports.blocks(),
            ports.verifier(),
            chainGenesis,
            checkpoints.highWatermark() - checkpoints.lowWatermark());
    this.rule = new ReproposalRule<>(quorums, ports.blocks());
    if (commitGrace < 0) {
      throw new IllegalArgumentException("commit grace must be ≥ 0, got " + commitGrace);
    }
    this.commitGrace = commitGrace;
    this.verifier = ports.verifier();
    // A PRE-PREPARE, PREPARE and COMMIT per sequence of the window, and some slack.
    this.early =
        new EarlyMessages<>(3 * (checkpoints.highWatermark() - checkpoints.lowWatermark()) + 8);
    this.view = start.view();
    this.base = start.sequence();
    this.planTop = start.sequence();
    this.baseDigest = start.digest();
    this.deliveredSequence = start.sequence();
    this.deliveredDigest = start.digest();
    this.nextProposal = start.sequence() + 1;
    this.silentInView = restarted ? start.view() : -1;
  }

  public long view() {
    return view;
  }

  public boolean isChangingView() {
    return changingView;
  }

  public long deliveredSequence() {
    return deliveredSequence;
  }

  public ByteString deliveredDigest() {
    return deliveredDigest;
  }

  public boolean isLeader() {
    return !changingView && leaders.leaderOf(view) == self && view != silentInView;
  }

  /** The sequence the leader's next proposal takes, if the window has room for it. */
  public Optional<Long> nextProposalSequence() {
    return isLeader() && checkpoints.inWindow(nextProposal)
        ? Optional.of(nextProposal)
        : Optional.empty();
  }

  /** The digest the next proposal must extend: the leader's own proposal below it, or the base. */
  public Optional<ByteString> proposalParent() {
    long below = nextProposal - 1;
    if (below == deliveredSequence) {
      return Optional.of(deliveredDigest);
    }
    if (below == base) {
      return Optional.of(baseDigest);
    }
    if (below == checkpoints.lowWatermark()) {
      return Optional.of(checkpoints.stable().digest());
    }
    // The leader's own proposal there, accepted or still waiting for its parent to prepare.
    B own = accepted.containsKey(below) ? accepted.get(below) : awaitingParent.get(below);
    return Optional.ofNullable(own).map(blocks::digest);
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
    return finish(out);
  }

  /**
   * Whether client work waits (for example a non-empty mempool). While it does, the view timer
   * runs: a view that finalizes nothing in time is abandoned.
   */
  public List<ReplicaOutput<B, P>> onWorkPending(boolean pending) {
    workPending = pending;
    return finish(new ArrayList<>());
  }

  /** Logical time is now {@code time}: a view without progress for its timeout is abandoned. */
  public List<ReplicaOutput<B, P>> onTick(long time) {
    List<ReplicaOutput<B, P>> out = new ArrayList<>();
    now = Math.max(now, time);
    sendDueCommits(out);
    if (timer.tick(now)) {
      out.add(new ReplicaOutput.CatchUp<>(deliveredSequence));
      if (ownCheckpoint != null && ownCheckpoint.sequence() > checkpoints.lowWatermark()) {
        // Its CHECKPOINT may have been lost: without a stable checkpoint the window cannot move.
        out.add(ownCheckpoint);
      }
      if (!changingView) {
        startViewChange(view + 1, out);
      } else if (requests.askingAtLeast(view) >= quorums.viewChangeQuorum()) {
        // n − f replicas asked for this view or a later one, and no NEW-VIEW came: move on.
        startViewChange(view + 1, out);
      } else {
        // Too few replicas are this far yet; repeat the request in case it was lost, but do not
        // run ahead of them alone.
        out.add(new SendViewChange<>(ownViewChange));
      }
    }
    return finish(out);
  }

  public List<ReplicaOutput<B, P>> onPrePrepare(int sender, long msgView, long sequence, B block) {
    List<ReplicaOutput<B, P>> out = new ArrayList<>();
    if (deferIfEarly(sender, msgView, r -> r.onPrePrepare(sender, msgView, sequence, block), out)) {
      return out;
    }
    Optional<String> problem = checkVote(sender, msgView, sequence);
    if (problem.isEmpty() && sender != leaders.leaderOf(view)) {
      problem = Optional.of("PRE-PREPARE from " + sender + ", who does not lead view " + view);
    }
    if (problem.isEmpty() && sequence <= planTop) {
      problem =
          Optional.of(
              "PRE-PREPARE at "
                  + sequence
                  + ": sequences up to "
                  + planTop
                  + " are fixed by the NEW-VIEW of view "
                  + view);
    }
    if (problem.isPresent()) {
      out.add(new Rejected<>(sender, problem.get()));
      return out;
    }
    acceptOrWait(sender, sequence, block, out);
    return finish(out);
  }

  public List<ReplicaOutput<B, P>> onPrepare(
      int sender, long msgView, long sequence, ByteString digest, P proof) {
    List<ReplicaOutput<B, P>> out = new ArrayList<>();
    if (deferIfEarly(
        sender, msgView, r -> r.onPrepare(sender, msgView, sequence, digest, proof), out)) {
      return out;
    }
    return vote(
        sender,
        msgView,
        sequence,
        verifier.prepareSigner(proof, msgView, sequence, digest),
        "PREPARE",
        slot -> slot.prepare(sender, digest, proof),
        out);
  }

  public List<ReplicaOutput<B, P>> onCommit(
      int sender, long msgView, long sequence, ByteString digest, P proof) {
    List<ReplicaOutput<B, P>> out = new ArrayList<>();
    if (deferIfEarly(
        sender, msgView, r -> r.onCommit(sender, msgView, sequence, digest, proof), out)) {
      return out;
    }
    return vote(
        sender,
        msgView,
        sequence,
        verifier.commitSigner(proof, msgView, sequence, digest),
        "COMMIT",
        slot -> slot.commit(sender, digest, proof),
        out);
  }

  private List<ReplicaOutput<B, P>> vote(
      int sender,
      long msgView,
      long sequence,
      OptionalInt signer,
      String kind,
      Function<Slot<P>, List<Slot.Step>> count,
      List<ReplicaOutput<B, P>> out) {
    Optional<String> problem = checkVote(sender, msgView, sequence);
    if (problem.isEmpty() && !signedBy(signer, sender)) {
      // The vote's own signature becomes part of certificates: a bad one would spoil them.
      problem = Optional.of(kind + " carries no valid signature of " + sender + " on its content");
    }
    if (problem.isPresent()) {
      out.add(new Rejected<>(sender, problem.get()));
    } else {
      apply(sequence, count.apply(slot(sequence)), out);
    }
    return finish(out);
  }

  /**
   * A message of a view this replica has not entered yet (it may be a NEW-VIEW away) is kept, a
   * bounded number per sender, and replayed when that view is entered.
   */
  private boolean deferIfEarly(
      int sender,
      long msgView,
      Function<Replica<B, P>, List<ReplicaOutput<B, P>>> input,
      List<ReplicaOutput<B, P>> out) {
    boolean early = msgView > view || (msgView == view && changingView);
    if (!early || !isValidator(sender)) {
      return false;
    }
    if (!this.early.keep(sender, msgView, input)) {
      out.add(
          new Rejected<>(
              sender, "too many messages for views not entered yet (view " + msgView + ")"));
    }
    return true;
  }

  /** Storage stored the block at {@code sequence}, whose digest is {@code digest}. */
  public List<ReplicaOutput<B, P>> onStored(long sequence, ByteString digest) {
    List<ReplicaOutput<B, P>> out = new ArrayList<>();
    if (checkpoints.isCheckpointSequence(sequence) && checkpoints.inWindow(sequence)) {
      P proof = signer.checkpoint(sequence, digest);
      ownCheckpoint = new SendCheckpoint<>(sequence, digest, proof);
      out.add(ownCheckpoint);
      countCheckpoint(self, sequence, digest, proof, out);
    }
    return finish(out);
  }

  public List<ReplicaOutput<B, P>> onCheckpoint(
      int sender, long sequence, ByteString digest, P proof) {
    List<ReplicaOutput<B, P>> out = new ArrayList<>();
    if (!isValidator(sender)) {
      out.add(new Rejected<>(sender, "CHECKPOINT from " + sender + ", not a validator"));
    } else if (!signedBy(verifier.checkpointSigner(proof, sequence, digest), sender)) {
      out.add(
          new Rejected<>(
              sender, "CHECKPOINT carries no valid signature of " + sender + " on its content"));
    } else {
      countCheckpoint(sender, sequence, digest, proof, out);
    }
    return finish(out);
  }

  private void countCheckpoint(
      int sender, long sequence, ByteString digest, P proof, List<ReplicaOutput<B, P>> out) {
    switch (checkpoints.add(sender, sequence, digest, proof)) {
      case BECAME_STABLE -> checkpointMoved(out);
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
          out.add(new Evidence<>(sender, "two CHECKPOINT digests at sequence " + sequence));
      case COUNTED, IGNORED_OLD, DUPLICATE -> {}
    }
  }

  private void checkpointMoved(List<ReplicaOutput<B, P>> out) {
    Checkpoints.Stable<P> stable = checkpoints.stable();
    history.forgetUpTo(stable.sequence());
    trimSettled();
    out.add(new CheckpointStable<>(stable.sequence(), stable.digest(), stable.proof()));
    if (stable.sequence() > deliveredSequence) {
      out.add(new FetchState<>(stable.sequence(), stable.digest(), stable.proof()));
    }
    acceptWaitingChild(stable.sequence(), out);
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
    nextProposal = Math.max(nextProposal, deliveredSequence + 1);
    finalizedAhead.headMap(sequence, true).clear();
    timer.progressed(now, true);
    deliverInOrder(out);
    acceptWaitingChild(sequence, out);
    return finish(out);
  }

  // ---------------------------------------------------------------------------------------------
  // View change

  public List<ReplicaOutput<B, P>> onViewChange(int from, ViewChange.Signed<B, P> signed) {
    List<ReplicaOutput<B, P>> out = new ArrayList<>();
    ViewChange<B, P> message = signed.message();
    if (from != message.sender()) {
      out.add(
          new Rejected<>(
              from, "VIEW-CHANGE of validator " + message.sender() + " relayed by " + from));
      return out;
    }
    helpCatchUp(message.checkpoint().sequence(), out);
    if (message.newView() < view || (message.newView() == view && !changingView)) {
      // The sender is behind: if this replica leads the view it is in, repeat its NEW-VIEW.
      if (installedNewView != null && !changingView && leaders.leaderOf(view) == self) {
        out.add(new SendNewView<>(installedNewView));
      }
      return out;
    }
    if (!requests.isNewer(from, message.newView())) {
      return out;
    }
    Optional<String> problem = viewChangeCheck.problem(signed);
    if (problem.isPresent()) {
      out.add(new Rejected<>(from, problem.get()));
      return out;
    }
    requests.record(signed);
    joinIfOthersMovedOn(out);
    leadIfReady(out);
    return finish(out);
  }

  /**
   * A VIEW-CHANGE below this replica's stable checkpoint comes from a replica that missed the
   * CHECKPOINTs (lost, or sent before it could hear them): repeat this replica's own, so that it
   * can make the checkpoint stable and fetch the state, even if no view change follows.
   */
  private void helpCatchUp(long theirCheckpoint, List<ReplicaOutput<B, P>> out) {
    Checkpoints.Stable<P> stable = checkpoints.stable();
    if (theirCheckpoint < stable.sequence() && !stable.proof().isEmpty()) {
      out.add(new SendStableCheckpoint<>(stable));
    }
  }

  /**
   * Another replica's stable checkpoint with its proof (sent because this one seemed behind):
   * adopted if it is proven and above this replica's own, however far ahead of the window.
   */
  public List<ReplicaOutput<B, P>> onStableCheckpoint(int from, Checkpoints.Stable<P> proven) {
    List<ReplicaOutput<B, P>> out = new ArrayList<>();
    if (proven.sequence() <= checkpoints.lowWatermark()) {
      return out;
    }
    Optional<String> problem = viewChangeCheck.checkpointProblem(proven);
    if (problem.isPresent()) {
      out.add(new Rejected<>(from, problem.get()));
      return out;
    }
    if (checkpoints.adopt(proven)) {
      checkpointMoved(out);
    }
    return finish(out);
  }

  private static boolean signedBy(OptionalInt signer, int sender) {
    return signer.isPresent() && signer.getAsInt() == sender;
  }

  /** f + 1 replicas asking for views above ours include an honest one: join the lowest such. */
  private void joinIfOthersMovedOn(List<ReplicaOutput<B, P>> out) {
    OptionalLong reached = requests.reachedBy(quorums.faulty() + 1, view);
    if (reached.isPresent()) {
      startViewChange(reached.getAsLong(), out);
    }
  }

  private void startViewChange(long newView, List<ReplicaOutput<B, P>> out) {
    early.dropThrough(newView - 1);
    view = newView;
    changingView = true;
    clearViewState();
    ViewChange<B, P> message = history.report(newView, self, checkpoints.stable());
    ownViewChange = new ViewChange.Signed<>(message, signer.viewChange(message));
    requests.record(ownViewChange);
    out.add(new SendViewChange<>(ownViewChange));
    timer.restart(now);
    leadIfReady(out);
  }

  /**
   * The leader schedule changed (a new epoch): if this replica now leads the view it is changing to
   * and holds enough VIEW-CHANGEs, it sends the NEW-VIEW now rather than after a timeout (the
   * VIEW-CHANGEs it holds are not sent again).
   */
  public List<ReplicaOutput<B, P>> onLeadersChanged() {
    List<ReplicaOutput<B, P>> out = new ArrayList<>();
    leadIfReady(out);
    return finish(out);
  }

  private void leadIfReady(List<ReplicaOutput<B, P>> out) {
    if (!changingView
        || leaders.leaderOf(view) != self
        || requests.forView(view, quorums.viewChangeQuorum()).size() < quorums.viewChangeQuorum()) {
      return;
    }
    List<ViewChange.Signed<B, P>> used = requests.forView(view, quorums.viewChangeQuorum());
    NewView<B, P> newView = new NewView<>(view, used);
    out.add(new SendNewView<>(newView));
    install(newView, out);
  }

  public List<ReplicaOutput<B, P>> onNewView(int from, NewView<B, P> newView) {
    List<ReplicaOutput<B, P>> out = new ArrayList<>();
    Optional<String> problem = newViewProblem(from, newView);
    if (problem.isPresent()) {
      out.add(new Rejected<>(from, problem.get()));
      return out;
    }
    if (newView.view() == view && !changingView) {
      return out; // already in it: a repeat for replicas that missed it
    }
    install(newView, out);
    return finish(out);
  }

  private Optional<String> newViewProblem(int from, NewView<B, P> newView) {
    if (from != leaders.leaderOf(newView.view())) {
      return Optional.of("NEW-VIEW for view " + newView.view() + " from non-leader " + from);
    }
    if (newView.view() < view) {
      return Optional.of("NEW-VIEW for view " + newView.view() + ", replica is in view " + view);
    }
    Set<Integer> senders = new HashSet<>();
    for (ViewChange.Signed<B, P> signed : newView.viewChanges()) {
      if (signed.message().newView() != newView.view()) {
        return Optional.of(
            "NEW-VIEW for view "
                + newView.view()
                + " carries a VIEW-CHANGE for view "
                + signed.message().newView());
      }
      if (!senders.add(signed.message().sender())) {
        return Optional.of("NEW-VIEW carries two VIEW-CHANGEs of " + signed.message().sender());
      }
      Optional<String> problem = viewChangeCheck.problem(signed);
      if (problem.isPresent()) {
        return Optional.of("NEW-VIEW carries an invalid VIEW-CHANGE: " + problem.get());
      }
    }
    if (senders.size() < quorums.viewChangeQuorum()) {
      return Optional.of(
          "NEW-VIEW carries "
              + senders.size()
              + " VIEW-CHANGEs, needs "
              + quorums.viewChangeQuorum());
    }
    return Optional.empty();
  }

  /** Enters the NEW-VIEW's view and accepts its re-proposals, as the plan rule computes them. */
  private void install(NewView<B, P> newView, List<ReplicaOutput<B, P>> out) {
    ReproposalRule.Plan<B, P> plan =
        rule.choose(newView.viewChanges().stream().map(ViewChange.Signed::message).toList());
    view = newView.view();
    changingView = false;
    clearViewState();
    installedNewView = newView;
    requests.forgetUpTo(view);
    if (checkpoints.adopt(plan.base())) {
      checkpointMoved(out);
    }
    base = plan.base().sequence();
    baseDigest = plan.base().digest();
    planTop = plan.top();
    // Above what this replica delivered too: a restarted replica may hold final blocks above the
    // plan (above its stable checkpoint) that no VIEW-CHANGE reported prepared. Proposing there
    // could never finalize (its own ledger refuses a second block at a height), and the others
    // fetch those certified blocks by catch-up.
    nextProposal =
        Math.max(Math.max(plan.top(), checkpoints.lowWatermark()), deliveredSequence) + 1;
    int leader = leaders.leaderOf(view);
    out.add(new ViewInstalled<>(view, leader));
    for (ReproposalRule.Choice<B> choice : plan.choices()) {
      // Below this replica's own stable checkpoint (above the plan's) everything is final.
      if (choice.sequence() > checkpoints.lowWatermark()) {
        acceptOrWait(leader, choice.sequence(), choice.block(), out);
      }
    }
    replayEarly(out);
    if (hasWork()) {
      timer.restart(now);
    } else {
      timer.stop();
    }
  }

  private void clearViewState() {
    commitDue.clear();
    slots.clear();
    accepted.clear();
    awaitingParent.clear();
    extendable.clear();
    installedNewView = null;
  }

  private void replayEarly(List<ReplicaOutput<B, P>> out) {
    for (Function<Replica<B, P>, List<ReplicaOutput<B, P>>> input : early.takeFor(view)) {
      out.addAll(input.apply(this));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Normal case internals

  /**
   * Drops what no input can change any more: sequences below both the stable checkpoint and the
   * delivered height. A replica behind the checkpoint keeps its slots above its height so that
   * votes in flight can still finish them.
   */
  private void trimSettled() {
    long settled = settledSequence();
    slots.headMap(settled, true).clear();
    commitDue.headMap(settled, true).clear();
    accepted.headMap(settled, false).clear();
    extendable.headMap(settled, false).clear();
    awaitingParent.headMap(settled, true).clear();
  }

  private long settledSequence() {
    return Math.min(checkpoints.lowWatermark(), deliveredSequence);
  }

  private Optional<String> checkVote(int sender, long msgView, long sequence) {
    if (!isValidator(sender)) {
      return Optional.of("sender " + sender + " is not a validator");
    }
    if (msgView != view || changingView) {
      return Optional.of(
          "message for view "
              + msgView
              + ", replica is "
              + (changingView ? "changing to view " : "in view ")
              + view);
    }
    // Below the stable checkpoint a replica still finishing its own blocks keeps at most W slots.
    long lowBound = settledSequence();
    long highBound =
        sequence <= checkpoints.lowWatermark()
            ? Math.min(checkpoints.highWatermark(), deliveredSequence + windowSize())
            : checkpoints.highWatermark();
    if (sequence <= lowBound || sequence > highBound) {
      return Optional.of(
          "sequence " + sequence + " outside the window (" + lowBound + ", " + highBound + "]");
    }
    return Optional.empty();
  }

  private long windowSize() {
    return checkpoints.highWatermark() - checkpoints.lowWatermark();
  }

  private boolean isValidator(int index) {
    return index >= 0 && index < quorums.validators();
  }

  /**
   * The acceptance rule (docs/PROTOCOL.md, "Chained blocks across a view change"): a proposal is
   * accepted once its parent is final (the view's base or the stable checkpoint) or is prepared (or
   * commit-certified) in this view.
   */
  private void acceptOrWait(int sender, long sequence, B block, List<ReplicaOutput<B, P>> out) {
    B earlier =
        accepted.containsKey(sequence) ? accepted.get(sequence) : awaitingParent.get(sequence);
    if (earlier != null) {
      if (!blocks.digest(earlier).equals(blocks.digest(block))) {
        out.add(twoProposals(sender, sequence));
      }
      return;
    }
    Optional<ByteString> parent = extendableAt(sequence - 1);
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
  }

  /** The parent at {@code sequence} became extendable: a waiting child can be judged now. */
  private void acceptWaitingChild(long sequence, List<ReplicaOutput<B, P>> out) {
    B child = awaitingParent.remove(sequence + 1);
    if (child != null) {
      acceptOrWait(leaders.leaderOf(view), sequence + 1, child, out);
    }
  }

  /**
   * A final block (the view's base, the stable checkpoint, or the block this replica delivered
   * last) or one prepared (or commit-certified) in this view.
   */
  private Optional<ByteString> extendableAt(long sequence) {
    if (sequence == base) {
      return Optional.of(baseDigest);
    }
    if (sequence == deliveredSequence) {
      return Optional.of(deliveredDigest);
    }
    Optional<ByteString> stable = checkpoints.stableDigestAt(sequence);
    return stable.isPresent() ? stable : Optional.ofNullable(extendable.get(sequence));
  }

  private Slot<P> slot(long sequence) {
    return slots.computeIfAbsent(sequence, s -> new Slot<>(quorums, commitGrace > 0));
  }

  /** Prepared slots whose grace for the fast quorum is over send their COMMIT now. */
  private void sendDueCommits(List<ReplicaOutput<B, P>> out) {
    if (changingView) {
      return;
    }
    List<Long> due = new ArrayList<>();
    commitDue.forEach(
        (sequence, at) -> {
          if (at <= now) {
            due.add(sequence);
          }
        });
    for (long sequence : due) {
      commitDue.remove(sequence);
      Slot<P> slot = slots.get(sequence);
      if (slot != null) {
        apply(sequence, slot.commitNow(), out);
      }
    }
  }

  private void apply(long sequence, List<Slot.Step> steps, List<ReplicaOutput<B, P>> out) {
    for (Slot.Step step : steps) {
      if (step instanceof Slot.SendPrepare prepare) {
        P proof = signer.prepare(view, sequence, prepare.digest());
        history.sentPrepare(view, sequence, accepted.get(sequence));
        out.add(new SendPrepare<>(view, sequence, prepare.digest(), proof));
        apply(sequence, slot(sequence).prepare(self, prepare.digest(), proof), out);
      } else if (step instanceof Slot.Prepared prepared) {
        history.prepared(view, sequence, accepted.get(sequence), slot(sequence).preparedProofs());
        if (commitGrace > 0 && commitPathStreak >= ADAPT_AFTER && sequence % ADAPT_AFTER != 0) {
          // The fast quorum has not been forming (a replica down or slow): waiting for it would
          // only delay every block. Commit at once; a fast quorum still wins if it comes back,
          // and every ADAPT_AFTER-th sequence waits the grace again, so that a replica that is
          // only slow (not down) can bring the fast path back. By sequence, not by this replica's
          // own streak: every replica holds its COMMIT on the same blocks, else the others'
          // COMMITs finish each probe on the commit path before the last PREPARE arrives.
          apply(sequence, slot(sequence).commitNow(), out);
        } else if (commitGrace > 0) {
          commitDue.put(sequence, now + commitGrace);
        }
        markExtendable(sequence, prepared.digest(), out);
      } else if (step instanceof Slot.SendCommit commit) {
        commitDue.remove(sequence);
        P proof = signer.commit(view, sequence, commit.digest());
        out.add(new SendCommit<>(view, sequence, commit.digest(), proof));
        apply(sequence, slot(sequence).commit(self, commit.digest(), proof), out);
      } else if (step instanceof Slot.Finalized<?> finalized) {
        if (sequence > deliveredSequence) {
          @SuppressWarnings("unchecked") // the slot holds this replica's proofs, of type P
          List<P> certificate = (List<P>) finalized.certificate();
          finalizedAhead.put(
              sequence,
              new Finalize<>(sequence, accepted.get(sequence), finalized.path(), certificate));
        }
        markExtendable(sequence, finalized.digest(), out);
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

  private void markExtendable(long sequence, ByteString digest, List<ReplicaOutput<B, P>> out) {
    if (extendable.putIfAbsent(sequence, digest) == null) {
      acceptWaitingChild(sequence, out);
    }
  }

  private Evidence<B, P> twoProposals(int leader, long sequence) {
    return new Evidence<>(leader, "two proposals at view " + view + ", sequence " + sequence);
  }

  private void deliverInOrder(List<ReplicaOutput<B, P>> out) {
    Finalize<B, P> next;
    boolean progressed = false;
    while ((next = finalizedAhead.remove(deliveredSequence + 1)) != null) {
      out.add(next);
      commitPathStreak = next.path() == Slot.Path.FAST ? 0 : commitPathStreak + 1;
      deliveredSequence = next.sequence();
      deliveredDigest = blocks.digest(next.block());
      progressed = true;
    }
    if (progressed) {
      // A leader's next proposal never lies at or below what is final: after a catch-up, or when
      // the leader schedule changed under this view (a new epoch), it goes on from the tip.
      nextProposal = Math.max(nextProposal, deliveredSequence + 1);
      timer.progressed(now, hasWork());
      acceptWaitingChild(deliveredSequence, out);
    }
    trimSettled();
  }

  private boolean hasWork() {
    return workPending
        || changingView
        || !awaitingParent.isEmpty()
        || !finalizedAhead.isEmpty()
        || (!accepted.isEmpty() && accepted.lastKey() > deliveredSequence);
  }

  /** Arms the view timer when work waits and reports a changed tick request to the adapter. */
  private List<ReplicaOutput<B, P>> finish(List<ReplicaOutput<B, P>> out) {
    if (hasWork()) {
      timer.workPending(now);
    } else {
      // Nothing waits: an idle view is not a failed one.
      timer.stop();
    }
    OptionalLong deadline = timer.deadline();
    if (!commitDue.isEmpty()) {
      long firstCommit = commitDue.values().stream().mapToLong(Long::longValue).min().getAsLong();
      if (deadline.isEmpty() || firstCommit < deadline.getAsLong()) {
        deadline = OptionalLong.of(firstCommit);
      }
    }
    if (!deadline.equals(requestedTick)) {
      requestedTick = deadline;
      out.add(deadline.isPresent() ? new SetTimer<>(deadline.getAsLong()) : new CancelTimer<>());
    }
    return out;
  }
}
