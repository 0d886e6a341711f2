package io.swarmcore.codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.Prepare;
import io.swarmcore.codecs.proto.SignedEnvelope;
import io.swarmcore.crypto.SigningKey;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SignedEnvelopesTest {
  private final SigningKey key = SigningKey.fromSeed(new byte[32]);
  private final byte[] payload =
      Prepare.newBuilder()
          .setView(3)
          .setSequence(7)
          .setBlockHash(ByteString.copyFrom(new byte[32]))
          .build()
          .toByteArray();

  @Test
  void aSealedEnvelopeVerifiesUnderItsSignersKey() {
    SignedEnvelope envelope =
        SignedEnvelopes.seal(MessageType.MESSAGE_TYPE_PREPARE, payload, "node-1", key);

    assertThatCode(() -> SignedEnvelopes.verify(envelope, key.publicKey()))
        .doesNotThrowAnyException();
    assertThat(envelope.getPayload().toByteArray()).isEqualTo(payload);
  }

  @Test
  void aPrepareSignatureNeverVerifiesAsACommit() {
    SignedEnvelope prepare =
        SignedEnvelopes.seal(MessageType.MESSAGE_TYPE_PREPARE, payload, "node-1", key);
    SignedEnvelope replayedAsCommit =
        prepare.toBuilder().setType(MessageType.MESSAGE_TYPE_COMMIT).build();

    assertThatThrownBy(() -> SignedEnvelopes.verify(replayedAsCommit, key.publicKey()))
        .isInstanceOfSatisfying(
            RejectedMessageException.class,
            e -> assertThat(e.code()).isEqualTo(RejectCode.BAD_SIGNATURE))
        .hasMessageContaining("signature of COMMIT from node-1 does not verify");
  }

  @Test
  void everyMessageTypeHasItsOwnDomain() {
    long distinct =
        Arrays.stream(MessageType.values())
            .filter(t -> t != MessageType.MESSAGE_TYPE_UNSPECIFIED && t != MessageType.UNRECOGNIZED)
            .map(t -> ByteString.copyFrom(MessageDomain.prefix(t)))
            .distinct()
            .count();
    assertThat(distinct).isEqualTo(MessageType.values().length - 2);
  }

  @Test
  void aTamperedPayloadIsRejected() {
    SignedEnvelope envelope =
        SignedEnvelopes.seal(MessageType.MESSAGE_TYPE_PREPARE, payload, "node-1", key);
    byte[] changed = payload.clone();
    changed[changed.length - 1] ^= 1;
    SignedEnvelope tampered = envelope.toBuilder().setPayload(ByteString.copyFrom(changed)).build();

    assertThatThrownBy(() -> SignedEnvelopes.verify(tampered, key.publicKey()))
        .isInstanceOf(RejectedMessageException.class)
        .hasMessageStartingWith("BAD_SIGNATURE");
  }

  @Test
  void malformedEnvelopesAreRejectedBeforeAnyCryptography() {
    SignedEnvelope valid =
        SignedEnvelopes.seal(MessageType.MESSAGE_TYPE_PREPARE, payload, "node-1", key);

    assertMalformed(valid.toBuilder().clearType().build(), "no known message type");
    assertMalformed(valid.toBuilder().setTypeValue(99).build(), "no known message type (99)");
    assertMalformed(valid.toBuilder().setSigner("").build(), "signer id must be 1 to 64");
    assertMalformed(
        valid.toBuilder().setSigner("x".repeat(65)).build(), "signer id must be 1 to 64");
    assertMalformed(
        valid.toBuilder().setSignature(ByteString.copyFrom(new byte[63])).build(),
        "signature must be 64 bytes, got 63");
  }

  private void assertMalformed(SignedEnvelope envelope, String reason) {
    assertThatThrownBy(() -> SignedEnvelopes.verify(envelope, key.publicKey()))
        .isInstanceOfSatisfying(
            RejectedMessageException.class,
            e -> assertThat(e.code()).isEqualTo(RejectCode.MALFORMED))
        .hasMessageContaining(reason);
  }
}
