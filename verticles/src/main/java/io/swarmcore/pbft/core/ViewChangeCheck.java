package io.swarmcore.pbft.core;

import io.swarmcore.pbft.core.ReplicaPorts.Blocks;
import io.swarmcore.pbft.core.ReplicaPorts.Verifier;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks a signed VIEW-CHANGE before it counts (docs/PROTOCOL.md, "View change"): its signature,
 * the q signatures of its checkpoint proof, the q PREPARE signatures of each prepared certificate,
 * and that everything it reports lies between its checkpoint and the window end, in views before
 * the one it asks for. Used on VIEW-CHANGEs received directly and on those inside a NEW-VIEW.
 */
final class ViewChangeCheck<B, P> {
  private final Quorums quorums;
  private final Blocks<B> blocks;
  private final Verifier<B, P> verifier;
  private final Checkpoints.Stable<P> genesis;
  private final long window;

  ViewChangeCheck(
      Quorums quorums,
      Blocks<B> blocks,
      Verifier<B, P> verifier,
      Checkpoints.Stable<P> genesis,
      long window) {
    this.quorums = quorums;
    this.blocks = blocks;
    this.verifier = verifier;
    this.genesis = genesis;
    this.window = window;
  }

  /** Why {@code signed} is not a valid VIEW-CHANGE, or empty if it is. */
  Optional<String> problem(ViewChange.Signed<B, P> signed) {
    ViewChange<B, P> message = signed.message();
    int sender = message.sender();
    if (sender < 0 || sender >= quorums.validators()) {
      return Optional.of("VIEW-CHANGE names sender " + sender + ", not a validator");
    }
    OptionalInt signer = verifier.viewChangeSigner(signed.signature(), message);
    if (signer.isEmpty() || signer.getAsInt() != sender) {
      return Optional.of("VIEW-CHANGE of validator " + sender + " is not signed by it");
    }
    Optional<String> checkpoint = checkpointProblem(message.checkpoint());
    if (checkpoint.isPresent()) {
      return checkpoint;
    }
    long low = message.checkpoint().sequence();
    Set<Long> preparedSequences = new HashSet<>();
    for (ViewChange.Prepared<B, P> prepared : message.prepared()) {
      Optional<String> reported = reportProblem(message, prepared.view(), prepared.sequence(), low);
      if (reported.isPresent()) {
        return reported;
      }
      if (!preparedSequences.add(prepared.sequence())) {
        return Optional.of("two prepared certificates at sequence " + prepared.sequence());
      }
      var digest = blocks.digest(prepared.block());
      int signers =
          distinctSigners(
              prepared.prepares(),
              proof -> verifier.prepareSigner(proof, prepared.view(), prepared.sequence(), digest));
      if (signers < quorums.slowQuorum()) {
        return Optional.of(
            "prepared certificate at view "
                + prepared.view()
                + ", sequence "
                + prepared.sequence()
                + " has "
                + signers
                + " valid PREPARE signatures, needs "
                + quorums.slowQuorum());
      }
    }
    Set<List<Long>> sentSlots = new HashSet<>();
    for (ViewChange.Sent<B> sent : message.sent()) {
      Optional<String> reported = reportProblem(message, sent.view(), sent.sequence(), low);
      if (reported.isPresent()) {
        return reported;
      }
      if (!sentSlots.add(List.of(sent.view(), sent.sequence()))) {
        return Optional.of(
            "two PREPAREs reported at view " + sent.view() + ", sequence " + sent.sequence());
      }
    }
    return Optional.empty();
  }

  /** Why {@code checkpoint} is not proven (q valid CHECKPOINT signatures), or empty if it is. */
  Optional<String> checkpointProblem(Checkpoints.Stable<P> checkpoint) {
    if (checkpoint.equals(genesis)) {
      return Optional.empty();
    }
    if (checkpoint.sequence() <= genesis.sequence()) {
      return Optional.of("checkpoint at " + checkpoint.sequence() + " is not above the genesis");
    }
    int signers =
        distinctSigners(
            checkpoint.proof(),
            proof -> verifier.checkpointSigner(proof, checkpoint.sequence(), checkpoint.digest()));
    if (signers < quorums.slowQuorum()) {
      return Optional.of(
          "checkpoint at "
              + checkpoint.sequence()
              + " has "
              + signers
              + " valid signatures, needs "
              + quorums.slowQuorum());
    }
    return Optional.empty();
  }

  private Optional<String> reportProblem(
      ViewChange<B, P> message, long view, long sequence, long low) {
    if (view >= message.newView()) {
      return Optional.of(
          "VIEW-CHANGE for view " + message.newView() + " reports a vote of view " + view);
    }
    if (sequence <= low || sequence > low + window) {
      return Optional.of(
          "VIEW-CHANGE reports sequence "
              + sequence
              + " outside its window ("
              + low
              + ", "
              + (low + window)
              + "]");
    }
    return Optional.empty();
  }

  private static <P> int distinctSigners(List<P> proofs, Function<P, OptionalInt> signerOf) {
    Set<Integer> signers = new HashSet<>();
    for (P proof : proofs) {
      signerOf.apply(proof).ifPresent(signers::add);
    }
    return signers.size();
  }
}
