package io.swarmcore.codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.SignedEnvelope;
import io.vertx.core.buffer.Buffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ProtobufCodecTest {
  private final ProtobufCodec<SignedEnvelope> codec =
      new ProtobufCodec<>(
          SignedEnvelope.class, SignedEnvelope.parser(), "swarm.v1.SignedEnvelope", 1024);

  private final SignedEnvelope envelope =
      SignedEnvelope.newBuilder()
          .setType(MessageType.MESSAGE_TYPE_HELLO)
          .setPayload(ByteString.copyFromUtf8("hello"))
          .setSigner("node-1")
          .setSignature(ByteString.copyFrom(new byte[64]))
          .build();

  @Test
  void roundTripsAtAnyOffset() {
    Buffer buffer = Buffer.buffer().appendString("header");
    codec.encodeToWire(buffer, envelope);
    assertThat(codec.decodeFromWire(6, buffer)).isEqualTo(envelope);
  }

  @Test
  void theNameIsDerivedFromTheProtobufType() {
    assertThat(codec.name()).isEqualTo("swarm.pb.swarm.v1.SignedEnvelope");
    assertThat(codec.systemCodecID()).isEqualTo((byte) -1);
  }

  @Test
  void truncatedInputIsRejectedAsMalformed() {
    Buffer buffer = Buffer.buffer();
    codec.encodeToWire(buffer, envelope);
    Buffer truncated = buffer.getBuffer(0, buffer.length() - 3);

    assertThatThrownBy(() -> codec.decodeFromWire(0, truncated))
        .isInstanceOf(RejectedMessageException.class)
        .hasMessageContaining("MALFORMED: SignedEnvelope truncated: declares");
    assertThatThrownBy(() -> codec.decodeFromWire(0, Buffer.buffer(new byte[] {0, 0})))
        .hasMessageContaining("truncated before the length prefix");
  }

  @Test
  void oversizedInputIsRejectedAsTooLarge() {
    Buffer buffer = Buffer.buffer().appendInt(2000).appendBytes(new byte[2000]);
    assertThatThrownBy(() -> codec.decodeFromWire(0, buffer))
        .isInstanceOfSatisfying(
            RejectedMessageException.class,
            e -> assertThat(e.code()).isEqualTo(RejectCode.TOO_LARGE))
        .hasMessageContaining("2000 bytes exceeds the limit of 1024");
  }

  @Test
  void garbageIsRejectedAsMalformed() {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
    Buffer buffer = Buffer.buffer().appendInt(garbage.length).appendBytes(garbage);
    assertThatThrownBy(() -> codec.decodeFromWire(0, buffer))
        .isInstanceOf(RejectedMessageException.class)
        .hasMessageContaining("MALFORMED: SignedEnvelope not a valid encoding");
  }

  @Property(tries = 500)
  void arbitraryBytesNeverEscapeAsAnythingButARejection(@ForAll byte[] bytes) {
    Buffer buffer = Buffer.buffer(bytes);
    try {
      codec.decodeFromWire(0, buffer);
    } catch (RejectedMessageException expected) {
      assertThat(expected.code()).isIn(RejectCode.MALFORMED, RejectCode.TOO_LARGE);
    }
  }
}
