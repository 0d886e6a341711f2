package io.swarmcore.pbft.core;

import com.google.protobuf.ByteString;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The votes of one kind (PREPARE or COMMIT) for one (view, sequence). Each validator counts once: a
 * repeated vote is ignored and a vote for a second digest is kept out of the count and reported,
 * since an honest validator never sends one. Each counted vote keeps its proof (the signed
 * message), so that a quorum of them becomes a transferable certificate.
 *
 * @param <P> the proof kept with a vote
 */
public final class VoteTally<P> {
  /** What adding a vote did. */
  public enum Outcome {
    COUNTED,
    DUPLICATE,
    CONFLICTING
  }

  private record Counted<P>(ByteString digest, P proof) {}

  // Sorted by validator index, so certificates list signatures in one canonical order.
  private final Map<Integer, Counted<P>> byVoter = new TreeMap<>();
  private final Map<ByteString, Integer> votesByDigest = new HashMap<>();

  /** Records that {@code voter} (a validator index) voted for {@code digest}. */
  public Outcome add(int voter, ByteString digest, P proof) {
    Counted<P> earlier = byVoter.putIfAbsent(voter, new Counted<>(digest, proof));
    if (earlier == null) {
      votesByDigest.merge(digest, 1, Integer::sum);
      return Outcome.COUNTED;
    }
    return earlier.digest().equals(digest) ? Outcome.DUPLICATE : Outcome.CONFLICTING;
  }

  public int votesFor(ByteString digest) {
    return votesByDigest.getOrDefault(digest, 0);
  }

  /** The digest this validator's counted vote named, if it voted. */
  public Optional<ByteString> voteOf(int voter) {
    return Optional.ofNullable(byVoter.get(voter)).map(Counted::digest);
  }

  /** The proofs of the votes for {@code digest}, in validator order. */
  public List<P> proofsFor(ByteString digest) {
    return byVoter.values().stream()
        .filter(counted -> counted.digest().equals(digest))
        .map(Counted::proof)
        .toList();
  }

  public int voters() {
    return byVoter.size();
  }
}
