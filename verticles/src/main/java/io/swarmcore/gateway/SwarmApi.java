package io.swarmcore.gateway;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.swarmcore.codecs.proto.BlockRange;
import io.swarmcore.codecs.proto.ComponentStats;
import io.swarmcore.codecs.proto.ConsistencyProof;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.GetBlockRequest;
import io.swarmcore.codecs.proto.NodeStatus;
import io.swarmcore.codecs.proto.Receipt;
import io.swarmcore.codecs.proto.ResilienceStats;
import io.swarmcore.codecs.proto.SubmitAck;
import io.swarmcore.codecs.proto.SubmitBatchResponse;
import io.swarmcore.codecs.proto.SubmitOutcome;
import io.swarmcore.codecs.proto.Transaction;
import io.swarmcore.codecs.proto.TransactionBatch;
import io.swarmcore.codecs.proto.ValidatorInfo;
import io.swarmcore.ledger.StorageVerticle;
import io.swarmcore.mempool.MempoolVerticle;
import io.swarmcore.pbft.PbftVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * The client operations, whatever the transport (gRPC, the public event-bus API): each checks its
 * input, asks this node's own verticles, and fails with an {@link ApiException} that says what went
 * wrong and what to do. Nothing a client sends reaches consensus unchecked: a transaction goes
 * through the mempool's checks like any other.
 */
public final class SwarmApi {
  private static final HexFormat HEX = HexFormat.of();
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setSendTimeout(10_000);

  /** What the node knows of itself beyond its verticles' status: for {@code GetStatus}. */
  public record NodeFacts(
      long epoch, List<ValidatorInfo> validators, int peersUp, boolean quorumReachable) {}

  private final Vertx vertx;
  private final String nodeId;
  private final Supplier<NodeFacts> facts;
  private final Supplier<JsonObject> resilienceStats;
  private final Finality finality;
  private final int maxBatch;

  public SwarmApi(
      Vertx vertx, String nodeId, Supplier<NodeFacts> facts, Supplier<JsonObject> resilience) {
    this(vertx, nodeId, facts, resilience, 10_000, 1_000);
  }

  /**
   * @param maxWaiting submissions (a batch counts once) that may wait for finality at once
   * @param maxBatch the most transactions one batch submission may carry
   */
  public SwarmApi(
      Vertx vertx,
      String nodeId,
      Supplier<NodeFacts> facts,
      Supplier<JsonObject> resilience,
      int maxWaiting,
      int maxBatch) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.facts = facts;
    this.resilienceStats = resilience;
    this.finality = new Finality(vertx, nodeId, maxWaiting);
    this.maxBatch = maxBatch;
  }

  /** Takes a serialized {@code Transaction} into the mempool; answers with its hash at once. */
  public Future<SubmitAck> submitAsync(ByteString transaction) {
    Transaction parsed;
    try {
      parsed = Transaction.parseFrom(transaction);
    } catch (InvalidProtocolBufferException e) {
      return Future.failedFuture(
          ApiException.invalid("the transaction is not a serialized swarm.v1.Transaction"));
    }
    if (!facts.get().quorumReachable()) {
      return Future.failedFuture(noQuorum());
    }
    return vertx
        .eventBus()
        .<JsonObject>request(MempoolVerticle.address(nodeId, "submit"), parsed, LOCAL)
        .map(
            reply ->
                SubmitAck.newBuilder()
                    .setTxHash(ByteString.copyFrom(HEX.parseHex(reply.body().getString("hash"))))
                    .build())
        .recover(failure -> Future.failedFuture(mempoolFailure(failure)));
  }

  /**
   * When a submission's wait of {@code waitMs} ends ({@code System.nanoTime}), counted from the
   * call's start: both transports take it there and pass {@link #remaining} on.
   */
  static long deadlineAfter(long waitMs) {
    return System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(waitMs);
  }

  /** What is left of a wait (at least 1 ms): taking the transactions spent part of it. */
  static long remaining(long until) {
    return Math.max(
        1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()));
  }

  private ApiException noQuorum() {
    return new ApiException(
        ApiException.Kind.UNAVAILABLE,
        "no quorum of validators is reachable from node "
            + nodeId
            + ": nothing was taken; try another node or later",
        1_000);
  }

  /**
   * Takes serialized {@code Transaction}s into the mempool in one step; answers with one outcome
   * per transaction, in order, once each is replicated (or refused). {@link #placed} then says
   * where the final ones are.
   */
  public Future<SubmitBatchResponse> submitBatch(List<ByteString> transactions) {
    if (transactions.isEmpty()) {
      return Future.failedFuture(ApiException.invalid("a batch holds at least one transaction"));
    }
    if (transactions.size() > maxBatch) {
      return Future.failedFuture(
          ApiException.invalid(
              "a batch holds at most "
                  + maxBatch
                  + " transactions at this node (gateway.maxBatchTransactions), got "
                  + transactions.size()
                  + ": split it"));
    }
    if (!facts.get().quorumReachable()) {
      return Future.failedFuture(noQuorum());
    }
    TransactionBatch batch = TransactionBatch.newBuilder().addAllTransactions(transactions).build();
    return vertx
        .eventBus()
        .<SubmitBatchResponse>request(MempoolVerticle.address(nodeId, "submit-batch"), batch, LOCAL)
        .map(reply -> reply.body())
        .recover(failure -> Future.failedFuture(mempoolFailure(failure)));
  }

  /**
   * A batch's outcomes with where its final transactions are: with {@code waitFinal} every accepted
   * one, once each is final or {@code timeoutMs} passed (those not final by then stay {@code
   * PENDING}, with an error that says so); without it, those final already, looked up for at most a
   * second (one this node's ledger has not caught up with stays {@code FINAL}, without a height). A
   * node with too many waiting answers with the outcomes as the mempool gave them, saying so.
   */
  public Future<SubmitBatchResponse> placed(
      SubmitBatchResponse replicated, boolean waitFinal, long timeoutMs) {
    List<ByteString> watched = new java.util.ArrayList<>();
    for (SubmitOutcome outcome : replicated.getOutcomesList()) {
      if (outcome.getStatus() == SubmitOutcome.Status.FINAL
          || (waitFinal && outcome.getStatus() == SubmitOutcome.Status.PENDING)) {
        watched.add(outcome.getTxHash());
      }
    }
    if (watched.isEmpty()) {
      return Future.succeededFuture(replicated);
    }
    return finality
        .awaitPlaced(watched, waitFinal ? timeoutMs : Math.min(timeoutMs, 1_000))
        .map(
            placements -> {
              SubmitBatchResponse.Builder answer = replicated.toBuilder();
              for (SubmitOutcome.Builder outcome : answer.getOutcomesBuilderList()) {
                Finality.Placement at = placements.get(outcome.getTxHash());
                if (at != null) {
                  outcome
                      .setStatus(SubmitOutcome.Status.FINAL)
                      .setHeight(at.height())
                      .setPosition(at.position());
                } else if (waitFinal && outcome.getStatus() == SubmitOutcome.Status.PENDING) {
                  outcome.setError(
                      "not final here after "
                          + timeoutMs
                          + " ms; it stays submitted: ask GetReceipt for it later");
                }
              }
              return answer.build();
            })
        // The transactions are taken: their outcomes are not lost, and a wait refused says so.
        .recover(
            refused -> {
              SubmitBatchResponse.Builder answer = replicated.toBuilder();
              for (SubmitOutcome.Builder outcome : answer.getOutcomesBuilderList()) {
                if (waitFinal && outcome.getStatus() == SubmitOutcome.Status.PENDING) {
                  outcome.setError("finality not waited for: " + refused.getMessage());
                }
              }
              return Future.succeededFuture(answer.build());
            });
  }

  /**
   * The receipt of a submitted transaction once it is final here; DEADLINE_EXCEEDED after {@code
   * timeoutMs}; RESOURCE_EXHAUSTED when too many submissions wait already.
   */
  public Future<Receipt> awaitFinal(ByteString txHash, long timeoutMs) {
    return finality.await(txHash, timeoutMs);
  }

  /** When the block at {@code height} became final and was stored here, if lately. */
  java.util.Optional<Finality.BlockTimes> blockTimes(long height) {
    return finality.timesOf(height);
  }

  public Future<Receipt> receipt(ByteString txHash) {
    if (txHash.size() != 32) {
      return Future.failedFuture(
          ApiException.invalid("a transaction hash is 32 bytes, got " + txHash.size()));
    }
    String hex = HEX.formatHex(txHash.toByteArray());
    return this.<Receipt>storage("receipt", new JsonObject().put("txHash", hex))
        .recover(
            failure ->
                Future.failedFuture(
                    isNotFound(failure)
                        ? ApiException.notFound(
                            "transaction " + hex + " is not final here (unknown, or still pending)")
                        : storageFailure(failure)));
  }

  public Future<FinalizedBlock> block(GetBlockRequest request) {
    JsonObject query =
        switch (request.getSelectorCase()) {
          case HEIGHT -> new JsonObject().put("height", request.getHeight());
          case BLOCK_HASH -> {
            if (request.getBlockHash().size() != 32) {
              yield null;
            }
            yield new JsonObject().put("hash", HEX.formatHex(request.getBlockHash().toByteArray()));
          }
          case SELECTOR_NOT_SET -> null;
        };
    if (query == null) {
      return Future.failedFuture(
          ApiException.invalid("name a block by its height or by its 32-byte hash"));
    }
    return this.<FinalizedBlock>storage("block", query)
        .recover(
            failure ->
                Future.failedFuture(
                    isNotFound(failure)
                        ? ApiException.notFound("no block " + query.encode() + " here")
                        : storageFailure(failure)));
  }

  public Future<ConsistencyProof> consistency(long oldSize, long newSize) {
    if (oldSize < 1 || newSize < oldSize) {
      return Future.failedFuture(
          ApiException.invalid(
              "a consistency proof needs 1 ≤ old_size ≤ new_size, got "
                  + oldSize
                  + " and "
                  + newSize));
    }
    return this.<JsonObject>storage(
            "consistency", new JsonObject().put("oldSize", oldSize).put("newSize", newSize))
        .map(
            proof -> {
              ConsistencyProof.Builder built =
                  ConsistencyProof.newBuilder()
                      .setOldSize(oldSize)
                      .setNewSize(newSize)
                      .setOldRoot(bytes(proof.getString("oldRoot")))
                      .setNewRoot(bytes(proof.getString("newRoot")));
              proof.getJsonArray("path").forEach(hex -> built.addPath(bytes((String) hex)));
              return built.build();
            })
        .recover(failure -> Future.failedFuture(storageFailure(failure)));
  }

  public Future<NodeStatus> status() {
    Future<JsonObject> ledger = storage("status", new JsonObject());
    Future<JsonObject> consensus =
        vertx
            .eventBus()
            .<JsonObject>request(PbftVerticle.address(nodeId, "status"), new JsonObject(), LOCAL)
            .map(reply -> reply.body())
            .otherwise(new JsonObject()); // a node without a genesis runs no consensus
    return Future.all(ledger, consensus)
        .map(
            both -> {
              NodeFacts known = facts.get();
              JsonObject pbft = consensus.result();
              long finalized = pbft.getLong("finalized", 0L);
              return NodeStatus.newBuilder()
                  .setNodeId(nodeId)
                  .setHeight(ledger.result().getLong("size"))
                  .setView(pbft.getLong("view", 0L))
                  .setEpoch(known.epoch())
                  .setLeader(pbft.getString("leader", ""))
                  .addAllValidators(known.validators())
                  .setFastPathShare(
                      finalized == 0 ? 0 : (double) pbft.getLong("fastPath", 0L) / finalized)
                  .setPeersUp(known.peersUp())
                  .build();
            })
        .recover(failure -> Future.failedFuture(storageFailure(failure)));
  }

  /** Every resilience component of this node: breakers, limiters, bulkheads, retries. */
  public ResilienceStats resilienceStats() {
    JsonObject stats = resilienceStats.get();
    ResilienceStats.Builder built = ResilienceStats.newBuilder();
    for (String section :
        List.of("circuitBreakers", "rateLimiters", "clusterRateLimiters", "bulkheads", "retries")) {
      JsonObject components = stats.getJsonObject(section, new JsonObject());
      for (String name : components.fieldNames()) {
        JsonObject component = components.getJsonObject(name);
        built.addComponents(
            ComponentStats.newBuilder()
                .setName(component.getString("type", section) + "/" + name)
                .setState(component.getString("state", ""))
                .setCalls(
                    component.getLong(
                        "calls", component.getLong("admitted", component.getLong("retries", 0L))))
                .setRejected(component.getLong("rejected", component.getLong("exhausted", 0L)))
                .setFailures(component.getLong("failures", 0L)));
      }
    }
    return built.build();
  }

  /**
   * The stored blocks {@code from}, {@code from + count}, as far as the ledger goes (empty at the
   * tip).
   */
  Future<List<FinalizedBlock>> blocks(long from, int count) {
    return this.<BlockRange>storage(
            "blocks", new JsonObject().put("from", from).put("count", count))
        .map(BlockRange::getBlocksList);
  }

  void close() {
    finality.close();
  }

  private <T> Future<T> storage(String verb, JsonObject request) {
    return vertx
        .eventBus()
        .<T>request(StorageVerticle.address(nodeId, verb), request, LOCAL)
        .map(reply -> reply.body());
  }

  private static ByteString bytes(String hex) {
    return ByteString.copyFrom(HEX.parseHex(hex));
  }

  private static boolean isNotFound(Throwable failure) {
    return failure instanceof ReplyException reply && reply.failureCode() == 404;
  }

  private static ApiException storageFailure(Throwable failure) {
    if (failure instanceof ReplyException reply) {
      if (reply.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
        return new ApiException(
            ApiException.Kind.UNAVAILABLE,
            "the node's ledger did not answer: " + reply.getMessage(),
            1_000);
      }
      return switch (reply.failureCode()) {
        case 400 -> ApiException.invalid(reply.getMessage());
        case 404 -> ApiException.notFound(reply.getMessage());
        default -> new ApiException(ApiException.Kind.INTERNAL, reply.getMessage());
      };
    }
    return new ApiException(ApiException.Kind.INTERNAL, String.valueOf(failure.getMessage()));
  }

  private static ApiException mempoolFailure(Throwable failure) {
    if (failure instanceof ReplyException reply) {
      if (reply.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
        return new ApiException(
            ApiException.Kind.UNAVAILABLE,
            "the node's mempool did not answer: " + reply.getMessage(),
            1_000);
      }
      return switch (reply.failureCode()) {
        case MempoolVerticle.MALFORMED, MempoolVerticle.TOO_LARGE ->
            ApiException.invalid(reply.getMessage());
        case MempoolVerticle.FULL ->
            new ApiException(ApiException.Kind.RESOURCE_EXHAUSTED, reply.getMessage(), 1_000);
        case MempoolVerticle.NOT_REPLICATED ->
            new ApiException(ApiException.Kind.UNAVAILABLE, reply.getMessage(), 1_000);
        default -> new ApiException(ApiException.Kind.INTERNAL, reply.getMessage());
      };
    }
    return new ApiException(ApiException.Kind.INTERNAL, String.valueOf(failure.getMessage()));
  }
}
