package io.swarmcore.pbft.wire;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.proto.Checkpoint;
import io.swarmcore.codecs.proto.Commit;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.Prepare;
import io.swarmcore.codecs.proto.SignedEnvelope;
import io.swarmcore.pbft.core.ReplicaPorts;
import io.swarmcore.pbft.core.ViewChange;
import java.util.OptionalInt;

/**
 * Checks the envelopes the core keeps as proofs: the signer is a validator, the signature verifies,
 * and the payload says exactly what the core asks about. Anything else is "no signer".
 */
public final class EnvelopeVerifier implements ReplicaPorts.Verifier<NodeBlock, SignedEnvelope> {
  private final ConsensusWire wire;

  public EnvelopeVerifier(ConsensusWire wire) {
    this.wire = wire;
  }

  @Override
  public OptionalInt prepareSigner(
      SignedEnvelope proof, long view, long sequence, ByteString digest) {
    return signer(
        proof,
        MessageType.MESSAGE_TYPE_PREPARE,
        () -> {
          Prepare vote = Prepare.parseFrom(proof.getPayload());
          return vote.getView() == view
              && vote.getSequence() == sequence
              && vote.getBlockHash().equals(digest);
        });
  }

  @Override
  public OptionalInt commitSigner(
      SignedEnvelope proof, long view, long sequence, ByteString digest) {
    return signer(
        proof,
        MessageType.MESSAGE_TYPE_COMMIT,
        () -> {
          Commit vote = Commit.parseFrom(proof.getPayload());
          return vote.getView() == view
              && vote.getSequence() == sequence
              && vote.getBlockHash().equals(digest);
        });
  }

  @Override
  public OptionalInt checkpointSigner(SignedEnvelope proof, long sequence, ByteString digest) {
    return signer(
        proof,
        MessageType.MESSAGE_TYPE_CHECKPOINT,
        () -> {
          Checkpoint vote = Checkpoint.parseFrom(proof.getPayload());
          return vote.getSequence() == sequence && vote.getBlockHash().equals(digest);
        });
  }

  @Override
  public OptionalInt viewChangeSigner(
      SignedEnvelope proof, ViewChange<NodeBlock, SignedEnvelope> message) {
    return signer(
        proof,
        MessageType.MESSAGE_TYPE_VIEW_CHANGE,
        () -> ConsensusWire.viewChange(proof, message.sender()).equals(message));
  }

  private interface Content {
    boolean matches() throws Exception;
  }

  private OptionalInt signer(SignedEnvelope proof, MessageType type, Content content) {
    if (proof.getType() != type) {
      return OptionalInt.empty();
    }
    try {
      int signer = wire.verifiedSender(proof);
      return content.matches() ? OptionalInt.of(signer) : OptionalInt.empty();
    } catch (Exception e) {
      // A bad signature, an unknown signer or an unparsable payload: not a signature on
      // anything the core asked about.
      return OptionalInt.empty();
    }
  }
}
