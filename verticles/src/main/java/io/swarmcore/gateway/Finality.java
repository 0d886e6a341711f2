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
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Waits for transactions to be final at this node: each block the node stores is announced on
 * {@link PbftVerticle#FINALIZED} (heard here through a local consumer, so only this node's), and
 * the waiting hashes are then looked up in the ledger at once; one found completes with its
 * receipt. Runs on the gateway verticle's context.
 */
final class Finality {
  private static final HexFormat HEX = HexFormat.of();

  private final Vertx vertx;
  private final String nodeId;
  private final Map<ByteString, List<Waiter>> waiting = new HashMap<>();
  private final int maxWaiting;
  private int waiters;
  private final MessageConsumer<Object> announcements;
  private boolean looking;
  private boolean lookAgain;

  private record Waiter(Promise<Receipt> receipt, long timer) {}

  /**
   * When a block became final at this node (epoch ms; -1 when it was fetched from a peer instead)
   * and when it was stored here.
   */
  record BlockTimes(long finalizedAtMs, long storedAtMs) {}

  private static final int REMEMBERED_BLOCKS = 4096;
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
    // Several nodes may share a JVM (tests, embedding): only this node's own stores count.
    this.announcements =
        vertx
            .eventBus()
            .localConsumer(
                PbftVerticle.FINALIZED,
                announced -> {
                  if (nodeId.equals(announced.headers().get("node"))) {
                    remember(announced);
                    lookUp();
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
    lookUp(); // it may be final already
    return receipt.future();
  }

  /** Stops watching; every waiting submission is told the node stopped. */
  void close() {
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

  private void remember(io.vertx.core.eventbus.Message<Object> announced) {
    if (announced.body() instanceof io.swarmcore.codecs.proto.FinalizedBlock block) {
      String finalizedAt = announced.headers().get(PbftVerticle.FINALIZED_AT_HEADER);
      long height;
      try {
        height =
            io.swarmcore.codecs.proto.BlockHeader.parseFrom(block.getBlock().getHeader())
                .getHeight();
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        return; // this node's own stored block: cannot happen, and would only cost a trace
      }
      recentBlocks.put(
          height,
          new BlockTimes(
              finalizedAt == null ? -1 : Long.parseLong(finalizedAt), System.currentTimeMillis()));
    }
  }

  /** When the block at {@code height} became final and was stored here, if it was lately. */
  java.util.Optional<BlockTimes> timesOf(long height) {
    return java.util.Optional.ofNullable(recentBlocks.get(height));
  }

  /** Asks the ledger which waiting transactions are final; one lookup at a time. */
  private void lookUp() {
    if (waiting.isEmpty()) {
      return;
    }
    if (looking) {
      lookAgain = true;
      return;
    }
    looking = true;
    JsonArray hashes = new JsonArray();
    waiting.keySet().forEach(hash -> hashes.add(HEX.formatHex(hash.toByteArray())));
    vertx
        .eventBus()
        .<JsonArray>request(StorageVerticle.address(nodeId, "final-transactions"), hashes)
        .onComplete(
            known -> {
              looking = false;
              if (known.succeeded()) {
                known.result().body().forEach(hex -> deliver((String) hex));
              }
              if (lookAgain) {
                lookAgain = false;
                lookUp();
              }
            });
  }

  private void deliver(String hex) {
    ByteString txHash = ByteString.copyFrom(HEX.parseHex(hex));
    vertx
        .eventBus()
        .<Receipt>request(
            StorageVerticle.address(nodeId, "receipt"), new JsonObject().put("txHash", hex))
        .onSuccess(
            reply -> {
              List<Waiter> done = waiting.remove(txHash);
              if (done != null) {
                waiters -= done.size();
                done.forEach(
                    w -> {
                      vertx.cancelTimer(w.timer());
                      w.receipt().tryComplete(reply.body());
                    });
              }
            });
  }
}
