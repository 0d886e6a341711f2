package io.swarmcore.pbft.core;

import com.google.protobuf.ByteString;
import io.swarmcore.pbft.core.ViewChangeReport.Vote;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The NEW-VIEW choice of docs/PROTOCOL.md ("View change"): for every sequence above the highest
 * stable checkpoint, the value a new view must re-propose. The new leader and every replica run it
 * on the same n − f VIEW-CHANGEs and must get the same answer, so it is a pure function with a
 * deterministic tie-break.
 *
 * <p>It chooses each sequence on its own; making the choices chain (the block at s + 1 extends the
 * one at s) is the open point in docs/PROTOCOL.md that must be settled before view change uses it.
 */
public final class ReproposalRule {
  /** Why a value was chosen. */
  public enum Basis {
    PREPARED,
    FAST
  }

  /** The value to re-propose at a sequence, and the candidate it came from. */
  public record Choice(long sequence, ByteString digest, long view, Basis basis) {}

  /**
   * The re-proposals, in sequence order, starting above {@code startAfter}. Sequences with no
   * candidate up to the highest one listed are absent: the new leader may fill them freely.
   */
  public record Plan(long startAfter, List<Choice> choices) {
    public Optional<Choice> at(long sequence) {
      return choices.stream().filter(c -> c.sequence() == sequence).findFirst();
    }
  }

  private final Quorums quorums;

  public ReproposalRule(Quorums quorums) {
    this.quorums = quorums;
  }

  public Plan choose(List<ViewChangeReport> reports) {
    requireQuorumOfDistinctSenders(reports);
    long startAfter =
        reports.stream().mapToLong(ViewChangeReport::stableCheckpoint).max().orElse(0);
    Map<Long, Candidate> prepared = preparedCandidates(reports, startAfter);
    Map<Long, Candidate> fast = fastCandidates(reports, startAfter);
    Set<Long> sequences = new HashSet<>(prepared.keySet());
    sequences.addAll(fast.keySet());
    TreeMap<Long, Choice> choices = new TreeMap<>();
    for (long sequence : sequences) {
      Candidate chosen = pick(prepared.get(sequence), fast.get(sequence));
      choices.put(sequence, new Choice(sequence, chosen.digest, chosen.view, chosen.basis));
    }
    return new Plan(startAfter, List.copyOf(choices.values()));
  }

  private void requireQuorumOfDistinctSenders(List<ViewChangeReport> reports) {
    Set<Integer> senders = new HashSet<>();
    for (ViewChangeReport report : reports) {
      if (report.sender() < 0 || report.sender() >= quorums.validators()) {
        throw new IllegalArgumentException(
            "VIEW-CHANGE from validator index " + report.sender() + ", not a validator");
      }
      if (!senders.add(report.sender())) {
        throw new IllegalArgumentException(
            "two VIEW-CHANGEs from validator " + report.sender() + " in one NEW-VIEW");
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
  private static Candidate pick(Candidate prepared, Candidate fast) {
    if (prepared == null) {
      return fast;
    }
    if (fast == null || prepared.view >= fast.view) {
      return prepared;
    }
    return fast;
  }

  private static Map<Long, Candidate> preparedCandidates(
      List<ViewChangeReport> reports, long startAfter) {
    Map<Long, Candidate> best = new HashMap<>();
    for (ViewChangeReport report : reports) {
      for (Vote certificate : report.prepared()) {
        if (certificate.sequence() <= startAfter) {
          continue;
        }
        Candidate candidate =
            new Candidate(certificate.view(), certificate.digest(), Basis.PREPARED);
        best.merge(certificate.sequence(), candidate, ReproposalRule::higherThenSmaller);
      }
    }
    return best;
  }

  /**
   * For each sequence, the highest view in which some digest is reported by at least f + c + 1
   * distinct senders. Two digests can both qualify in one view only when nothing was finalized
   * (Lemma 1b, Lemma 3), so either is safe; the smaller digest is taken so all replicas agree.
   */
  private Map<Long, Candidate> fastCandidates(List<ViewChangeReport> reports, long startAfter) {
    Map<Vote, Set<Integer>> reporters = new HashMap<>();
    for (ViewChangeReport report : reports) {
      for (Vote sent : report.sentPrepares()) {
        if (sent.sequence() > startAfter) {
          reporters.computeIfAbsent(sent, k -> new HashSet<>()).add(report.sender());
        }
      }
    }
    Map<Long, Candidate> best = new HashMap<>();
    for (Map.Entry<Vote, Set<Integer>> entry : reporters.entrySet()) {
      if (entry.getValue().size() >= quorums.fastCandidateReports()) {
        Vote vote = entry.getKey();
        Candidate candidate = new Candidate(vote.view(), vote.digest(), Basis.FAST);
        best.merge(vote.sequence(), candidate, ReproposalRule::higherThenSmaller);
      }
    }
    return best;
  }

  private static Candidate higherThenSmaller(Candidate a, Candidate b) {
    if (a.view != b.view) {
      return a.view > b.view ? a : b;
    }
    return ByteString.unsignedLexicographicalComparator().compare(a.digest, b.digest) <= 0 ? a : b;
  }

  private record Candidate(long view, ByteString digest, Basis basis) {}
}
