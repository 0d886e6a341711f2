package io.swarmcore.node.core;

import com.google.protobuf.InvalidProtocolBufferException;
import io.swarmcore.codecs.RejectCode;
import io.swarmcore.codecs.RejectedMessageException;
import io.swarmcore.codecs.SignedEnvelopes;
import io.swarmcore.codecs.proto.Hello;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.SignedEnvelope;
import io.swarmcore.crypto.PublicKey;
import java.util.Optional;

/**
 * Opens a HELLO envelope: shape, payload, signer binding and signature, in that order, each failure
 * with its documented reject code.
 *
 * <p>Until the validator set (with its configured keys) exists, a node's key is learned from its
 * first verified HELLO and pinned from then on (trust on first use): a later HELLO for the same id
 * with another key is refused as UNKNOWN_SIGNER.
 */
public final class HelloVerifier {
  public static final int MAX_NONCE_BYTES = 64;

  private HelloVerifier() {}

  public static Hello open(SignedEnvelope envelope, Optional<PublicKey> pinnedKey) {
    SignedEnvelopes.checkShape(envelope);
    if (envelope.getType() != MessageType.MESSAGE_TYPE_HELLO) {
      throw new RejectedMessageException(
          RejectCode.MALFORMED, "expected a HELLO envelope, got " + envelope.getType());
    }
    Hello hello;
    try {
      hello = Hello.parseFrom(envelope.getPayload());
    } catch (InvalidProtocolBufferException e) {
      throw new RejectedMessageException(
          RejectCode.MALFORMED, "HELLO payload is not a valid encoding: " + e.getMessage());
    }
    if (!hello.getNodeId().equals(envelope.getSigner())) {
      throw new RejectedMessageException(
          RejectCode.MALFORMED,
          "HELLO for node \""
              + hello.getNodeId()
              + "\" signed as \""
              + envelope.getSigner()
              + "\"");
    }
    if (hello.getNonce().size() > MAX_NONCE_BYTES) {
      throw new RejectedMessageException(
          RejectCode.MALFORMED,
          "HELLO nonce is " + hello.getNonce().size() + " bytes, at most " + MAX_NONCE_BYTES);
    }
    PublicKey carried;
    try {
      carried = PublicKey.of(hello.getPublicKey().toByteArray());
    } catch (IllegalArgumentException e) {
      throw new RejectedMessageException(RejectCode.MALFORMED, "HELLO " + e.getMessage());
    }
    if (pinnedKey.isPresent() && !pinnedKey.get().equals(carried)) {
      throw new RejectedMessageException(
          RejectCode.UNKNOWN_SIGNER,
          "node \""
              + hello.getNodeId()
              + "\" is known with key "
              + pinnedKey.get().hex()
              + ", this HELLO carries "
              + carried.hex());
    }
    SignedEnvelopes.verify(envelope, carried);
    return hello;
  }
}
