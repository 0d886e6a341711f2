package io.swarmcore.pbft.wire;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.SignedEnvelopes;
import io.swarmcore.codecs.proto.Checkpoint;
import io.swarmcore.codecs.proto.Commit;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.Prepare;
import io.swarmcore.codecs.proto.SignedEnvelope;
import io.swarmcore.crypto.SigningKey;
import io.swarmcore.pbft.core.ReplicaPorts;
import io.swarmcore.pbft.core.ViewChange;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * The node's own votes as signed envelopes (Ed25519 over the type's domain and the payload).
 * CHECKPOINTs also carry the ledger root after their sequence when storage has reported it.
 */
public final class EnvelopeSigner implements ReplicaPorts.Signer<SignedEnvelope> {
  private final String selfId;
  private final SigningKey key;
  private final LongFunction<Optional<ByteString>> ledgerRootAfter;

  public EnvelopeSigner(
      String selfId, SigningKey key, LongFunction<Optional<ByteString>> ledgerRootAfter) {
    this.selfId = selfId;
    this.key = key;
    this.ledgerRootAfter = ledgerRootAfter;
  }

  @Override
  public SignedEnvelope prepare(long view, long sequence, ByteString digest) {
    Prepare vote =
        Prepare.newBuilder().setView(view).setSequence(sequence).setBlockHash(digest).build();
    return seal(MessageType.MESSAGE_TYPE_PREPARE, vote.toByteArray());
  }

  @Override
  public SignedEnvelope commit(long view, long sequence, ByteString digest) {
    Commit vote =
        Commit.newBuilder().setView(view).setSequence(sequence).setBlockHash(digest).build();
    return seal(MessageType.MESSAGE_TYPE_COMMIT, vote.toByteArray());
  }

  @Override
  public SignedEnvelope checkpoint(long sequence, ByteString digest) {
    Checkpoint.Builder vote = Checkpoint.newBuilder().setSequence(sequence).setBlockHash(digest);
    ledgerRootAfter.apply(sequence).ifPresent(vote::setLedgerRoot);
    return seal(MessageType.MESSAGE_TYPE_CHECKPOINT, vote.build().toByteArray());
  }

  @Override
  @SuppressWarnings("unchecked") // the node's replica only ever has NodeBlock blocks
  public <B> SignedEnvelope viewChange(ViewChange<B, SignedEnvelope> message) {
    ViewChange<NodeBlock, SignedEnvelope> ours = (ViewChange<NodeBlock, SignedEnvelope>) message;
    return seal(MessageType.MESSAGE_TYPE_VIEW_CHANGE, ConsensusWire.toProto(ours).toByteArray());
  }

  private SignedEnvelope seal(MessageType type, byte[] payload) {
    return SignedEnvelopes.seal(type, payload, selfId, key);
  }
}
