package io.swarmcore.pbft.core;

import com.google.protobuf.ByteString;
import io.swarmcore.pbft.core.ReplicaPorts.Blocks;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The NEW-VIEW plan of docs/PROTOCOL.md ("View change" and "Chained blocks across a view change"):
 * from n − f checked VIEW-CHANGEs, the highest stable checkpoint h and the blocks a new view must
 * re-propose at h + 1, h + 2, …, each extending the one below. The new leader and every replica run
 * it on the same VIEW-CHANGEs and must get the same plan, so it is a pure function with a
 * deterministic tie-break.
 *
 * @param <B> the block type
 */
public final class ReproposalRule<B> {
  /** Why a value was chosen. */
  public enum Basis {
    PREPARED,
    FAST
  }

  /** The block to re-propose at a sequence, and the candidate it came from. */
  public record Choice<B>(long sequence, B block, long view, Basis basis) {}

  /**
   * The plan: the base checkpoint (sequence, block digest, proof) and the re-proposals from base +
   * 1 upward, without gaps. Sequences above the last choice are free.
   */
  public record Plan<B, P>(Checkpoints.Stable<P> base, List<Choice<B>> choices) {
    public Plan {
      choices = List.copyOf(choices);
    }

    /** The highest sequence the plan fixes (the base when it re-proposes nothing). */
    public long top() {
      return base.sequence() + choices.size();
    }
  }

  private final Quorums quorums;
  private final Blocks<B> blocks;

  public ReproposalRule(Quorums quorums, Blocks<B> blocks) {
    this.quorums = quorums;
    this.blocks = blocks;
  }

  /** The plan for already checked VIEW-CHANGEs, which must come from n − f distinct validators. */
  public <P> Plan<B, P> choose(List<ViewChange<B, P>> viewChanges) {
    requireQuorumOfDistinctSenders(viewChanges);
    Checkpoints.Stable<P> base =
        viewChanges.stream()
            .map(ViewChange::checkpoint)
            .max(Comparator.comparingLong(Checkpoints.Stable::sequence))
            .orElseThrow();
    Map<Long, Candidate<B>> prepared = preparedCandidates(viewChanges, base.sequence());
    Map<Long, Candidate<B>> fast = fastCandidates(viewChanges, base.sequence());
    List<Choice<B>> choices = new ArrayList<>();
    ByteString below = base.digest();
    for (long sequence = base.sequence() + 1; ; sequence++) {
      Candidate<B> chosen = pick(prepared.get(sequence), fast.get(sequence));
      // The run stops at the first gap or at a choice that does not extend the one below: the
      // Theorem (chains) shows a finalized block is never above such a point.
      if (chosen == null || !blocks.parent(chosen.block).equals(below)) {
        return new Plan<>(base, choices);
      }
      choices.add(new Choice<>(sequence, chosen.block, chosen.view, chosen.basis));
      below = chosen.digest;
    }
  }

  private void requireQuorumOfDistinctSenders(List<? extends ViewChange<B, ?>> viewChanges) {
    Set<Integer> senders = new HashSet<>();
    for (ViewChange<B, ?> viewChange : viewChanges) {
      int sender = viewChange.sender();
      if (sender < 0 || sender >= quorums.validators()) {
        throw new IllegalArgumentException(
            "VIEW-CHANGE from validator index " + sender + ", not a validator");
      }
      if (!senders.add(sender)) {
        throw new IllegalArgumentException(
            "two VIEW-CHANGEs from validator " + sender + " in one NEW-VIEW");
      }
    }
    if (senders.size() < quorums.viewChangeQuorum()) {
      throw new IllegalArgumentException(
          "NEW-VIEW needs "
              + quorums.viewChangeQuorum()
              + " VIEW-CHANGEs from distinct validators, got "
              + senders.size());
    }
  }

  /** Equal views: the prepared candidate wins (Theorem, slow-finalized case). */
  private static <B> Candidate<B> pick(Candidate<B> prepared, Candidate<B> fast) {
    if (prepared == null) {
      return fast;
    }
    if (fast == null || prepared.view >= fast.view) {
      return prepared;
    }
    return fast;
  }

  private <P> Map<Long, Candidate<B>> preparedCandidates(
      List<ViewChange<B, P>> viewChanges, long base) {
    Map<Long, Candidate<B>> best = new HashMap<>();
    for (ViewChange<B, P> viewChange : viewChanges) {
      for (ViewChange.Prepared<B, P> certificate : viewChange.prepared()) {
        if (certificate.sequence() > base) {
          best.merge(
              certificate.sequence(),
              candidate(certificate.view(), certificate.block(), Basis.PREPARED),
              ReproposalRule::higherThenSmaller);
        }
      }
    }
    return best;
  }

  private record Report(long view, long sequence, ByteString digest) {}

  /**
   * For each sequence, the highest view in which some digest is reported by at least f + c + 1
   * distinct senders. Two digests can both qualify in one view only when nothing was finalized
   * (Lemma 1b, Lemma 3), so either is safe; the smaller digest is taken so all replicas agree.
   */
  private <P> Map<Long, Candidate<B>> fastCandidates(
      List<ViewChange<B, P>> viewChanges, long base) {
    Map<Report, Set<Integer>> reporters = new HashMap<>();
    Map<Report, B> reportedBlock = new HashMap<>();
    for (ViewChange<B, P> viewChange : viewChanges) {
      for (ViewChange.Sent<B> sent : viewChange.sent()) {
        if (sent.sequence() > base) {
          Report report = new Report(sent.view(), sent.sequence(), blocks.digest(sent.block()));
          reporters.computeIfAbsent(report, k -> new HashSet<>()).add(viewChange.sender());
          reportedBlock.putIfAbsent(report, sent.block());
        }
      }
    }
    Map<Long, Candidate<B>> best = new HashMap<>();
    for (Map.Entry<Report, Set<Integer>> entry : reporters.entrySet()) {
      if (entry.getValue().size() >= quorums.fastCandidateReports()) {
        Report report = entry.getKey();
        best.merge(
            report.sequence(),
            candidate(report.view(), reportedBlock.get(report), Basis.FAST),
            ReproposalRule::higherThenSmaller);
      }
    }
    return best;
  }

  private Candidate<B> candidate(long view, B block, Basis basis) {
    return new Candidate<>(view, block, blocks.digest(block), basis);
  }

  private static <B> Candidate<B> higherThenSmaller(Candidate<B> a, Candidate<B> b) {
    if (a.view != b.view) {
      return a.view > b.view ? a : b;
    }
    return ByteString.unsignedLexicographicalComparator().compare(a.digest, b.digest) <= 0 ? a : b;
  }

  private record Candidate<B>(long view, B block, ByteString digest, Basis basis) {}

  /** The plan's choice at {@code sequence}, if it fixes one there. */
  public static <B> Optional<Choice<B>> at(Plan<B, ?> plan, long sequence) {
    long index = sequence - plan.base().sequence() - 1;
    return index >= 0 && index < plan.choices().size()
        ? Optional.of(plan.choices().get((int) index))
        : Optional.empty();
  }
}
