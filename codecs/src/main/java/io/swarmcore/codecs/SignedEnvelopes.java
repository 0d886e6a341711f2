package io.swarmcore.codecs;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.SignedEnvelope;
import io.swarmcore.crypto.PublicKey;
import io.swarmcore.crypto.SigningKey;

/** Seals payloads into {@link SignedEnvelope}s and checks them. */
public final class SignedEnvelopes {
  /** Longest accepted signer id, in characters. */
  public static final int MAX_SIGNER_LENGTH = 64;

  private SignedEnvelopes() {}

  public static SignedEnvelope seal(
      MessageType type, byte[] payload, String signer, SigningKey key) {
    checkSigner(signer);
    byte[] signature = key.sign(MessageDomain.signedBytes(type, payload));
    return SignedEnvelope.newBuilder()
        .setType(type)
        .setPayload(ByteString.copyFrom(payload))
        .setSigner(signer)
        .setSignature(ByteString.copyFrom(signature))
        .build();
  }

  /**
   * Checks the envelope's shape and its signature under {@code signerKey}, over exactly the payload
   * bytes it carries.
   *
   * @throws RejectedMessageException MALFORMED for a bad shape, BAD_SIGNATURE for a signature that
   *     does not verify
   */
  public static void verify(SignedEnvelope envelope, PublicKey signerKey) {
    checkShape(envelope);
    byte[] signed =
        MessageDomain.signedBytes(envelope.getType(), envelope.getPayload().toByteArray());
    if (!signerKey.verify(signed, envelope.getSignature().toByteArray())) {
      throw new RejectedMessageException(
          RejectCode.BAD_SIGNATURE,
          "signature of "
              + typeName(envelope.getType())
              + " from "
              + envelope.getSigner()
              + " does not verify");
    }
  }

  /** Checks everything that can be checked without the signer's key. */
  public static void checkShape(SignedEnvelope envelope) {
    MessageType type = envelope.getType();
    if (type == MessageType.MESSAGE_TYPE_UNSPECIFIED || type == MessageType.UNRECOGNIZED) {
      throw new RejectedMessageException(
          RejectCode.MALFORMED,
          "envelope has no known message type (" + envelope.getTypeValue() + ")");
    }
    checkSigner(envelope.getSigner());
    int length = envelope.getSignature().size();
    if (length != SigningKey.SIGNATURE_LENGTH) {
      throw new RejectedMessageException(
          RejectCode.MALFORMED,
          "signature must be " + SigningKey.SIGNATURE_LENGTH + " bytes, got " + length);
    }
  }

  private static void checkSigner(String signer) {
    if (signer == null || signer.isEmpty() || signer.length() > MAX_SIGNER_LENGTH) {
      throw new RejectedMessageException(
          RejectCode.MALFORMED,
          "signer id must be 1 to " + MAX_SIGNER_LENGTH + " characters, got \"" + signer + "\"");
    }
  }

  static String typeName(MessageType type) {
    return type.name().substring("MESSAGE_TYPE_".length());
  }
}
