package io.swarmcore.pbft.core;

import com.google.protobuf.ByteString;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The votes of one kind (PREPARE or COMMIT) for one (view, sequence). Each validator counts once: a
 * repeated vote is ignored and a vote for a second digest is kept out of the count and reported,
 * since an honest validator never sends one.
 */
public final class VoteTally {
  /** What adding a vote did. */
  public enum Outcome {
    COUNTED,
    DUPLICATE,
    CONFLICTING
  }

  private final Map<Integer, ByteString> digestByVoter = new HashMap<>();
  private final Map<ByteString, Integer> votesByDigest = new HashMap<>();

  /** Records that {@code voter} (a validator index) voted for {@code digest}. */
  public Outcome add(int voter, ByteString digest) {
    ByteString earlier = digestByVoter.putIfAbsent(voter, digest);
    if (earlier == null) {
      votesByDigest.merge(digest, 1, Integer::sum);
      return Outcome.COUNTED;
    }
    return earlier.equals(digest) ? Outcome.DUPLICATE : Outcome.CONFLICTING;
  }

  public int votesFor(ByteString digest) {
    return votesByDigest.getOrDefault(digest, 0);
  }

  /** The digest this validator's counted vote named, if it voted. */
  public Optional<ByteString> voteOf(int voter) {
    return Optional.ofNullable(digestByVoter.get(voter));
  }

  public int voters() {
    return digestByVoter.size();
  }
}
