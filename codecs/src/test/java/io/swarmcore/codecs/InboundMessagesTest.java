package io.swarmcore.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.SignedEnvelope;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class InboundMessagesTest {
  private final AtomicInteger rejections = new AtomicInteger();

  @BeforeEach
  void registerCodecs(Vertx vertx) {
    Codecs.register(vertx.eventBus());
    Codecs.register(vertx.eventBus()); // idempotent
    vertx
        .eventBus()
        .consumer(
            "test.inbox",
            InboundMessages.guarded(
                SignedEnvelope.class,
                (message, envelope) -> {
                  SignedEnvelopes.checkShape(envelope);
                  message.reply(envelope.getSigner());
                },
                rejected -> rejections.incrementAndGet()));
  }

  @Test
  void aWellFormedMessageReachesTheHandler(Vertx vertx, VertxTestContext test) {
    SignedEnvelope envelope =
        SignedEnvelope.newBuilder()
            .setType(MessageType.MESSAGE_TYPE_HELLO)
            .setSigner("node-1")
            .setSignature(ByteString.copyFrom(new byte[64]))
            .build();
    vertx
        .eventBus()
        .request("test.inbox", envelope)
        .onComplete(
            test.succeeding(
                reply ->
                    test.verify(
                        () -> {
                          assertThat(reply.body()).isEqualTo("node-1");
                          test.completeNow();
                        })));
  }

  @Test
  void aMistypedBodyIsRejectedWithMalformed(Vertx vertx, VertxTestContext test) {
    vertx
        .eventBus()
        .request("test.inbox", "just a string")
        .onComplete(
            test.failing(
                failure ->
                    test.verify(
                        () -> {
                          ReplyException reply = (ReplyException) failure;
                          assertThat(reply.failureCode()).isEqualTo(RejectCode.MALFORMED.code());
                          assertThat(reply.getMessage())
                              .isEqualTo("MALFORMED: expected SignedEnvelope, got String");
                          assertThat(rejections).hasValue(1);
                          test.completeNow();
                        })));
  }

  @Test
  void aValidationFailureInTheHandlerBecomesAReply(Vertx vertx, VertxTestContext test) {
    SignedEnvelope unsigned =
        SignedEnvelope.newBuilder().setType(MessageType.MESSAGE_TYPE_HELLO).setSigner("n").build();
    vertx
        .eventBus()
        .request("test.inbox", unsigned)
        .onComplete(
            test.failing(
                failure ->
                    test.verify(
                        () -> {
                          assertThat(((ReplyException) failure).failureCode()).isEqualTo(400);
                          assertThat(failure.getMessage()).contains("signature must be 64 bytes");
                          test.completeNow();
                        })));
  }
}
