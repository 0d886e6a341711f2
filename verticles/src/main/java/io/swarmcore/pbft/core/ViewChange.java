package io.swarmcore.pbft.core;

import java.util.List;

/**
 * A VIEW-CHANGE (docs/PROTOCOL.md, "View change"): the sender gives up on its view and asks for
 * {@code newView}, reporting what the new leader must not lose.
 *
 * @param newView the view the sender moves to
 * @param sender validator index of the signer
 * @param checkpoint the sender's stable checkpoint with its q CHECKPOINT signatures
 * @param prepared the sender's highest-view prepared certificate for each sequence above the
 *     checkpoint
 * @param sent every PREPARE the sender sent above the checkpoint, in every view
 * @param <B> the block type
 * @param <P> the proof (signed message) type
 */
public record ViewChange<B, P>(
    long newView,
    int sender,
    Checkpoints.Stable<P> checkpoint,
    List<Prepared<B, P>> prepared,
    List<Sent<B>> sent) {

  public ViewChange {
    prepared = List.copyOf(prepared);
    sent = List.copyOf(sent);
  }

  /** A prepared certificate: the block and the q PREPARE signatures on it in {@code view}. */
  public record Prepared<B, P>(long view, long sequence, B block, List<P> prepares) {
    public Prepared {
      prepares = List.copyOf(prepares);
    }
  }

  /** A PREPARE the sender sent, with the block it named (so a new leader can re-propose it). */
  public record Sent<B>(long view, long sequence, B block) {}

  /** A VIEW-CHANGE with the sender's signature over it, as NEW-VIEW carries it. */
  public record Signed<B, P>(ViewChange<B, P> message, P signature) {}
}
