package io.swarmcore.mempool;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.proto.SubmitOutcome;
import io.swarmcore.codecs.proto.Transaction;
import io.swarmcore.codecs.proto.TransactionBatch;
import io.swarmcore.crypto.LinkKeys;
import io.swarmcore.crypto.PublicKey;
import io.swarmcore.crypto.SigningKey;
import io.swarmcore.mempool.core.Acknowledgements;
import io.swarmcore.mempool.core.Mempool;
import io.swarmcore.node.NodeConfig;
import io.swarmcore.node.NodeMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's transaction pool on the event bus (docs/MEMPOOL.md). Clients submit on {@link #SUBMIT}
 * (any node) or this node's {@code submit} address, as a protobuf {@code Transaction} or as JSON
 * for any Vert.x application; new transactions are gossiped in batches to the other validators; the
 * node's consensus takes batches for its proposals and reports what became final. A submission is
 * acknowledged once {@code mempool.ackReplicas} other validators (f by default) confirmed, with a
 * MAC, that they hold it: a node that crashes after acknowledging loses nothing.
 */
public final class MempoolVerticle extends VerticleBase {
  /** Submissions any node accepts. */
  public static final String SUBMIT = "swarm.tx.submit";

  /**
   * Batch submissions any node accepts: a {@code TransactionBatch}, answered with a {@code
   * SubmitBatchResponse} (one outcome per transaction, in order) once each is settled.
   */
  public static final String SUBMIT_BATCH = "swarm.tx.submit-batch";

  /** Failure codes of a refused submission. */
  public static final int MALFORMED = 400;

  public static final int TOO_LARGE = 413;
  public static final int FULL = 503;

  /** Too few other validators confirmed holding the transaction in time (it stays pending). */
  public static final int NOT_REPLICATED = 504;

  /** The header naming the node whose gossip this is: where the confirmation goes. */
  static final String ORIGIN_HEADER = "swarm-origin";

  /** The header with the origin's MAC over the batch for its receiver ({@link GossipMac}). */
  static final String MAC_HEADER = "swarm-mac";

  private static final Logger LOG = LoggerFactory.getLogger(MempoolVerticle.class);
  private static final HexFormat HEX = HexFormat.of();

  private final NodeConfig config;
  private final java.util.function.Supplier<Map<String, PublicKey>> validators;
  private final LinkKeys links;
  private final Acknowledgements<Waiting> acknowledgements = new Acknowledgements<>();
  private long refusedConfirmations;
  private long refusedGossip;
  private int forwarded;
  // Per claimed sender (validators by id; anyone else shares one): gossip and confirmations
  // beyond this are dropped before their signature is checked.
  private static final long SENDER_MESSAGES_PER_SECOND = 500;
  private final io.swarmcore.resilience.core.SenderBudgets senderBudgets =
      new io.swarmcore.resilience.core.SenderBudgets(SENDER_MESSAGES_PER_SECOND);
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private Mempool pool;
  private long gossipTimer = -1;
  private long regossipTimer = -1;
  private long gossipedTransactions;

  /** When each transaction a client submitted here was admitted, until it is final or dropped. */
  private final Map<ByteString, Long> admittedNanos = new HashMap<>();

  private io.micrometer.core.instrument.Timer finalizationLatency;
  // Copies for /metrics, which reads from another thread than the pool's.
  private volatile int poolSize;
  private volatile long poolBytes;

  /** Who waits for a transaction to be replicated: a submission of it alone, or of a batch. */
  private sealed interface Waiting permits Single, Slot {}

  /** A submission's answer, sent once the transaction is replicated enough. */
  private record Single(Message<Object> message, JsonObject reply) implements Waiting {}

  /** One transaction of a batch submission. */
  private record Slot(BatchAnswer batch, int index) implements Waiting {}

  /**
   * @param validators every current validator's node id (this node's may be among them) with its
   *     voting key: where gossip goes and whose confirmations count, read at each use (the set
   *     changes at epoch boundaries)
   * @param key this node's voting key, from which the link keys that authenticate gossip and
   *     confirmations between validators derive
   */
  public MempoolVerticle(
      NodeConfig config,
      java.util.function.Supplier<Map<String, PublicKey>> validators,
      SigningKey key) {
    this.config = config;
    this.validators = validators;
    this.links = LinkKeys.of(key);
  }

  /** {@code swarm.mempool.<nodeId>.<verb>}. */
  public static String address(String nodeId, String verb) {
    return "swarm.mempool." + nodeId + "." + verb;
  }

  @Override
  public Future<?> start() {
    NodeConfig.MempoolSettings settings = config.mempool();
    pool =
        new Mempool(
            new Mempool.Limits(
                settings.maxTransactions(),
                settings.maxBytes(),
                settings.maxTransactionBytes(),
                settings.rememberedFinal()));
    String self = config.nodeId();
    NodeMetrics metrics = NodeMetrics.forNode(self);
    finalizationLatency =
        metrics.timer(
            "swarm_finalization_latency",
            "From a client's submission to this node's mempool to the transaction's finalization",
            Duration.ofMillis(1),
            Duration.ofSeconds(60));
    metrics.gauge(
        "swarm_mempool_transactions", "Transactions waiting in the mempool", () -> poolSize);
    metrics.gauge(
        "swarm_mempool_bytes", "Bytes of the transactions in the mempool", () -> poolBytes);
    var bus = vertx.eventBus();
    consumers.add(bus.consumer(SUBMIT, this::submit));
    consumers.add(bus.consumer(address(self, "submit"), this::submit));
    consumers.add(bus.consumer(SUBMIT_BATCH, this::submitBatch));
    consumers.add(bus.consumer(address(self, "submit-batch"), this::submitBatch));
    consumers.add(bus.consumer(address(self, "gossip"), this::gossipReceived));
    consumers.add(bus.consumer(address(self, "held"), this::heldReceived));
    consumers.add(bus.localConsumer(address(self, "propose"), this::propose));
    consumers.add(bus.localConsumer(address(self, "finalized"), m -> hashes(m, this::finalized)));
    consumers.add(bus.localConsumer(address(self, "unproposed"), m -> hashes(m, pool::unproposed)));
    consumers.add(bus.consumer(address(self, "status"), this::status));
    gossipTimer = vertx.setPeriodic(settings.gossipIntervalMs(), id -> gossip());
    regossipTimer = vertx.setPeriodic(settings.regossipIntervalMs(), id -> regossip());
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(gossipTimer);
    vertx.cancelTimer(regossipTimer);
    return Future.succeededFuture();
  }

  private void submit(Message<Object> message) {
    Map<String, PublicKey> current = validators.get();
    if (!current.containsKey(config.nodeId()) && !current.isEmpty()) {
      forward(message, current, "submit");
      return;
    }
    ByteString bytes;
    try {
      bytes = transactionBytes(message.body());
    } catch (IllegalArgumentException e) {
      message.fail(MALFORMED, e.getMessage());
      return;
    }
    Mempool.Added added = pool.add(bytes, false);
    switch (added.outcome()) {
      case ADDED, DUPLICATE, ALREADY_FINAL -> {
        JsonObject reply =
            new JsonObject()
                .put("hash", HEX.formatHex(added.hash().toByteArray()))
                .put("status", status(added.outcome()))
                .put("node", config.nodeId());
        if (added.outcome() == Mempool.Outcome.ALREADY_FINAL
            || replicatedElseAwait(
                added,
                new Single(message, reply),
                replicasNeeded(),
                now() + config.mempool().replicationTimeoutMs())) {
          message.reply(reply);
        }
      }
      case MALFORMED -> message.fail(MALFORMED, added.detail());
      case TOO_LARGE -> message.fail(TOO_LARGE, added.detail());
      case FULL -> message.fail(FULL, added.detail());
    }
  }

  /**
   * Takes a batch of transactions, each checked and pooled as if submitted alone; the answer, one
   * outcome per transaction, goes once each is replicated, refused, or late.
   */
  private void submitBatch(Message<Object> message) {
    Map<String, PublicKey> current = validators.get();
    if (!current.containsKey(config.nodeId()) && !current.isEmpty()) {
      forward(message, current, "submit-batch");
      return;
    }
    if (!(message.body() instanceof TransactionBatch batch)) {
      message.fail(MALFORMED, "a batch submission is a swarm.v1.TransactionBatch");
      return;
    }
    if (batch.getTransactionsCount() > NodeConfig.MAX_BATCH_TRANSACTIONS) {
      message.fail(
          TOO_LARGE,
          "a batch holds at most "
              + NodeConfig.MAX_BATCH_TRANSACTIONS
              + " transactions, got "
              + batch.getTransactionsCount());
      return;
    }
    BatchAnswer answer = new BatchAnswer(message, batch.getTransactionsCount());
    int needed = replicasNeeded();
    long deadline = now() + config.mempool().replicationTimeoutMs();
    for (int i = 0; i < batch.getTransactionsCount(); i++) {
      Mempool.Added added = pool.add(batch.getTransactions(i), false);
      switch (added.outcome()) {
        case ADDED, DUPLICATE -> {
          answer.named(i, added.hash());
          if (replicatedElseAwait(added, new Slot(answer, i), needed, deadline)) {
            answer.settle(i, SubmitOutcome.Status.PENDING, "");
          }
        }
        case ALREADY_FINAL -> {
          answer.named(i, added.hash());
          answer.settle(i, SubmitOutcome.Status.FINAL, "");
        }
        case MALFORMED, TOO_LARGE -> answer.settle(i, SubmitOutcome.Status.REFUSED, added.detail());
        case FULL -> {
          answer.named(i, added.hash());
          answer.settle(i, SubmitOutcome.Status.RETRY, added.detail());
        }
      }
    }
    answer.seal();
  }

  /**
   * A transaction taken (new, or pending already) is replicated enough: true, the caller answers at
   * once; else {@code waiting} is answered once it is, or at {@code deadline}.
   */
  private boolean replicatedElseAwait(
      Mempool.Added added, Waiting waiting, int needed, long deadline) {
    if (added.outcome() == Mempool.Outcome.ADDED) {
      admittedNanos.put(added.hash(), System.nanoTime());
    }
    if (acknowledgements.replicated(added.hash(), needed)) {
      return true;
    }
    if (added.outcome() == Mempool.Outcome.DUPLICATE) {
      pool.gossipAgain(added.hash()); // a retry: confirmations are asked anew
    }
    acknowledgements.await(added.hash(), waiting, deadline);
    return false;
  }

  /** The transaction is replicated enough (or final): its submitter hears so. */
  private static void replicated(Waiting waiting) {
    if (waiting instanceof Single single) {
      single.message().reply(single.reply());
    } else if (waiting instanceof Slot slot) {
      slot.batch().settle(slot.index(), SubmitOutcome.Status.PENDING, "");
    }
  }

  /** The transaction is not replicated enough in time, or left the pool: safe to submit again. */
  private static void notReplicated(Waiting waiting, String why) {
    if (waiting instanceof Single single) {
      single.message().fail(NOT_REPLICATED, why);
    } else if (waiting instanceof Slot slot) {
      slot.batch().settle(slot.index(), SubmitOutcome.Status.RETRY, why);
    }
  }

  private static String status(Mempool.Outcome outcome) {
    return switch (outcome) {
      case ADDED -> "pending";
      case DUPLICATE -> "already pending";
      case ALREADY_FINAL -> "final";
      default -> throw new IllegalArgumentException(outcome.name());
    };
  }

  /**
   * A protobuf {@code Transaction}, or JSON {@code {"clientId", "nonce", "payload"}} with the
   * payload in base64.
   */
  static ByteString transactionBytes(Object body) {
    if (body instanceof Transaction transaction) {
      return transaction.toByteString();
    }
    if (body instanceof JsonObject json) {
      Object client = json.getValue("clientId");
      Object nonce = json.getValue("nonce");
      Object payload = json.getValue("payload", "");
      if (!(client instanceof String clientId)
          || !(nonce instanceof Number number)
          || number.longValue() < 0
          || !(payload instanceof String encoded)) {
        throw new IllegalArgumentException(
            "a JSON transaction needs \"clientId\" (string), \"nonce\" (number ≥ 0) and"
                + " \"payload\" (base64 string)");
      }
      try {
        return Transaction.newBuilder()
            .setClientId(clientId)
            .setNonce(number.longValue())
            .setPayload(ByteString.copyFrom(Base64.getDecoder().decode(encoded)))
            .build()
            .toByteString();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("\"payload\" is not base64: " + e.getMessage());
      }
    }
    throw new IllegalArgumentException(
        "expected a Transaction or a JSON object, got "
            + (body == null ? "no body" : body.getClass().getSimpleName()));
  }

  /**
   * A node that is no validator (an observer) keeps no transactions: nobody would confirm or
   * propose them. It hands each submission to a validator, in turn, and relays the answer.
   */
  private void forward(Message<Object> message, Map<String, PublicKey> current, String verb) {
    List<String> ids = List.copyOf(current.keySet());
    String validator = ids.get(Math.floorMod(forwarded++, ids.size()));
    vertx
        .eventBus()
        .request(
            address(validator, verb),
            message.body(),
            new DeliveryOptions().setSendTimeout(config.mempool().replicationTimeoutMs() + 5_000))
        .onSuccess(reply -> message.reply(reply.body()))
        .onFailure(
            failure ->
                message.fail(
                    failure instanceof io.vertx.core.eventbus.ReplyException refused
                            && refused.failureType()
                                == io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE
                        ? refused.failureCode()
                        : NOT_REPLICATED,
                    "node "
                        + config.nodeId()
                        + " is no validator and passed the transaction to "
                        + validator
                        + ": "
                        + failure.getMessage()));
  }

  /** How many other validators must hold a transaction before it is acknowledged. */
  private int replicasNeeded() {
    Map<String, PublicKey> current = validators.get();
    int others = current.size() - (current.containsKey(config.nodeId()) ? 1 : 0);
    int configured = config.mempool().ackReplicas();
    int needed = configured >= 0 ? configured : (current.size() - 1) / 3;
    return Math.min(needed, others);
  }

  private static long now() {
    return System.nanoTime() / 1_000_000;
  }

  /**
   * Takes another validator's gossip, signed by it, and tells it (signed) which of it this node
   * holds.
   */
  private void gossipReceived(Message<Object> message) {
    String origin = message.headers().get(ORIGIN_HEADER);
    Map<String, PublicKey> current = validators.get();
    PublicKey originKey =
        origin == null || origin.equals(config.nodeId()) ? null : current.get(origin);
    if (!withinBudget(originKey == null ? null : origin)
        || !(message.body() instanceof TransactionBatch batch)
        || batch.getTransactionsCount() > config.mempool().gossipBatch()
        || originKey == null
        || !GossipMac.verify(
            origin,
            config.nodeId(),
            hashesOf(batch.getTransactionsList()),
            message.headers().get(MAC_HEADER),
            links,
            originKey)) {
      refusedGossip++;
      LOG.debug("gossip refused: not a TransactionBatch authenticated by another validator");
      return;
    }
    List<ByteString> held = new ArrayList<>(batch.getTransactionsCount());
    for (ByteString transaction : batch.getTransactionsList()) {
      Mempool.Added added = pool.add(transaction, true);
      switch (added.outcome()) {
        case ADDED, DUPLICATE, ALREADY_FINAL -> held.add(added.hash());
        default -> {}
      }
    }
    if (held.isEmpty() || !current.containsKey(config.nodeId())) {
      return; // only validators' words count
    }
    vertx
        .eventBus()
        .publish(
            address(origin, "held"),
            HeldConfirmation.sealed(config.nodeId(), origin, held, links, originKey));
  }

  /** Another validator holds transactions: the submissions now replicated enough are answered. */
  private void heldReceived(Message<Object> message) {
    String from =
        message.body() instanceof JsonObject json && json.getValue("from") instanceof String id
            ? id
            : null;
    if (!withinBudget(from != null && validators.get().containsKey(from) ? from : null)) {
      refusedConfirmations++;
      return;
    }
    HeldConfirmation confirmation;
    try {
      confirmation =
          HeldConfirmation.verified(
              message.body(),
              config.nodeId(),
              config.mempool().gossipBatch(),
              links,
              id ->
                  id.equals(config.nodeId())
                      ? Optional.empty()
                      : Optional.ofNullable(validators.get().get(id)));
    } catch (IllegalArgumentException e) {
      refusedConfirmations++;
      LOG.debug("confirmation refused: {}", e.getMessage());
      return;
    }
    acknowledgements
        .confirmed(confirmation.from(), confirmation.hashes(), replicasNeeded())
        .forEach(MempoolVerticle::replicated);
  }

  /** Takes one message from the sender's budget ({@code null}: no validator; they share one). */
  private boolean withinBudget(String sender) {
    return senderBudgets.take(sender, sender != null, System.nanoTime());
  }

  private void gossip() {
    send(pool.toGossip(config.mempool().gossipBatch()));
    poolSize = pool.size();
    poolBytes = pool.bytes();
    for (Waiting late : acknowledgements.expired(now())) {
      notReplicated(
          late,
          "not acknowledged: fewer than "
              + replicasNeeded()
              + " other validators confirmed holding the transaction within "
              + config.mempool().replicationTimeoutMs()
              + " ms; it stays pending at node "
              + config.nodeId()
              + ", and submitting it again is safe");
    }
  }

  private void finalized(List<ByteString> hashes) {
    pool.finalized(hashes);
    // Final is more than replicated.
    acknowledgements.forget(hashes).forEach(MempoolVerticle::replicated);
    long now = System.nanoTime();
    for (ByteString hash : hashes) {
      Long admitted = admittedNanos.remove(hash);
      if (admitted != null) {
        finalizationLatency.record(now - admitted, TimeUnit.NANOSECONDS);
      }
    }
  }

  /**
   * The oldest pending transactions again: whatever was lost on the way still reaches the others,
   * who keep one copy each (duplicates change nothing).
   */
  private void regossip() {
    // Transactions the pool dropped without finality leave no latency behind.
    admittedNanos.keySet().removeIf(hash -> !pool.isPending(hash));
    // A waiting submission whose transaction the pool dropped (full, or its limits changed) hears
    // so instead of waiting for its deadline.
    acknowledgements
        .forget(
            acknowledgements.trackedHashes().stream()
                .filter(hash -> !pool.isPending(hash))
                .toList())
        .forEach(
            dropped ->
                notReplicated(
                    dropped,
                    "the transaction left node "
                        + config.nodeId()
                        + "'s pool before enough validators confirmed holding it; submitting it"
                        + " again is safe"));
    send(pool.oldestReady(config.mempool().gossipBatch()));
  }

  private void send(List<ByteString> batch) {
    if (batch.isEmpty()) {
      return;
    }
    TransactionBatch message = TransactionBatch.newBuilder().addAllTransactions(batch).build();
    List<byte[]> hashes = hashesOf(batch);
    for (Map.Entry<String, PublicKey> validator : validators.get().entrySet()) {
      String id = validator.getKey();
      if (!id.equals(config.nodeId())) {
        String tag;
        try {
          tag = GossipMac.seal(config.nodeId(), id, hashes, links, validator.getValue());
        } catch (IllegalArgumentException noLink) {
          LOG.warn("no gossip to {}: {}", id, noLink.getMessage()); // it holds our own key
          continue;
        }
        DeliveryOptions authenticated =
            new DeliveryOptions()
                .addHeader(ORIGIN_HEADER, config.nodeId())
                .addHeader(MAC_HEADER, tag);
        // publish: a hostile cluster member listening on the address cannot swallow it.
        vertx.eventBus().publish(address(id, "gossip"), message, authenticated);
      }
    }
    gossipedTransactions += batch.size();
  }

  /** The transactions' hashes (remembered from when the pool took them: no digest again). */
  private static List<byte[]> hashesOf(List<ByteString> transactions) {
    List<byte[]> hashes = new ArrayList<>(transactions.size());
    for (ByteString transaction : transactions) {
      hashes.add(io.swarmcore.codecs.LedgerHashes.transaction(transaction));
    }
    return hashes;
  }

  private void propose(Message<Object> message) {
    JsonObject request = message.body() instanceof JsonObject json ? json : new JsonObject();
    int maxTransactions = request.getInteger("maxTransactions", 10_000);
    long maxBytes = request.getLong("maxBytes", 4L * 1024 * 1024);
    message.reply(
        TransactionBatch.newBuilder()
            .addAllTransactions(pool.propose(maxTransactions, maxBytes))
            .build());
  }

  /** Hashes packed (32 bytes each, as the node's consensus sends them) or a JSON array of hex. */
  private void hashes(Message<Object> message, Consumer<List<ByteString>> apply) {
    List<ByteString> hashes;
    if (message.body() instanceof byte[] packed) {
      try {
        hashes = io.swarmcore.codecs.HashLists.unpack(packed);
      } catch (IllegalArgumentException e) {
        message.fail(MALFORMED, e.getMessage());
        return;
      }
    } else if (message.body() instanceof JsonArray array) {
      hashes = new ArrayList<>(array.size());
      for (Object hash : array) {
        if (!(hash instanceof String hex)) {
          message.fail(MALFORMED, "transaction hashes must be hex strings");
          return;
        }
        try {
          hashes.add(ByteString.copyFrom(HEX.parseHex(hex)));
        } catch (IllegalArgumentException e) {
          message.fail(MALFORMED, "not hex: " + hex);
          return;
        }
      }
    } else {
      message.fail(
          MALFORMED, "expected transaction hashes: packed 32-byte hashes, or a JSON array of hex");
      return;
    }
    apply.accept(hashes);
    message.reply(new JsonObject().put("size", pool.size()));
  }

  private void status(Message<Object> message) {
    message.reply(
        new JsonObject()
            .put("size", pool.size())
            .put("proposed", pool.proposedCount())
            .put("bytes", pool.bytes())
            .put("gossiped", gossipedTransactions)
            .put("awaitingReplication", acknowledgements.waitingCount())
            .put("refusedConfirmations", refusedConfirmations)
            .put("refusedGossip", refusedGossip));
  }
}
