package io.swarmcore.codecs;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Carries one protobuf message type across the clustered event bus as {@code length || bytes}.
 * Decoding validates the length and the bytes and turns any failure into a {@link
 * RejectedMessageException}; {@link InboundMessages} turns that into a reply, so garbage from
 * another cluster member never escapes as an exception on the event loop.
 */
public final class ProtobufCodec<T extends Message> implements MessageCodec<T, T> {
  /** Prefix of every codec name: receivers resolve codecs by name, so it is part of the wire. */
  public static final String NAME_PREFIX = "swarm.pb.";

  private final Class<T> type;
  private final Parser<T> parser;
  private final String name;
  private final int maxBytes;

  public ProtobufCodec(Class<T> type, Parser<T> parser, String fullName, int maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
    }
    this.type = type;
    this.parser = parser;
    this.name = NAME_PREFIX + fullName;
    this.maxBytes = maxBytes;
  }

  @Override
  public void encodeToWire(Buffer buffer, T message) {
    byte[] bytes = message.toByteArray();
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  @Override
  public T decodeFromWire(int position, Buffer buffer) {
    int available = buffer.length() - position - Integer.BYTES;
    if (available < 0) {
      throw reject(RejectCode.MALFORMED, "truncated before the length prefix");
    }
    int length = buffer.getInt(position);
    if (length < 0 || length > available) {
      throw reject(
          RejectCode.MALFORMED,
          "truncated: declares " + length + " bytes, " + available + " available");
    }
    if (length > maxBytes) {
      throw reject(RejectCode.TOO_LARGE, length + " bytes exceeds the limit of " + maxBytes);
    }
    byte[] bytes = buffer.getBytes(position + Integer.BYTES, position + Integer.BYTES + length);
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw reject(RejectCode.MALFORMED, "not a valid encoding: " + e.getMessage());
    }
  }

  private RejectedMessageException reject(RejectCode code, String detail) {
    return new RejectedMessageException(code, type.getSimpleName() + " " + detail);
  }

  /** Protobuf messages are immutable, so local delivery shares the instance. */
  @Override
  public T transform(T message) {
    return message;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }

  public Class<T> type() {
    return type;
  }
}
