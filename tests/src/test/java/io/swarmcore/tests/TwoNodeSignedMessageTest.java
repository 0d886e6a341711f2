package io.swarmcore.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.ProtobufCodec;
import io.swarmcore.codecs.RejectCode;
import io.swarmcore.codecs.SignedEnvelopes;
import io.swarmcore.codecs.proto.Hello;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.SignedEnvelope;
import io.swarmcore.crypto.SigningKey;
import io.swarmcore.node.PeerVerticle;
import io.swarmcore.node.core.HelloVerifier;
import io.swarmcore.tests.harness.ClusterHarness;
import io.swarmcore.tests.harness.ClusterProbe;
import io.swarmcore.tests.harness.Deadline;
import io.swarmcore.tests.harness.NodeHandle;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two node JVMs on 127.0.0.1 authenticate each other with signed HELLO messages over the clustered
 * event bus; a third member (this test JVM) shows that tampered and undecodable messages are
 * refused with the documented reject codes.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TwoNodeSignedMessageTest {
  private static final Duration STARTUP = Duration.ofSeconds(120);
  private static final Duration STEP = Duration.ofSeconds(30);

  private static ClusterHarness cluster;
  private static ClusterProbe probe;

  @BeforeAll
  static void startTwoNodes() {
    cluster = ClusterHarness.startJvms("two-node-signed-message", 2, STARTUP);
    probe = ClusterProbe.join(cluster, STARTUP);
  }

  @AfterAll
  static void stopEverything() {
    ClusterHarness.stop(probe, cluster);
  }

  @Test
  void eachNodeVerifiesTheOthersSignedReply() {
    NodeHandle a = cluster.node("node-a");
    NodeHandle b = cluster.node("node-b");
    Deadline.await("node-a to verify node-b's signed reply", STEP, () -> a.hasVerified("node-b"));
    Deadline.await("node-b to verify node-a's signed reply", STEP, () -> b.hasVerified("node-a"));
  }

  @Test
  void aSignedHelloIsVerifiedAndAnsweredWithASignedHello() {
    SigningKey key = SigningKey.generate(new SecureRandom());
    ByteString nonce = ByteString.copyFromUtf8("fresh-nonce-1234");
    SignedEnvelope hello = hello("probe-1", key, nonce);

    Message<Object> answer = requestNodeB(() -> probe.vertx().eventBus().request(bHello(), hello));

    SignedEnvelope envelope = (SignedEnvelope) answer.body();
    Hello reply = HelloVerifier.open(envelope, Optional.empty());
    assertThat(reply.getNodeId()).isEqualTo("node-b");
    assertThat(reply.getNonce()).isEqualTo(nonce);
  }

  @Test
  void aTamperedSignatureIsRejectedWithBadSignature() {
    SigningKey key = SigningKey.generate(new SecureRandom());
    SignedEnvelope hello = hello("intruder", key, ByteString.copyFromUtf8("n"));
    byte[] signature = hello.getSignature().toByteArray();
    signature[10] ^= 0x01;
    SignedEnvelope tampered =
        hello.toBuilder().setSignature(ByteString.copyFrom(signature)).build();

    assertThatThrownBy(
            () -> requestNodeB(() -> probe.vertx().eventBus().request(bHello(), tampered)))
        .isInstanceOfSatisfying(
            ReplyException.class,
            e -> {
              assertThat(e.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
              assertThat(e.failureCode()).isEqualTo(RejectCode.BAD_SIGNATURE.code());
              assertThat(e.getMessage())
                  .isEqualTo("BAD_SIGNATURE: signature of HELLO from intruder does not verify");
            });
    Deadline.await(
        "node-b to count the rejection",
        STEP,
        () ->
            cluster
                .node("node-b")
                .get("/metrics")
                .body()
                .contains("swarm_messages_rejected_total{reason=\"BAD_SIGNATURE\"} 1.0"));
    assertThat(cluster.node("node-b").health().encode()).doesNotContain("intruder");
  }

  @Test
  void undecodableBytesAreRejectedAsMalformed() {
    // Another member may put anything on the wire under our codec's name.
    String codecName = ProtobufCodec.NAME_PREFIX + SignedEnvelope.getDescriptor().getFullName();
    probe.vertx().eventBus().unregisterDefaultCodec(SignedEnvelope.class);
    probe.vertx().eventBus().unregisterCodec(codecName);
    try {
      probe.vertx().eventBus().registerCodec(new RawBytesCodec(codecName));
      byte[] garbage = {0, 0, 0, 3, (byte) 0xff, (byte) 0xff, (byte) 0xff};
      DeliveryOptions options = new DeliveryOptions().setCodecName(codecName);

      assertThatThrownBy(
              () ->
                  requestNodeB(
                      () ->
                          probe
                              .vertx()
                              .eventBus()
                              .request(bHello(), new RawBytes(garbage), options)))
          .isInstanceOfSatisfying(
              ReplyException.class,
              e -> {
                assertThat(e.failureCode()).isEqualTo(RejectCode.MALFORMED.code());
                assertThat(e.getMessage()).startsWith("MALFORMED: SignedEnvelope");
              });
    } finally {
      probe.vertx().eventBus().unregisterCodec(codecName);
      io.swarmcore.codecs.Codecs.register(probe.vertx().eventBus());
    }
  }

  private static String bHello() {
    return PeerVerticle.helloAddress("node-b");
  }

  private static SignedEnvelope hello(String id, SigningKey key, ByteString nonce) {
    Hello hello =
        Hello.newBuilder()
            .setNodeId(id)
            .setPublicKey(ByteString.copyFrom(key.publicKey().bytes()))
            .setNonce(nonce)
            .build();
    return SignedEnvelopes.seal(MessageType.MESSAGE_TYPE_HELLO, hello.toByteArray(), id, key);
  }

  /** Retries while node-b's consumer has not yet reached this member's subscription view. */
  private static Message<Object> requestNodeB(Supplier<Future<Message<Object>>> request) {
    long end = System.nanoTime() + STEP.toNanos();
    while (true) {
      try {
        return ClusterProbe.await(request.get(), STEP);
      } catch (ReplyException e) {
        if (e.failureType() != ReplyFailure.NO_HANDLERS || System.nanoTime() > end) {
          throw e;
        }
      }
    }
  }

  private record RawBytes(byte[] bytes) {}

  /** Writes raw bytes under another codec's name, as a hostile member could. */
  private static final class RawBytesCodec implements MessageCodec<RawBytes, RawBytes> {
    private final String name;

    RawBytesCodec(String name) {
      this.name = name;
    }

    @Override
    public void encodeToWire(Buffer buffer, RawBytes raw) {
      buffer.appendBytes(raw.bytes());
    }

    @Override
    public RawBytes decodeFromWire(int pos, Buffer buffer) {
      return new RawBytes(buffer.getBytes(pos, buffer.length()));
    }

    @Override
    public RawBytes transform(RawBytes raw) {
      return raw;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
