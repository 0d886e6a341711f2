package io.swarmcore.pbft.core;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * CHECKPOINT votes and the window they move (docs/PROTOCOL.md, "Checkpoints"). A slow quorum of
 * matching CHECKPOINT(s, d) messages (d the header hash of the block at s) makes s stable; the
 * window of sequences a replica accepts is then (s, s + W]. Votes at or below the stable checkpoint
 * are dropped, and votes beyond the window are refused, so a Byzantine sender cannot make this grow
 * without bound.
 *
 * @param <P> the proof kept with each vote (the signed CHECKPOINT)
 */
public final class Checkpoints<P> {
  /** A stable checkpoint and the q signed CHECKPOINTs that prove it. */
  public record Stable<P>(long sequence, ByteString digest, List<P> proof) {
    public Stable {
      proof = List.copyOf(proof);
    }
  }

  /** What a CHECKPOINT vote did. */
  public enum Outcome {
    COUNTED,
    BECAME_STABLE,
    IGNORED_OLD,
    REFUSED_BEYOND_WINDOW,
    NOT_A_CHECKPOINT_SEQUENCE,
    DUPLICATE,
    CONFLICTING
  }

  private final Quorums quorums;
  private final long interval;
  private final long window;
  private final TreeMap<Long, VoteTally<P>> pending = new TreeMap<>();
  private Stable<P> stable;

  /**
   * @param interval K, blocks between checkpoints
   * @param window W, sequences accepted above the stable checkpoint; at least 2K so that the next
   *     checkpoint can become stable while the one after it is being voted on
   */
  public Checkpoints(Quorums quorums, long interval, long window, Stable<P> genesis) {
    if (interval < 1 || window < 2 * interval) {
      throw new IllegalArgumentException(
          "checkpoint interval K = "
              + interval
              + " and window W = "
              + window
              + " need K ≥ 1, W ≥ 2K");
    }
    this.quorums = quorums;
    this.interval = interval;
    this.window = window;
    this.stable = genesis;
  }

  public Stable<P> stable() {
    return stable;
  }

  public long lowWatermark() {
    return stable.sequence();
  }

  public long highWatermark() {
    return stable.sequence() + window;
  }

  /** Whether a message for {@code sequence} falls inside (low, high]. */
  public boolean inWindow(long sequence) {
    return sequence > lowWatermark() && sequence <= highWatermark();
  }

  public boolean isCheckpointSequence(long sequence) {
    return sequence % interval == 0;
  }

  public Outcome add(int voter, long sequence, ByteString digest, P proof) {
    if (sequence <= lowWatermark()) {
      return Outcome.IGNORED_OLD;
    }
    if (sequence > highWatermark()) {
      return Outcome.REFUSED_BEYOND_WINDOW;
    }
    if (!isCheckpointSequence(sequence)) {
      return Outcome.NOT_A_CHECKPOINT_SEQUENCE;
    }
    VoteTally<P> tally = pending.computeIfAbsent(sequence, s -> new VoteTally<>());
    VoteTally.Outcome counted = tally.add(voter, digest, proof);
    if (counted == VoteTally.Outcome.DUPLICATE) {
      return Outcome.DUPLICATE;
    }
    if (counted == VoteTally.Outcome.CONFLICTING) {
      return Outcome.CONFLICTING;
    }
    if (tally.votesFor(digest) < quorums.slowQuorum()) {
      return Outcome.COUNTED;
    }
    stable = new Stable<>(sequence, digest, tally.proofsFor(digest));
    pending.headMap(sequence, true).clear();
    return Outcome.BECAME_STABLE;
  }

  /** The digest a quorum agreed on at {@code sequence}, if it is the stable checkpoint. */
  public Optional<ByteString> stableDigestAt(long sequence) {
    return sequence == stable.sequence() ? Optional.of(stable.digest()) : Optional.empty();
  }

  /**
   * Takes a checkpoint proven elsewhere (the highest one in a NEW-VIEW, its proof already checked)
   * when it is above this replica's own. Returns whether it moved the window.
   */
  public boolean adopt(Stable<P> proven) {
    if (proven.sequence() <= stable.sequence()) {
      return false;
    }
    stable = proven;
    pending.headMap(proven.sequence(), true).clear();
    return true;
  }
}
