package io.swarmcore.client;

import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.StreamBlocksRequest;
import io.swarmcore.codecs.proto.SwarmClientGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.util.concurrent.TimeUnit;

/**
 * A client of one node's gRPC API on the Vert.x gRPC client, with the methods generated from the
 * codecs module's proto, that keeps what a refusal says: its status, its message and when to retry
 * (the generated client drops the message).
 */
public final class SwarmGrpcClient implements AutoCloseable {
  /** A call the node refused, with its status and message. */
  public static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final GrpcStatus status;
    private final long retryAfterMs;

    Refused(GrpcStatus status, String message, long retryAfterMs) {
      super(status.name() + ": " + message, null, false, false);
      this.status = status;
      this.retryAfterMs = retryAfterMs;
    }

    public GrpcStatus status() {
      return status;
    }

    public long retryAfterMs() {
      return retryAfterMs;
    }
  }

  private final GrpcClient client;
  private final SocketAddress target;

  public SwarmGrpcClient(Vertx vertx, String host, int port) {
    this.client = GrpcClient.client(vertx);
    this.target = SocketAddress.inetSocketAddress(port, host);
  }

  /** One unary call, with a deadline the node sees. */
  public <Q, R> Future<R> call(ServiceMethod<R, Q> method, Q request, long timeoutMs) {
    return client
        .request(target, method)
        .compose(
            call -> {
              call.timeout(timeoutMs, TimeUnit.MILLISECONDS);
              call.end(request);
              return call.response();
            })
        .compose(
            response -> {
              Promise<R> answer = Promise.promise();
              R[] last = newHolder();
              response.handler(message -> last[0] = message);
              response.exceptionHandler(answer::tryFail);
              response.endHandler(
                  ended -> {
                    if (response.status() == GrpcStatus.OK && last[0] != null) {
                      answer.tryComplete(last[0]);
                    } else {
                      answer.tryFail(refused(response));
                    }
                  });
              return answer.future();
            });
  }

  /**
   * Streams blocks from {@code fromHeight} to {@code each} until {@code each} asks to stop (returns
   * false) or the node ends the stream.
   */
  public Future<Void> stream(long fromHeight, java.util.function.Predicate<FinalizedBlock> each) {
    return client
        .request(target, SwarmClientGrpcClient.StreamBlocks)
        .compose(
            call -> {
              call.end(StreamBlocksRequest.newBuilder().setFromHeight(fromHeight).build());
              return call.response().compose(response -> follow(call, response, each));
            });
  }

  private static Future<Void> follow(
      io.vertx.grpc.client.GrpcClientRequest<StreamBlocksRequest, FinalizedBlock> call,
      GrpcClientResponse<StreamBlocksRequest, FinalizedBlock> response,
      java.util.function.Predicate<FinalizedBlock> each) {
    Promise<Void> done = Promise.promise();
    Handler<FinalizedBlock> handler =
        block -> {
          if (done.future().isComplete()) {
            return;
          }
          boolean more;
          try {
            more = each.test(block);
          } catch (RuntimeException e) {
            done.tryFail(e);
            call.cancel();
            return;
          }
          if (!more) {
            done.tryComplete();
            call.cancel(); // the node stops sending and frees the stream
          }
        };
    response.handler(handler);
    response.exceptionHandler(done::tryFail);
    response.errorHandler(
        error ->
            done.tryFail(new Refused(GrpcStatus.CANCELLED, "the stream was reset: " + error, 0)));
    response.endHandler(
        ended -> {
          if (response.status() == GrpcStatus.OK) {
            done.tryComplete();
          } else {
            done.tryFail(refused(response));
          }
        });
    return done.future();
  }

  private static Refused refused(GrpcClientResponse<?, ?> response) {
    String retry = response.trailers() == null ? null : response.trailers().get("retry-after-ms");
    long retryAfter = 0;
    try {
      retryAfter = retry == null ? 0 : Long.parseLong(retry);
    } catch (NumberFormatException ignored) {
      // A trailer that is not a number says nothing.
    }
    String message = response.statusMessage();
    return new Refused(response.status(), message == null ? "(no message)" : message, retryAfter);
  }

  @SuppressWarnings("unchecked")
  private static <R> R[] newHolder() {
    return (R[]) new Object[1];
  }

  @Override
  public void close() {
    client.close();
  }
}
