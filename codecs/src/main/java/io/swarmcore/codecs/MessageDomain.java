package io.swarmcore.codecs;

import io.swarmcore.codecs.proto.MessageType;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * Domain separation for signatures: the bytes signed are {@code prefix(type) || payload}, with a
 * distinct, fixed, NUL-terminated prefix per message type. A PREPARE signature therefore never
 * verifies as a COMMIT (or any other type), even over identical payload bytes.
 */
public final class MessageDomain {
  private static final Map<MessageType, byte[]> PREFIXES = new EnumMap<>(MessageType.class);

  static {
    for (MessageType type : MessageType.values()) {
      if (type != MessageType.MESSAGE_TYPE_UNSPECIFIED && type != MessageType.UNRECOGNIZED) {
        String name = type.name().substring("MESSAGE_TYPE_".length()).toLowerCase();
        PREFIXES.put(type, ("swarm/v1/" + name + "\0").getBytes(StandardCharsets.US_ASCII));
      }
    }
  }

  private MessageDomain() {}

  /** The exact bytes a signature over a message of {@code type} with {@code payload} covers. */
  public static byte[] signedBytes(MessageType type, byte[] payload) {
    byte[] prefix = prefix(type);
    byte[] signed = new byte[prefix.length + payload.length];
    System.arraycopy(prefix, 0, signed, 0, prefix.length);
    System.arraycopy(payload, 0, signed, prefix.length, payload.length);
    return signed;
  }

  public static byte[] prefix(MessageType type) {
    byte[] prefix = PREFIXES.get(type);
    if (prefix == null) {
      throw new RejectedMessageException(RejectCode.MALFORMED, "no such message type: " + type);
    }
    return prefix.clone();
  }
}
