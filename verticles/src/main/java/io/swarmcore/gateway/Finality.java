package io.swarmcore.gateway;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.proto.Receipt;
import io.swarmcore.ledger.StorageVerticle;
import io.swarmcore.pbft.PbftVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Waits for transactions to be final at this node: each block the node stores is announced on
 * {@link PbftVerticle#FINALIZED} (heard here through a local consumer, so only this node's; the
 * announcement carries no transactions), the block is read from storage, the hashes of its
 * transactions are matched against the waiting ones, and the receipts of those found are asked of
 * storage in one request (one block read and one transaction tree per block). A transaction that
 * may have become final before its waiter was registered is looked up in the ledger once. Runs on
 * the gateway verticle's context.
 */
final class Finality {
  private static final HexFormat HEX = HexFormat.of();

  private final Vertx vertx;
  private final String nodeId;
  private final Map<ByteString, List<Waiter>> waiting = new HashMap<>();
  private final int maxWaiting;
  private int waiters;
  private final MessageConsumer<Object> announcements;
  private final long sweep;
  private final java.util.Set<ByteString> fresh = new java.util.LinkedHashSet<>();
  private boolean looking;

  private record Waiter(Promise<Receipt> receipt, long timer) {}

  /** Where a final transaction is: its block's height, and its position in that block. */
  record Placement(long height, int position) {}

  // Batch waits, by each transaction they still wait for.
  private final Map<ByteString, List<Placing>> placing = new HashMap<>();
  // Waited for since the last sweep: the announcement or the first look-up finds them, so the
  // sweep (for blocks that were never announced) leaves them to the next one.
  private final java.util.Set<ByteString> young = new java.util.HashSet<>();

  /**
   * When a block became final at this node (epoch ms; -1 when it was fetched from a peer instead)
   * and when it was stored here.
   */
  record BlockTimes(long finalizedAtMs, long storedAtMs) {}

  private static final int REMEMBERED_BLOCKS = 4096;
  private static final int TRANSACTIONS_PER_WAITER = 100;
  private static final long SWEEP_MS = 1_000;
  // As the client API's other storage requests: a stuck store does not hold lookups for 30 s.
  private static final io.vertx.core.eventbus.DeliveryOptions ASK =
      new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(10_000);
  private final Map<Long, BlockTimes> recentBlocks =
      new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, BlockTimes> eldest) {
          return size() > REMEMBERED_BLOCKS;
        }
      };

  Finality(Vertx vertx, String nodeId, int maxWaiting) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.maxWaiting = maxWaiting;
    this.sweep =
        vertx.setPeriodic(
            SWEEP_MS,
            id -> {
              sweepOlder(waiting.keySet());
              sweepOlder(placing.keySet());
              young.clear();
              lookUp();
            });
    // Several nodes may share a JVM (tests, embedding): only this node's own stores count.
    this.announcements =
        vertx
            .eventBus()
            .localConsumer(
                PbftVerticle.FINALIZED,
                announced -> {
                  if (nodeId.equals(announced.headers().get("node"))) {
                    Long height = remember(announced);
                    if (height != null && !(waiting.isEmpty() && placing.isEmpty())) {
                      vertx
                          .eventBus()
                          .request(
                              StorageVerticle.address(nodeId, "block"),
                              new io.vertx.core.json.JsonObject().put("height", height),
                              ASK)
                          .onSuccess(block -> matchBlock(block.body(), height));
                    }
                  }
                });
  }

  /**
   * The receipt of {@code txHash} once it is final here, or DEADLINE_EXCEEDED after {@code
   * timeoutMs} (the transaction stays submitted).
   */
  Future<Receipt> await(ByteString txHash, long timeoutMs) {
    if (waiters >= maxWaiting) {
      return Future.failedFuture(
          new ApiException(
              ApiException.Kind.RESOURCE_EXHAUSTED,
              maxWaiting
                  + " submissions already wait for finality at this node; the transaction stays"
                  + " submitted: ask GetReceipt for it later",
              1_000));
    }
    Promise<Receipt> receipt = Promise.promise();
    long timer =
        vertx.setTimer(
            Math.max(1, timeoutMs),
            id -> {
              forget(txHash, receipt);
              receipt.tryFail(
                  new ApiException(
                      ApiException.Kind.DEADLINE_EXCEEDED,
                      "transaction "
                          + HEX.formatHex(txHash.toByteArray())
                          + " is not final after "
                          + timeoutMs
                          + " ms; it stays submitted: ask GetReceipt for it later"));
            });
    waiting.computeIfAbsent(txHash, h -> new ArrayList<>()).add(new Waiter(receipt, timer));
    waiters++;
    fresh.add(txHash);
    young.add(txHash);
    lookUp(); // it may be final already
    return receipt.future();
  }

  /**
   * Where each of {@code txHashes} is once final here: completes when all are, or after {@code
   * timeoutMs} with those that are by then (a batch's wait: one timer, no receipts built). It
   * counts as one waiting submission per {@value #TRANSACTIONS_PER_WAITER} transactions;
   * RESOURCE_EXHAUSTED when too many wait already.
   */
  Future<Map<ByteString, Placement>> awaitPlaced(
      java.util.Collection<ByteString> txHashes, long timeoutMs) {
    if (txHashes.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    int weight = (txHashes.size() + TRANSACTIONS_PER_WAITER - 1) / TRANSACTIONS_PER_WAITER;
    if (waiters + weight > maxWaiting) {
      return Future.failedFuture(
          new ApiException(
              ApiException.Kind.RESOURCE_EXHAUSTED,
              "too many submissions already wait for finality at this node (at most "
                  + maxWaiting
                  + ", a batch counting one per "
                  + TRANSACTIONS_PER_WAITER
                  + " transactions); the transactions stay submitted: ask GetReceipt for them"
                  + " later",
              1_000));
    }
    Placing batch = new Placing(new java.util.HashSet<>(txHashes), weight);
    batch.timer = vertx.setTimer(Math.max(1, timeoutMs), id -> batch.finish());
    for (ByteString hash : batch.open) {
      placing.computeIfAbsent(hash, h -> new ArrayList<>(1)).add(batch);
      fresh.add(hash);
      young.add(hash);
    }
    waiters += weight;
    lookUp();
    return batch.done.future();
  }

  /** One batch's wait: completed with the placements found once all are, or at its deadline. */
  private final class Placing {
    private final Promise<Map<ByteString, Placement>> done = Promise.promise();
    private final Map<ByteString, Placement> found = new HashMap<>();
    private final java.util.Set<ByteString> open;
    private final int weight;
    private long timer;

    Placing(java.util.Set<ByteString> open, int weight) {
      this.open = open;
      this.weight = weight;
    }

    /** The transaction is final at {@code at} (the index entry for it is gone already). */
    void placed(ByteString hash, Placement at) {
      if (open.remove(hash)) {
        found.put(hash, at);
        if (open.isEmpty()) {
          finish();
        }
      }
    }

    void finish() {
      if (done.future().isComplete()) {
        return;
      }
      vertx.cancelTimer(timer);
      for (ByteString hash : open) {
        List<Placing> list = placing.get(hash);
        if (list != null) {
          list.remove(this);
          if (list.isEmpty()) {
            placing.remove(hash);
          }
        }
      }
      waiters -= weight;
      done.complete(found);
    }
  }

  /** The waited-for hashes that the last sweep found already waiting go to the next look-up. */
  private void sweepOlder(java.util.Set<ByteString> hashes) {
    for (ByteString hash : hashes) {
      if (!young.contains(hash)) {
        fresh.add(hash);
      }
    }
  }

  /** The batches waiting for a transaction final at {@code at} are told so. */
  private void place(ByteString hash, Placement at) {
    List<Placing> batches = placing.remove(hash);
    if (batches != null) {
      List.copyOf(batches).forEach(batch -> batch.placed(hash, at));
    }
  }

  /** Stops watching; every waiting submission is told the node stopped. */
  void close() {
    vertx.cancelTimer(sweep);
    announcements.unregister();
    waiting
        .values()
        .forEach(
            list ->
                list.forEach(
                    w -> {
                      vertx.cancelTimer(w.timer());
                      w.receipt()
                          .tryFail(
                              new ApiException(
                                  ApiException.Kind.UNAVAILABLE,
                                  "the node's client API stopped; the transaction stays submitted",
                                  1_000));
                    }));
    waiting.clear();
    placing.values().stream()
        .flatMap(List::stream)
        .distinct()
        .toList()
        .forEach(
            batch -> {
              vertx.cancelTimer(batch.timer);
              batch.done.tryFail(
                  new ApiException(
                      ApiException.Kind.UNAVAILABLE,
                      "the node's client API stopped; the transactions stay submitted",
                      1_000));
            });
    placing.clear();
    waiters = 0;
  }

  private void forget(ByteString txHash, Promise<Receipt> receipt) {
    List<Waiter> list = waiting.get(txHash);
    if (list != null) {
      if (list.removeIf(w -> w.receipt() == receipt)) {
        waiters--;
      }
      if (list.isEmpty()) {
        waiting.remove(txHash);
      }
    }
  }

  /** Notes when the announced block became final; its height, or null if it is no block. */
  private Long remember(io.vertx.core.eventbus.Message<Object> announced) {
    if (announced.body() instanceof io.swarmcore.codecs.proto.FinalizedBlock block) {
      String finalizedAt = announced.headers().get(PbftVerticle.FINALIZED_AT_HEADER);
      long height;
      try {
        height =
            io.swarmcore.codecs.proto.BlockHeader.parseFrom(block.getBlock().getHeader())
                .getHeight();
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        return null; // this node's own stored block: cannot happen, and would only cost a trace
      }
      recentBlocks.put(
          height,
          new BlockTimes(
              finalizedAt == null ? -1 : Long.parseLong(finalizedAt), System.currentTimeMillis()));
      return height;
    }
    return null;
  }

  /** When the block at {@code height} became final and was stored here, if it was lately. */
  java.util.Optional<BlockTimes> timesOf(long height) {
    return java.util.Optional.ofNullable(recentBlocks.get(height));
  }

  /** The waiting transactions in the block stored at {@code height} get receipts or placements. */
  private void matchBlock(Object body, long height) {
    if (!(body instanceof io.swarmcore.codecs.proto.FinalizedBlock block)
        || (waiting.isEmpty() && placing.isEmpty())) {
      return;
    }
    List<ByteString> found = new ArrayList<>();
    List<ByteString> transactions = block.getBlock().getTransactionsList();
    for (int position = 0; position < transactions.size(); position++) {
      ByteString hash =
          ByteString.copyFrom(
              io.swarmcore.codecs.LedgerHashes.transaction(transactions.get(position)));
      if (waiting.containsKey(hash)) {
        found.add(hash);
      }
      place(hash, new Placement(height, position));
    }
    deliver(found);
  }

  /**
   * Asks the ledger whether newly waiting transactions are final already (they may have become
   * final before their waiter was registered); one lookup at a time, the rest in the next.
   */
  private void lookUp() {
    if (looking || fresh.isEmpty()) {
      return;
    }
    looking = true;
    JsonArray hashes = new JsonArray(new ArrayList<>(fresh.size()));
    fresh.forEach(hash -> hashes.add(HEX.formatHex(hash.toByteArray())));
    fresh.clear();
    vertx
        .eventBus()
        .<JsonArray>request(StorageVerticle.address(nodeId, "locations"), hashes, ASK)
        .onComplete(
            known -> {
              looking = false;
              if (known.succeeded()) {
                List<ByteString> found = new ArrayList<>();
                for (Object entry : known.result().body()) {
                  JsonArray location = (JsonArray) entry;
                  ByteString hash = ByteString.copyFrom(HEX.parseHex(location.getString(0)));
                  if (waiting.containsKey(hash)) {
                    found.add(hash);
                  }
                  place(hash, new Placement(location.getLong(1), location.getInteger(2)));
                }
                deliver(found);
              }
              lookUp();
            });
  }

  /** Asks storage for the receipts of final transactions, in one request, and hands them out. */
  private void deliver(List<ByteString> finalHashes) {
    if (finalHashes.isEmpty()) {
      return;
    }
    JsonArray hashes = new JsonArray(new ArrayList<>(finalHashes.size()));
    finalHashes.forEach(hash -> hashes.add(HEX.formatHex(hash.toByteArray())));
    vertx
        .eventBus()
        .<io.swarmcore.codecs.proto.Receipts>request(
            StorageVerticle.address(nodeId, "receipts"), hashes, ASK)
        .onSuccess(
            reply -> {
              for (Receipt receipt : reply.body().getReceiptsList()) {
                List<Waiter> done = waiting.remove(receipt.getTxHash());
                if (done != null) {
                  waiters -= done.size();
                  done.forEach(
                      w -> {
                        vertx.cancelTimer(w.timer());
                        w.receipt().tryComplete(receipt);
                      });
                }
              }
            });
  }
}
