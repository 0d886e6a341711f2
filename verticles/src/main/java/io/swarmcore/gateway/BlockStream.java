package io.swarmcore.gateway;

import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.StreamBlocksRequest;
import io.swarmcore.pbft.PbftVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.List;

/**
 * One {@code StreamBlocks} call: the stored blocks from the asked height, in ranges, as fast as the
 * client takes them (the write queue's backpressure), then each new block as this node stores it.
 * Ends when the client cancels or the call fails.
 */
final class BlockStream {
  private static final int RANGE = 64;

  private final Vertx vertx;
  private final SwarmApi api;
  private final GrpcServerResponse<StreamBlocksRequest, FinalizedBlock> response;
  private long next;
  private boolean pumping;
  private boolean again;
  private boolean ended;
  private MessageConsumer<Object> announcements;

  BlockStream(
      Vertx vertx,
      SwarmApi api,
      long from,
      GrpcServerRequest<StreamBlocksRequest, FinalizedBlock> request) {
    this.vertx = vertx;
    this.api = api;
    this.next = from;
    this.response = request.response();
    // A client's cancel (or deadline) arrives as a gRPC error on the request.
    request.errorHandler(cancelled -> end());
    request.exceptionHandler(failed -> end());
    response.exceptionHandler(failed -> end());
  }

  void start() {
    // Registered first: a block stored while the backlog is read is not missed.
    announcements = vertx.eventBus().localConsumer(PbftVerticle.FINALIZED, stored -> pump());
    pump();
  }

  /** Sends the next stored blocks while the client keeps up; waits for more at the tip. */
  private void pump() {
    if (ended) {
      return;
    }
    if (pumping) {
      again = true; // a block was stored while this read ran
      return;
    }
    if (response.writeQueueFull()) {
      response.drainHandler(drained -> pump());
      return;
    }
    pumping = true;
    api.blocks(next, RANGE)
        .onComplete(
            read -> {
              pumping = false;
              if (ended) {
                return;
              }
              if (read.failed()) {
                end();
                GrpcGatewayVerticle.refuse(response, read.cause());
                return;
              }
              List<FinalizedBlock> blocks = read.result();
              for (FinalizedBlock block : blocks) {
                if (ended) {
                  return;
                }
                response.write(block).onFailure(failed -> end());
              }
              next += blocks.size();
              if (!blocks.isEmpty() || again) {
                again = false;
                pump(); // more may be stored already
              }
            });
  }

  private void end() {
    if (!ended) {
      ended = true;
      if (announcements != null) {
        announcements.unregister();
      }
    }
  }
}
