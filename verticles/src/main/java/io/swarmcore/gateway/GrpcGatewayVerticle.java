package io.swarmcore.gateway;

import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.SwarmClientGrpcService;
import io.swarmcore.node.NodeConfig;
import io.swarmcore.resilience.ResilienceManager;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.reflection.ReflectionService;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import io.vertx.grpc.server.Service;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client gRPC API (docs/CLIENT-API.md): the {@code swarm.v1.SwarmClient} service over {@link
 * SwarmApi}, plus gRPC reflection (v1). Every call is rate-limited per client across the cluster;
 * submissions also pass a bulkhead. Refusals carry the status that says what happened and a message
 * that says what to do; a rate-limited one also a {@code retry-after-ms} trailer.
 */
public final class GrpcGatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcGatewayVerticle.class);

  /** The metadata key a client names itself with for rate limiting (else its address counts). */
  public static final String CLIENT_ID = "swarm-client-id";

  /** The trailer a RESOURCE_EXHAUSTED or UNAVAILABLE answer says when to try again in. */
  public static final String RETRY_AFTER = "retry-after-ms";

  private final NodeConfig config;
  private final java.util.function.Supplier<SwarmApi> apiFactory;
  // Made on this verticle's context at start: its finality watch runs there.
  private SwarmApi api;
  private final ResilienceManager resilience;
  private java.util.Optional<io.opentelemetry.api.trace.Tracer> tracer = java.util.Optional.empty();
  private ClientLimits limits;
  private HttpServer server;

  /**
   * @param api makes the operations this verticle serves, on its own context
   */
  public GrpcGatewayVerticle(
      NodeConfig config, java.util.function.Supplier<SwarmApi> api, ResilienceManager resilience) {
    this.config = config;
    this.apiFactory = api;
    this.resilience = resilience;
  }

  /** The port it listens on (the configured one, or the one picked for port 0). */
  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    NodeConfig.GatewaySettings settings = config.gateway();
    api = apiFactory.get();
    tracer = io.swarmcore.node.NodeTracing.tracer(config.nodeId());
    limits = new ClientLimits(vertx, settings, resilience);
    GrpcServer grpc =
        GrpcServer.server(
            vertx, new GrpcServerOptions().setMaxMessageSize(settings.maxMessageBytes()));
    grpc.addService(new ClientService());
    grpc.addService(ReflectionService.v1());
    return vertx
        .createHttpServer(
            new HttpServerOptions().setHost(config.grpc().host()).setPort(config.grpc().port()))
        .requestHandler(grpc)
        .listen()
        .onSuccess(
            listening -> {
              server = listening;
              LOG.info(
                  "node {} serves the client gRPC API on {}:{}",
                  config.nodeId(),
                  config.grpc().host(),
                  listening.actualPort());
            });
  }

  @Override
  public Future<?> stop() {
    api.close();
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** The SwarmClient methods, bound to their handlers (and known to reflection). */
  private final class ClientService implements Service {
    @Override
    public ServiceName name() {
      return SwarmClientGrpcService.SERVICE_NAME;
    }

    @Override
    public com.google.protobuf.Descriptors.ServiceDescriptor descriptor() {
      return SwarmClientGrpcService.SERVICE_DESCRIPTOR;
    }

    @Override
    public void bind(GrpcServer grpc) {
      // The bulkhead holds a submission while the mempool takes it, not while it becomes final
      // (the finality watch has its own bound).
      grpc.callHandler(
          SwarmClientGrpcService.Submit,
          request -> {
            SubmitTrace trace = SubmitTrace.start(tracer, config.nodeId());
            unary(
                request,
                submit -> {
                  long until = SwarmApi.deadlineAfter(waitFor(request));
                  return limits
                      .submission(() -> api.submitAsync(submit.getTransaction()))
                      .onSuccess(ack -> trace.admitted(ack.getTxHash()))
                      .compose(ack -> api.awaitFinal(ack.getTxHash(), SwarmApi.remaining(until)))
                      .andThen(done -> trace.ended(done.result(), done.cause(), api::blockTimes));
                });
          });
      grpc.callHandler(
          SwarmClientGrpcService.SubmitAsync,
          request ->
              unary(
                  request,
                  submit -> limits.submission(() -> api.submitAsync(submit.getTransaction()))));
      grpc.callHandler(
          SwarmClientGrpcService.SubmitBatch,
          request ->
              unary(
                  request,
                  batch -> {
                    long until = SwarmApi.deadlineAfter(waitFor(request));
                    return limits
                        .submission(() -> api.submitBatch(batch.getTransactionsList()))
                        .compose(
                            taken ->
                                api.placed(taken, batch.getWaitFinal(), SwarmApi.remaining(until)));
                  }));
      grpc.callHandler(
          SwarmClientGrpcService.GetReceipt,
          request -> unary(request, asked -> api.receipt(asked.getTxHash())));
      grpc.callHandler(SwarmClientGrpcService.GetBlock, request -> unary(request, api::block));
      grpc.callHandler(
          SwarmClientGrpcService.GetConsistencyProof,
          request ->
              unary(request, asked -> api.consistency(asked.getOldSize(), asked.getNewSize())));
      grpc.callHandler(
          SwarmClientGrpcService.GetStatus, request -> unary(request, asked -> api.status()));
      grpc.callHandler(
          SwarmClientGrpcService.GetResilienceStats,
          request -> unary(request, asked -> Future.succeededFuture(api.resilienceStats())));
      grpc.callHandler(SwarmClientGrpcService.StreamBlocks, this::streamBlocks);
    }

    private void streamBlocks(
        GrpcServerRequest<io.swarmcore.codecs.proto.StreamBlocksRequest, FinalizedBlock> request) {
      Answer answer = new Answer(request.response());
      request.invalidMessageHandler(answer::refuse);
      request
          .last()
          .compose(asked -> admitted(request).map(asked))
          .onSuccess(
              asked -> {
                if (answer.take()) {
                  new BlockStream(vertx, api, asked.getFromHeight(), request).start();
                }
              })
          .onFailure(answer::refuse);
    }
  }

  /** How long {@code Submit} waits: the client's deadline (less a margin to answer), or ours. */
  private long waitFor(GrpcServerRequest<?, ?> request) {
    long configured = config.gateway().submitTimeoutMs();
    long clientTimeout = request.timeout();
    return clientTimeout > 0 ? Math.max(1, Math.min(configured, clientTimeout - 50)) : configured;
  }

  private <Req, Resp> void unary(
      GrpcServerRequest<Req, Resp> request, Function<Req, Future<Resp>> call) {
    Answer answer = new Answer(request.response());
    // A request over the size limit is reported here, and then again by last(): answered once.
    request.invalidMessageHandler(answer::refuse);
    // A client that cancels (or whose deadline passed) gets no answer: the stream is gone.
    request.errorHandler(cancelled -> answer.take());
    request
        .last()
        .compose(message -> admitted(request).compose(ok -> call.apply(message)))
        .onSuccess(
            reply -> {
              if (answer.take()) {
                request.response().send(reply);
              }
            })
        .onFailure(answer::refuse);
  }

  /** One call's answer, given once whatever reports a failure first. */
  static final class Answer {
    private final GrpcServerResponse<?, ?> response;
    private boolean given;

    Answer(GrpcServerResponse<?, ?> response) {
      this.response = response;
    }

    /** True the first time: the caller answers. */
    boolean take() {
      if (given) {
        return false;
      }
      given = true;
      return true;
    }

    void refuse(Throwable failure) {
      if (take()) {
        GrpcGatewayVerticle.refuse(response, failure);
      }
    }
  }

  /** The client's token from the cluster-wide bucket, or RESOURCE_EXHAUSTED with when to retry. */
  private Future<Void> admitted(GrpcServerRequest<?, ?> request) {
    String address = request.connection().remoteAddress().hostAddress();
    String client = request.headers().get(CLIENT_ID);
    if (client == null || client.isEmpty()) {
      return limits.admit(address, "address:" + address);
    }
    if (client.length() > 128) {
      return Future.failedFuture(ApiException.invalid(CLIENT_ID + " is over 128 characters"));
    }
    return limits.admit(address, "id:" + client);
  }

  /** Ends the call with the status the failure names, and a message the client can act on. */
  static void refuse(GrpcServerResponse<?, ?> response, Throwable failure) {
    ApiException refusal = refusalOf(failure);
    if (refusal.retryAfterMs() > 0) {
      response.trailers().set(RETRY_AFTER, Long.toString(refusal.retryAfterMs()));
    }
    response.status(refusal.kind().status()).statusMessage(refusal.getMessage());
    response.end();
  }

  /** What a failure means to the client. */
  static ApiException refusalOf(Throwable failure) {
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof io.swarmcore.resilience.ResilienceException) {
      return new ApiException(
          ApiException.Kind.RESOURCE_EXHAUSTED,
          "too many submissions in flight at this node: " + failure.getMessage(),
          100);
    }
    if (failure instanceof io.vertx.grpc.common.MessageSizeOverflowException) {
      return new ApiException(
          ApiException.Kind.RESOURCE_EXHAUSTED,
          "the request is larger than this node takes (gateway.maxMessageBytes)");
    }
    if (failure instanceof io.vertx.grpc.common.CodecException
        || failure instanceof io.vertx.grpc.common.InvalidMessageException) {
      return ApiException.invalid(
          "the request does not decode as the method's message: " + failure.getMessage());
    }
    return internal(failure);
  }

  private static ApiException internal(Throwable failure) {
    LOG.warn("a client call failed inside the node", failure);
    return new ApiException(
        ApiException.Kind.INTERNAL, "the node failed to answer (logged there): " + failure);
  }
}
