package io.swarmcore.pbft.core;

import com.google.protobuf.ByteString;
import java.util.OptionalInt;

/** What the replica needs from outside and cannot compute itself, as pure interfaces. */
public final class ReplicaPorts {
  private ReplicaPorts() {}

  /** The leader schedule: the validator index that leads a view. */
  @FunctionalInterface
  public interface Leaders {
    int leaderOf(long view);
  }

  /** Facts about a block the replica is not allowed to invent. */
  public interface Blocks<B> {
    /** The hash that PREPAREs and COMMITs name (the header hash). */
    ByteString digest(B block);

    /** The digest of the block this one extends. */
    ByteString parent(B block);
  }

  /** Signs this replica's own votes; the simulator fakes it, the node uses its key. */
  public interface Signer<P> {
    P prepare(long view, long sequence, ByteString digest);

    P commit(long view, long sequence, ByteString digest);

    P checkpoint(long sequence, ByteString digest);

    <B> P viewChange(ViewChange<B, P> message);
  }

  /**
   * Checks signatures carried inside other messages (certificates in a VIEW-CHANGE, VIEW-CHANGEs in
   * a NEW-VIEW). Each method returns the validator index that signed exactly this content, or empty
   * when the proof is not a valid signature on it.
   */
  public interface Verifier<B, P> {
    OptionalInt prepareSigner(P proof, long view, long sequence, ByteString digest);

    OptionalInt commitSigner(P proof, long view, long sequence, ByteString digest);

    OptionalInt checkpointSigner(P proof, long sequence, ByteString digest);

    OptionalInt viewChangeSigner(P proof, ViewChange<B, P> message);
  }
}
