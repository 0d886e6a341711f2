package io.swarmcore.pbft.sim;

import com.google.protobuf.ByteString;
import io.swarmcore.pbft.core.Checkpoints;
import io.swarmcore.pbft.core.NewView;
import io.swarmcore.pbft.core.ReplicaOutput;
import io.swarmcore.pbft.core.ReplicaOutput.SendCommit;
import io.swarmcore.pbft.core.ReplicaOutput.SendNewView;
import io.swarmcore.pbft.core.ReplicaOutput.SendPrePrepare;
import io.swarmcore.pbft.core.ReplicaOutput.SendPrepare;
import io.swarmcore.pbft.core.ReplicaOutput.SendViewChange;
import io.swarmcore.pbft.core.ViewChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Turns what a Byzantine replica's own (honest) state machine wants to send into what it actually
 * sends, according to its {@link Behaviour}. It signs only with its own key; whatever it claims in
 * another validator's name carries a forged signature.
 */
final class Adversary {
  /** One message as it leaves a Byzantine replica: to whom, in whose name, signed how. */
  record Outgoing(int to, int claimedFrom, Simulation.Envelope envelope) {}

  private static final int REPLAY_MEMORY = 256;

  private final int validators;
  private final int slowQuorum;
  private final SimKeys keys;
  private final Random random;
  private final Proposals proposals;
  private final List<Outgoing> heard = new ArrayList<>();

  /** The other block it pushed at (view, sequence), to claim in its VIEW-CHANGE. */
  private final java.util.Map<List<Long>, SimBlock> pushed = new java.util.HashMap<>();

  private long actions;

  /** Blocks proposed so far, so that conflicting votes can name a real alternative. */
  interface Proposals {
    List<SimBlock> at(long sequence);

    void add(SimBlock block);
  }

  Adversary(int validators, int slowQuorum, SimKeys keys, Random random, Proposals proposals) {
    this.validators = validators;
    this.slowQuorum = slowQuorum;
    this.keys = keys;
    this.random = random;
    this.proposals = proposals;
  }

  long actions() {
    return actions;
  }

  /** A Byzantine replica keeps what it receives, to replay it later. */
  void heard(int from, Simulation.Envelope envelope) {
    if (heard.size() < REPLAY_MEMORY) {
      heard.add(new Outgoing(-1, from, envelope));
    } else {
      heard.set(random.nextInt(REPLAY_MEMORY), new Outgoing(-1, from, envelope));
    }
  }

  List<Outgoing> act(int self, Behaviour behaviour, ReplicaOutput<SimBlock, SimSignature> output) {
    List<Outgoing> out = new ArrayList<>();
    if ((behaviour == Behaviour.EQUIVOCATE || behaviour == Behaviour.CONFLICTING_VOTES)
        && output instanceof SendViewChange<SimBlock, SimSignature> viewChange) {
      claimPushed(self, viewChange.viewChange().message(), out);
      return out;
    }
    switch (behaviour) {
      case SILENT -> actions++;
      case EQUIVOCATE -> equivocate(self, output, out);
      case CONFLICTING_VOTES -> conflictingVotes(self, output, out);
      case WITHHOLD_FAST_VOTES -> withholdPrepares(self, output, out);
      case REPLAY_OLD -> {
        broadcast(self, output, out);
        replay(out);
      }
      case FORGE -> forge(self, output, out);
      case BOGUS_NEW_VIEW -> bogusNewView(self, output, out);
    }
    return out;
  }

  private void broadcast(
      int self, ReplicaOutput<SimBlock, SimSignature> output, List<Outgoing> out) {
    for (int to = 0; to < validators; to++) {
      if (to != self) {
        out.add(signed(self, to, output));
      }
    }
  }

  private Outgoing signed(int self, int to, ReplicaOutput<SimBlock, SimSignature> payload) {
    return new Outgoing(to, self, new Simulation.Envelope(payload, keys.sign(self, payload)));
  }

  private void equivocate(
      int self, ReplicaOutput<SimBlock, SimSignature> output, List<Outgoing> out) {
    if (!(output instanceof SendPrePrepare<SimBlock, SimSignature> proposal)) {
      broadcast(self, output, out);
      return;
    }
    actions++;
    SimBlock original = proposal.block();
    SimBlock twin =
        new SimBlock(original.height(), original.parent(), original.payload() + "/twin");
    proposals.add(twin);
    pushed.put(List.of(proposal.view(), proposal.sequence()), twin);
    for (int to = 0; to < validators; to++) {
      if (to != self) {
        SimBlock sent = random.nextBoolean() ? original : twin;
        out.add(signed(self, to, new SendPrePrepare<>(proposal.view(), proposal.sequence(), sent)));
      }
    }
  }

  private void conflictingVotes(
      int self, ReplicaOutput<SimBlock, SimSignature> output, List<Outgoing> out) {
    boolean prepare = output instanceof SendPrepare<SimBlock, SimSignature>;
    if (!prepare && !(output instanceof SendCommit<SimBlock, SimSignature>)) {
      broadcast(self, output, out);
      return;
    }
    actions++;
    long view;
    long sequence;
    ByteString digest;
    if (output instanceof SendPrepare<SimBlock, SimSignature> p) {
      view = p.view();
      sequence = p.sequence();
      digest = p.digest();
    } else {
      SendCommit<SimBlock, SimSignature> c = (SendCommit<SimBlock, SimSignature>) output;
      view = c.view();
      sequence = c.sequence();
      digest = c.digest();
    }
    ByteString other = alternative(sequence, digest);
    for (SimBlock block : proposals.at(sequence)) {
      if (block.digest().equals(other)) {
        pushed.put(List.of(view, sequence), block);
      }
    }
    String kind = prepare ? "PREPARE" : "COMMIT";
    SimSignature otherProof = keys.sign(self, new SimKeys.Vote(kind, view, sequence, other));
    ReplicaOutput<SimBlock, SimSignature> otherVote =
        prepare
            ? new SendPrepare<>(view, sequence, other, otherProof)
            : new SendCommit<>(view, sequence, other, otherProof);
    for (int to = 0; to < validators; to++) {
      if (to != self) {
        out.add(signed(self, to, random.nextBoolean() ? output : otherVote));
      }
    }
  }

  /**
   * A VIEW-CHANGE, validly signed, that claims PREPAREs for the other blocks it pushed instead of
   * the ones its own state machine voted for: the lie that could revive a losing value.
   */
  private void claimPushed(
      int self, ViewChange<SimBlock, SimSignature> honest, List<Outgoing> out) {
    actions++;
    List<ViewChange.Sent<SimBlock>> sent = new ArrayList<>();
    java.util.Set<List<Long>> claimed = new java.util.HashSet<>();
    for (ViewChange.Sent<SimBlock> vote : honest.sent()) {
      List<Long> slot = List.of(vote.view(), vote.sequence());
      SimBlock other = pushed.get(slot);
      sent.add(other == null ? vote : new ViewChange.Sent<>(vote.view(), vote.sequence(), other));
      claimed.add(slot);
    }
    long low = honest.checkpoint().sequence();
    pushed.forEach(
        (slot, block) -> {
          if (!claimed.contains(slot) && slot.get(1) > low && slot.get(0) < honest.newView()) {
            sent.add(new ViewChange.Sent<>(slot.get(0), slot.get(1), block));
          }
        });
    ViewChange<SimBlock, SimSignature> lie =
        new ViewChange<>(honest.newView(), self, honest.checkpoint(), honest.prepared(), sent);
    broadcast(self, new SendViewChange<>(new ViewChange.Signed<>(lie, keys.sign(self, lie))), out);
  }

  /** Another proposed block at this height if there is one, else a digest nobody proposed. */
  private ByteString alternative(long sequence, ByteString digest) {
    for (SimBlock block : proposals.at(sequence)) {
      if (!block.digest().equals(digest)) {
        return block.digest();
      }
    }
    return ByteString.copyFromUtf8("no-such-block-" + sequence + "-" + random.nextInt(1000));
  }

  private void withholdPrepares(
      int self, ReplicaOutput<SimBlock, SimSignature> output, List<Outgoing> out) {
    if (!(output instanceof SendPrepare<SimBlock, SimSignature>)) {
      broadcast(self, output, out);
      return;
    }
    actions++;
    for (int to = 0; to < validators; to++) {
      if (to != self && random.nextBoolean()) {
        out.add(signed(self, to, output));
      }
    }
  }

  private void replay(List<Outgoing> out) {
    if (heard.isEmpty() || random.nextInt(3) != 0) {
      return;
    }
    actions++;
    Outgoing old = heard.get(random.nextInt(heard.size()));
    out.add(new Outgoing(random.nextInt(validators), old.claimedFrom(), old.envelope()));
  }

  private void forge(int self, ReplicaOutput<SimBlock, SimSignature> output, List<Outgoing> out) {
    if (output instanceof SendViewChange<SimBlock, SimSignature> viewChange) {
      // A VIEW-CHANGE, validly signed by itself, vouching for a block with made-up PREPAREs.
      actions++;
      ViewChange<SimBlock, SimSignature> honest = viewChange.viewChange().message();
      Checkpoints.Stable<SimSignature> checkpoint = honest.checkpoint();
      long sequence = checkpoint.sequence() + 1;
      SimBlock fake = new SimBlock(sequence, checkpoint.digest(), "forged-" + self);
      List<SimSignature> prepares = new ArrayList<>();
      for (int signer = 0; signer < slowQuorum; signer++) {
        SimKeys.Vote vote =
            new SimKeys.Vote("PREPARE", honest.newView() - 1, sequence, fake.digest());
        prepares.add(signer == self ? keys.sign(self, vote) : SimKeys.forge(signer, vote));
      }
      List<ViewChange.Prepared<SimBlock, SimSignature>> prepared =
          new ArrayList<>(
              honest.prepared().stream().filter(p -> p.sequence() != sequence).toList());
      prepared.add(new ViewChange.Prepared<>(honest.newView() - 1, sequence, fake, prepares));
      ViewChange<SimBlock, SimSignature> lie =
          new ViewChange<>(honest.newView(), self, checkpoint, prepared, honest.sent());
      broadcast(
          self, new SendViewChange<>(new ViewChange.Signed<>(lie, keys.sign(self, lie))), out);
      return;
    }
    if (output instanceof SendPrepare<SimBlock, SimSignature> p && random.nextBoolean()) {
      // Its own valid envelope around a vote whose signature is made up: certificates built
      // from it would be spoiled if the core counted it.
      actions++;
      SimSignature junk =
          SimKeys.forge(self, new SimKeys.Vote("PREPARE", p.view(), p.sequence(), p.digest()));
      broadcast(self, new SendPrepare<>(p.view(), p.sequence(), p.digest(), junk), out);
      return;
    }
    broadcast(self, output, out);
    if (random.nextInt(2) == 0) {
      // The same message in another validator's name, without its key.
      actions++;
      int victim = (self + 1 + random.nextInt(validators - 1)) % validators;
      int to = random.nextInt(validators);
      out.add(
          new Outgoing(to, victim, new Simulation.Envelope(output, SimKeys.forge(victim, output))));
    }
  }

  private void bogusNewView(
      int self, ReplicaOutput<SimBlock, SimSignature> output, List<Outgoing> out) {
    if (!(output instanceof SendNewView<SimBlock, SimSignature> honest)) {
      broadcast(self, output, out);
      return;
    }
    actions++;
    NewView<SimBlock, SimSignature> newView = honest.newView();
    List<ViewChange.Signed<SimBlock, SimSignature>> used = new ArrayList<>(newView.viewChanges());
    NewView<SimBlock, SimSignature> bogus;
    if (random.nextBoolean()) {
      used.remove(used.size() - 1); // one VIEW-CHANGE short of n − f
      bogus = new NewView<>(newView.view(), used);
    } else {
      // Strip the reports from one VIEW-CHANGE, keeping its old signature.
      int index = random.nextInt(used.size());
      ViewChange.Signed<SimBlock, SimSignature> signed = used.get(index);
      ViewChange<SimBlock, SimSignature> m = signed.message();
      used.set(
          index,
          new ViewChange.Signed<>(
              new ViewChange<>(m.newView(), m.sender(), m.checkpoint(), List.of(), List.of()),
              signed.signature()));
      bogus = new NewView<>(newView.view(), used);
    }
    for (int to = 0; to < validators; to++) {
      if (to != self) {
        out.add(signed(self, to, random.nextInt(3) == 0 ? honest : new SendNewView<>(bogus)));
      }
    }
  }
}
