package io.swarmcore.gateway;

import io.vertx.grpc.common.GrpcStatus;

/**
 * A client request refused, with what the client can do about it: the gRPC status it maps to, the
 * event-bus failure code of the same meaning, and, for a refusal that passes, when to try again.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a request failed, as gRPC and the event-bus API name it. */
  public enum Kind {
    INVALID_ARGUMENT(GrpcStatus.INVALID_ARGUMENT, 400),
    NOT_FOUND(GrpcStatus.NOT_FOUND, 404),
    RESOURCE_EXHAUSTED(GrpcStatus.RESOURCE_EXHAUSTED, 429),
    UNAVAILABLE(GrpcStatus.UNAVAILABLE, 503),
    DEADLINE_EXCEEDED(GrpcStatus.DEADLINE_EXCEEDED, 504),
    INTERNAL(GrpcStatus.INTERNAL, 500);

    private final GrpcStatus status;
    private final int failureCode;

    Kind(GrpcStatus status, int failureCode) {
      this.status = status;
      this.failureCode = failureCode;
    }

    public GrpcStatus status() {
      return status;
    }

    public int failureCode() {
      return failureCode;
    }
  }

  private final Kind kind;
  private final long retryAfterMs;

  public ApiException(Kind kind, String message) {
    this(kind, message, 0);
  }

  /**
   * @param retryAfterMs when the client may try again (0: not said)
   */
  public ApiException(Kind kind, String message, long retryAfterMs) {
    super(message, null, false, false);
    this.kind = kind;
    this.retryAfterMs = retryAfterMs;
  }

  public Kind kind() {
    return kind;
  }

  public long retryAfterMs() {
    return retryAfterMs;
  }

  public static ApiException invalid(String message) {
    return new ApiException(Kind.INVALID_ARGUMENT, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(Kind.NOT_FOUND, message);
  }
}
