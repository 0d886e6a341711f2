package io.swarmcore.gateway;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.codecs.proto.ComponentStats;
import io.swarmcore.codecs.proto.ConsistencyProof;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.GetBlockRequest;
import io.swarmcore.codecs.proto.InclusionProof;
import io.swarmcore.codecs.proto.NodeStatus;
import io.swarmcore.codecs.proto.Receipt;
import io.swarmcore.codecs.proto.SubmitBatchResponse;
import io.swarmcore.codecs.proto.SubmitOutcome;
import io.swarmcore.codecs.proto.Transaction;
import io.swarmcore.codecs.proto.ValidatorInfo;
import io.swarmcore.node.NodeConfig;
import io.swarmcore.resilience.ResilienceManager;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * The client operations on the event bus with JSON bodies (docs/EVENTBUS.md, public API), so any
 * clustered Vert.x application can use Swarm with nothing but Vert.x: {@code swarm.api.<verb>} (any
 * node answers) and {@code swarm.api.<nodeId>.<verb>} (this node). Same checks, limits and refusals
 * as the gRPC API; a refusal fails the request with the code of its kind (400, 404, 429, 503, 504,
 * 500) and a message that says what to do.
 */
public final class EventBusApiVerticle extends VerticleBase {
  private static final HexFormat HEX = HexFormat.of();
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Decoder B64_IN = Base64.getDecoder();

  /** The header a client may name itself with for rate limiting (else "eventbus" counts). */
  public static final String CLIENT_ID = "swarm-client-id";

  private final NodeConfig config;
  private final java.util.function.Supplier<SwarmApi> apiFactory;
  // Made on this verticle's context at start: its finality watch runs there.
  private SwarmApi api;
  private final ResilienceManager resilience;
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private ClientLimits limits;

  /**
   * @param api makes the operations this verticle serves, on its own context
   */
  public EventBusApiVerticle(
      NodeConfig config, java.util.function.Supplier<SwarmApi> api, ResilienceManager resilience) {
    this.config = config;
    this.apiFactory = api;
    this.resilience = resilience;
  }

  /** {@code swarm.api.<verb>}: answered by any node. */
  public static String address(String verb) {
    return "swarm.api." + verb;
  }

  /** {@code swarm.api.<nodeId>.<verb>}: answered by that node. */
  public static String address(String nodeId, String verb) {
    return "swarm.api." + nodeId + "." + verb;
  }

  @Override
  public Future<?> start() {
    NodeConfig.GatewaySettings settings = config.gateway();
    api = apiFactory.get();
    limits = new ClientLimits(vertx, settings, resilience);
    serve(
        "submit",
        body -> {
          long until = SwarmApi.deadlineAfter(waitFor(body));
          ByteString transaction = transaction(body);
          return limits
              .submission(() -> api.submitAsync(transaction))
              .compose(ack -> api.awaitFinal(ack.getTxHash(), SwarmApi.remaining(until)))
              .map(EventBusApiVerticle::receiptJson);
        });
    serve(
        "submit-async",
        body ->
            limits.submission(
                () ->
                    api.submitAsync(transaction(body))
                        .map(ack -> new JsonObject().put("hash", hex(ack.getTxHash())))));
    serve(
        "submit-batch",
        body -> {
          long until = SwarmApi.deadlineAfter(waitFor(body));
          List<ByteString> transactions = transactions(body);
          if (body.getValue("waitFinal") != null
              && !(body.getValue("waitFinal") instanceof Boolean)) {
            throw ApiException.invalid("\"waitFinal\" must be true or false");
          }
          boolean waitFinal = Boolean.TRUE.equals(body.getValue("waitFinal"));
          return limits
              .submission(() -> api.submitBatch(transactions))
              .compose(taken -> api.placed(taken, waitFinal, SwarmApi.remaining(until)))
              .map(EventBusApiVerticle::outcomesJson);
        });
    serve(
        "receipt", body -> api.receipt(hash(body, "txHash")).map(EventBusApiVerticle::receiptJson));
    serve("block", body -> api.block(blockRequest(body)).map(EventBusApiVerticle::blockJson));
    serve(
        "consistency",
        body ->
            api.consistency(number(body, "oldSize"), number(body, "newSize"))
                .map(EventBusApiVerticle::consistencyJson));
    serve("status", body -> api.status().map(EventBusApiVerticle::statusJson));
    serve(
        "resilience",
        body -> Future.succeededFuture(resilienceJson(api.resilienceStats().getComponentsList())));
    List<Future<?>> registered = new ArrayList<>();
    consumers.forEach(consumer -> registered.add(consumer.completion()));
    return Future.all(registered);
  }

  @Override
  public Future<?> stop() {
    api.close();
    return Future.succeededFuture();
  }

  private void serve(String verb, Function<JsonObject, Future<JsonObject>> call) {
    for (String address : List.of(address(verb), address(config.nodeId(), verb))) {
      consumers.add(vertx.eventBus().consumer(address, message -> answer(message, call)));
    }
  }

  private void answer(Message<Object> message, Function<JsonObject, Future<JsonObject>> call) {
    Future<JsonObject> reply;
    if (!(message.body() instanceof JsonObject body)) {
      reply = Future.failedFuture(ApiException.invalid("the body must be a JSON object"));
    } else {
      reply =
          admitted(message)
              .compose(
                  ok -> {
                    try {
                      return call.apply(body);
                    } catch (ApiException refused) {
                      return Future.failedFuture(refused);
                    }
                  });
    }
    reply.onComplete(
        done -> {
          if (done.succeeded()) {
            message.reply(done.result());
          } else {
            ApiException refusal = GrpcGatewayVerticle.refusalOf(done.cause());
            message.fail(
                refusal.kind().failureCode(),
                refusal.kind()
                    + ": "
                    + refusal.getMessage()
                    + (refusal.retryAfterMs() > 0
                        ? " (retry after " + refusal.retryAfterMs() + " ms)"
                        : ""));
          }
        });
  }

  private Future<Void> admitted(Message<Object> message) {
    String client = message.headers().get(CLIENT_ID);
    if (client != null && client.length() > 128) {
      return Future.failedFuture(ApiException.invalid(CLIENT_ID + " is over 128 characters"));
    }
    // Event-bus clients without an id share one bucket: name yourself with the header.
    return limits.admit(null, client == null || client.isEmpty() ? "eventbus" : "id:" + client);
  }

  private long waitFor(JsonObject body) {
    long configured = config.gateway().submitTimeoutMs();
    if (body.getValue("timeoutMs") == null) {
      return configured;
    }
    return Math.max(1, Math.min(configured, number(body, "timeoutMs")));
  }

  /** {@code {"transactions": [base64, ...]}}: serialized transactions. */
  private static List<ByteString> transactions(JsonObject body) {
    if (!(body.getValue("transactions") instanceof JsonArray array)) {
      throw ApiException.invalid(
          "a batch is {\"transactions\": [base64 of a serialized swarm.v1.Transaction, ...]}");
    }
    List<ByteString> transactions = new ArrayList<>(array.size());
    for (Object item : array) {
      if (!(item instanceof String text)) {
        throw ApiException.invalid("each of \"transactions\" must be a base64 string");
      }
      try {
        transactions.add(ByteString.copyFrom(B64_IN.decode(text)));
      } catch (IllegalArgumentException e) {
        throw ApiException.invalid("a transaction is not base64: " + e.getMessage());
      }
    }
    return transactions;
  }

  /** {@code {"outcomes": [{"status", "hash", "height", "position", "error"}, ...]}}. */
  private static JsonObject outcomesJson(SubmitBatchResponse response) {
    JsonArray outcomes = new JsonArray();
    for (SubmitOutcome outcome : response.getOutcomesList()) {
      JsonObject json = new JsonObject().put("status", outcome.getStatus().name());
      if (!outcome.getTxHash().isEmpty()) {
        json.put("hash", hex(outcome.getTxHash()));
      }
      if (outcome.getStatus() == SubmitOutcome.Status.FINAL) {
        json.put("height", outcome.getHeight()).put("position", outcome.getPosition());
      }
      if (!outcome.getError().isEmpty()) {
        json.put("error", outcome.getError());
      }
      outcomes.add(json);
    }
    return new JsonObject().put("outcomes", outcomes);
  }

  /** {@code {"transaction": base64}} or {@code {"clientId", "nonce", "payload": base64}}. */
  private static ByteString transaction(JsonObject body) {
    if (body.getValue("transaction") != null) {
      return ByteString.copyFrom(base64(body, "transaction"));
    }
    if (!(body.getValue("clientId") instanceof String clientId)
        || body.getValue("payload") == null) {
      throw ApiException.invalid(
          "a transaction is {\"transaction\": base64} or {\"clientId\", \"nonce\", \"payload\":"
              + " base64}");
    }
    return Transaction.newBuilder()
        .setClientId(clientId)
        .setNonce(body.getValue("nonce") == null ? 0 : number(body, "nonce"))
        .setPayload(ByteString.copyFrom(base64(body, "payload")))
        .build()
        .toByteString();
  }

  private static byte[] base64(JsonObject body, String field) {
    if (!(body.getValue(field) instanceof String text)) {
      throw ApiException.invalid("\"" + field + "\" must be a base64 string");
    }
    try {
      return B64_IN.decode(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("\"" + field + "\" is not base64: " + e.getMessage());
    }
  }

  private static ByteString hash(JsonObject body, String field) {
    if (!(body.getValue(field) instanceof String hex)) {
      throw ApiException.invalid("\"" + field + "\" must be a hex string");
    }
    try {
      return ByteString.copyFrom(HEX.parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("\"" + field + "\" is not hex: " + e.getMessage());
    }
  }

  private static long number(JsonObject body, String field) {
    if (!(body.getValue(field) instanceof Number value)) {
      throw ApiException.invalid("\"" + field + "\" must be a number");
    }
    return value.longValue();
  }

  private static GetBlockRequest blockRequest(JsonObject body) {
    if (body.getValue("height") != null) {
      return GetBlockRequest.newBuilder().setHeight(number(body, "height")).build();
    }
    if (body.getValue("hash") != null) {
      return GetBlockRequest.newBuilder().setBlockHash(hash(body, "hash")).build();
    }
    return GetBlockRequest.getDefaultInstance();
  }

  private static String hex(ByteString bytes) {
    return HEX.formatHex(bytes.toByteArray());
  }

  private static JsonObject proofJson(InclusionProof proof) {
    JsonArray path = new JsonArray();
    proof.getAuditPathList().forEach(step -> path.add(hex(step)));
    return new JsonObject()
        .put("leafIndex", proof.getLeafIndex())
        .put("treeSize", proof.getTreeSize())
        .put("path", path);
  }

  /** The receipt, readable, and whole as base64 protobuf for {@code ReceiptVerifier}. */
  static JsonObject receiptJson(Receipt receipt) {
    JsonObject json =
        new JsonObject()
            .put("txHash", hex(receipt.getTxHash()))
            .put("height", receipt.getHeight())
            .put("position", receipt.getPosition())
            .put(
                "blockHash",
                HEX.formatHex(
                    io.swarmcore.crypto.Sha256.hash(receipt.getBlockHeader().toByteArray())))
            .put("txInclusion", proofJson(receipt.getTxInclusion()))
            .put("anchored", receipt.hasAnchor())
            .put("receipt", B64.encodeToString(receipt.toByteArray()));
    if (receipt.hasAnchor()) {
      json.put("blockInclusion", proofJson(receipt.getBlockInclusion()))
          .put("ledgerTreeSize", receipt.getLedgerTreeSize())
          .put("ledgerRoot", hex(receipt.getLedgerRoot()));
    }
    return json;
  }

  static JsonObject blockJson(FinalizedBlock block) {
    JsonObject json = new JsonObject();
    try {
      BlockHeader header = BlockHeader.parseFrom(block.getBlock().getHeader());
      json.put("height", header.getHeight())
          .put("view", header.getView())
          .put("proposer", header.getProposer())
          .put("parentHash", hex(header.getParentHash()))
          .put("ledgerRoot", hex(header.getLedgerRoot()))
          .put("txRoot", hex(header.getTxRoot()))
          .put("txCount", header.getTxCount())
          .put("timestampMs", header.getTimestampMs());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("a stored block's header does not parse", e);
    }
    return json.put("hash", HEX.formatHex(LedgerHashes.block(block.getBlock())))
        .put("block", B64.encodeToString(block.toByteArray()));
  }

  private static JsonObject consistencyJson(ConsistencyProof proof) {
    JsonArray path = new JsonArray();
    proof.getPathList().forEach(step -> path.add(hex(step)));
    return new JsonObject()
        .put("oldSize", proof.getOldSize())
        .put("newSize", proof.getNewSize())
        .put("path", path)
        .put("oldRoot", hex(proof.getOldRoot()))
        .put("newRoot", hex(proof.getNewRoot()));
  }

  /** A node's status as JSON (the {@code status} verb's reply; {@code swarm client status}). */
  public static JsonObject statusJson(NodeStatus status) {
    JsonArray validators = new JsonArray();
    for (ValidatorInfo v : status.getValidatorsList()) {
      validators.add(
          new JsonObject()
              .put("id", v.getId())
              .put("publicKey", hex(v.getPublicKey()))
              .put("stake", v.getStake())
              .put("up", v.getUp()));
    }
    return new JsonObject()
        .put("nodeId", status.getNodeId())
        .put("height", status.getHeight())
        .put("view", status.getView())
        .put("epoch", status.getEpoch())
        .put("leader", status.getLeader())
        .put("validators", validators)
        .put("fastPathShare", status.getFastPathShare())
        .put("peersUp", status.getPeersUp());
  }

  private static JsonObject resilienceJson(List<ComponentStats> components) {
    JsonArray list = new JsonArray();
    for (ComponentStats c : components) {
      list.add(
          new JsonObject()
              .put("name", c.getName())
              .put("state", c.getState())
              .put("calls", c.getCalls())
              .put("rejected", c.getRejected())
              .put("failures", c.getFailures()));
    }
    return new JsonObject().put("components", list);
  }
}
