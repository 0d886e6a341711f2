package io.swarmcore.codecs;

/**
 * Why a message from the network or a client was refused. The code travels as the {@code
 * failureCode} of a Vert.x {@code ReplyException}; the list is documented in docs/EVENTBUS.md.
 */
public enum RejectCode {
  /** Not decodable: truncated, garbage, the wrong message type, or a field out of range. */
  MALFORMED(400),
  /** The signature does not verify for the claimed signer over the claimed type and payload. */
  BAD_SIGNATURE(401),
  /** The signer is unknown, or known with a different key. */
  UNKNOWN_SIGNER(403),
  /** Larger than the configured maximum. */
  TOO_LARGE(413);

  private final int code;

  RejectCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The code's constant for a {@code ReplyException.failureCode()}, if it is one of ours. */
  public static RejectCode fromCode(int code) {
    for (RejectCode value : values()) {
      if (value.code == code) {
        return value;
      }
    }
    throw new IllegalArgumentException("no Swarm reject code " + code);
  }
}
