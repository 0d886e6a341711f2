package io.swarmcore.codecs;

/** A message that failed validation; its text says what was wrong, for the sender to act on. */
public final class RejectedMessageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final RejectCode code;

  public RejectedMessageException(RejectCode code, String message) {
    super(code + ": " + message);
    this.code = code;
  }

  public RejectCode code() {
    return code;
  }
}
