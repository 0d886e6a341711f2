package io.swarmcore.node.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.RejectCode;
import io.swarmcore.codecs.RejectedMessageException;
import io.swarmcore.codecs.SignedEnvelopes;
import io.swarmcore.codecs.proto.Hello;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.SignedEnvelope;
import io.swarmcore.crypto.PublicKey;
import io.swarmcore.crypto.SigningKey;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HelloVerifierTest {
  private final SigningKey alice = key(1);
  private final SigningKey mallory = key(2);

  private static SigningKey key(int fill) {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) fill);
    return SigningKey.fromSeed(seed);
  }

  private static SignedEnvelope hello(String id, SigningKey carried, SigningKey signer) {
    Hello hello =
        Hello.newBuilder()
            .setNodeId(id)
            .setPublicKey(ByteString.copyFrom(carried.publicKey().bytes()))
            .setNonce(ByteString.copyFromUtf8("nonce"))
            .build();
    return SignedEnvelopes.seal(MessageType.MESSAGE_TYPE_HELLO, hello.toByteArray(), id, signer);
  }

  private static void assertRejected(
      SignedEnvelope envelope, Optional<PublicKey> pinned, RejectCode code, String text) {
    assertThatThrownBy(() -> HelloVerifier.open(envelope, pinned))
        .isInstanceOfSatisfying(
            RejectedMessageException.class, e -> assertThat(e.code()).isEqualTo(code))
        .hasMessageContaining(text);
  }

  @Test
  void acceptsAHelloSignedByTheKeyItCarries() {
    Hello hello = HelloVerifier.open(hello("alice", alice, alice), Optional.empty());
    assertThat(hello.getNodeId()).isEqualTo("alice");
  }

  @Test
  void rejectsAHelloSignedByAnotherKey() {
    assertRejected(
        hello("alice", alice, mallory),
        Optional.empty(),
        RejectCode.BAD_SIGNATURE,
        "signature of HELLO from alice does not verify");
  }

  @Test
  void rejectsANewKeyForAPinnedNode() {
    assertRejected(
        hello("alice", mallory, mallory),
        Optional.of(alice.publicKey()),
        RejectCode.UNKNOWN_SIGNER,
        "node \"alice\" is known with key " + alice.publicKey().hex());
  }

  @Test
  void rejectsAHelloForSomeoneElse() {
    SignedEnvelope forBob = hello("bob", alice, alice).toBuilder().setSigner("alice").build();
    assertRejected(
        forBob,
        Optional.empty(),
        RejectCode.MALFORMED,
        "HELLO for node \"bob\" signed as \"alice\"");
  }

  @Test
  void rejectsOtherMessageTypesAndGarbagePayloads() {
    SignedEnvelope prepare =
        hello("alice", alice, alice).toBuilder().setType(MessageType.MESSAGE_TYPE_PREPARE).build();
    assertRejected(prepare, Optional.empty(), RejectCode.MALFORMED, "expected a HELLO envelope");

    SignedEnvelope garbage =
        SignedEnvelopes.seal(
            MessageType.MESSAGE_TYPE_HELLO, new byte[] {(byte) 0xff, 0x01}, "alice", alice);
    assertRejected(garbage, Optional.empty(), RejectCode.MALFORMED, "not a valid encoding");
  }
}
