package io.swarmcore.tests.harness;

import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Submits transactions at a steady rate from a probe member and times each from its submission to
 * the moment an observer node announces the block holding it on {@code swarm.blocks.finalized} (the
 * block's transactions are then read from that node's storage). Callbacks run on several event
 * loops: the bookkeeping is guarded by this object's lock.
 */
public final class SteadyLoad implements AutoCloseable {
  /** What a run measured. */
  public record Summary(
      int acknowledged,
      int finalized,
      double seconds,
      double txPerSecond,
      double p50Ms,
      double p99Ms,
      double maxMs) {
    @Override
    public String toString() {
      return String.format(
          "%d acknowledged, %d final in %.1f s: %.0f tx/s, latency p50 %.1f ms, p99 %.1f ms, max"
              + " %.1f ms",
          acknowledged, finalized, seconds, txPerSecond, p50Ms, p99Ms, maxMs);
    }
  }

  private final Vertx vertx;
  private final String observer;
  private final MessageConsumer<FinalizedBlock> consumer;
  private final Map<String, Long> submittedAt = new HashMap<>();
  private final Map<String, Long> finalizedAt = new HashMap<>();
  private final List<Long> latencies = new ArrayList<>();
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final Map<String, String> takenBy = new ConcurrentHashMap<>();
  private final Map<String, Long> acknowledgedAt = new ConcurrentHashMap<>();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger missedAnnouncements = new AtomicInteger();
  private static final long SWEEP_NANOS = 2_000_000_000L;
  // A sweep asks at most this many (each bounded by 3 s), so it stays short of the drain bound.
  private static final int SWEEP_BATCH = 20;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SteadyLoad.class);
  private long firstSubmit;
  private long lastFinal;

  /** Watches {@code observer}'s announcements of final blocks. */
  public SteadyLoad(ClusterProbe probe, String observer) {
    this.vertx = probe.vertx();
    this.observer = observer;
    this.consumer =
        vertx
            .eventBus()
            .consumer(
                "swarm.blocks.finalized",
                message -> {
                  if (observer.equals(message.headers().get("node"))) {
                    long at = System.nanoTime();
                    fetchAndTime(message.body(), at);
                  }
                });
  }

  private void fetchAndTime(FinalizedBlock announced, long at) {
    long height;
    try {
      height = BlockHeader.parseFrom(announced.getBlock().getHeader()).getHeight();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("an announced header does not parse", e);
    }
    vertx
        .eventBus()
        .<FinalizedBlock>request(
            "swarm.storage." + observer + ".block", new JsonObject().put("height", height))
        .onSuccess(
            reply -> {
              synchronized (this) {
                reply
                    .body()
                    .getBlock()
                    .getTransactionsList()
                    .forEach(
                        tx -> {
                          String hash = HexFormat.of().formatHex(LedgerHashes.transaction(tx));
                          Long sent = submittedAt.remove(hash);
                          if (sent != null) {
                            latencies.add(at - sent);
                            lastFinal = Math.max(lastFinal, at);
                          } else {
                            finalizedAt.put(hash, at);
                          }
                        });
              }
            });
  }

  /**
   * Submits {@code rate} transactions per second for {@code duration}, then waits (up to {@code
   * drain}) until every acknowledged one was seen final.
   */
  public Summary run(String client, int rate, Duration duration, Duration drain) {
    int total = (int) (rate * duration.toMillis() / 1000);
    long period = 10;
    AtomicInteger sent = new AtomicInteger();
    long started = System.nanoTime();
    synchronized (this) {
      firstSubmit = started;
    }
    long timer =
        vertx.setPeriodic(
            period,
            id -> {
              // What the rate says is due by now: any rate, also below one per tick.
              long due = Math.min(total, rate * (System.nanoTime() - started) / 1_000_000_000L + 1);
              while (sent.get() < due) {
                submit(client, sent.getAndIncrement());
              }
              if (sent.get() >= total) {
                vertx.cancelTimer(id);
              }
            });
    Deadline.await(
        "all " + total + " submissions to be answered",
        duration.plus(drain),
        () -> acknowledged.size() + refused.get() >= total);
    long[] lastSweep = {System.nanoTime()};
    Deadline.await(
        "every acknowledged transaction to be seen final at " + observer,
        drain,
        () -> {
          synchronized (this) {
            if (latencies.size() >= acknowledged.size()) {
              return true;
            }
          }
          if (System.nanoTime() - lastSweep[0] >= SWEEP_NANOS) {
            lastSweep[0] = System.nanoTime();
            sweepUnseen();
          }
          return false;
        });
    vertx.cancelTimer(timer);
    return summary();
  }

  /**
   * Asks the observer for the receipts of acknowledged transactions not seen final for a while: an
   * announcement lost on the way (a publish, or the block fetch after it) must not read as a lost
   * transaction. Each one found counts as final now (a later time than it was) and is logged.
   */
  private void sweepUnseen() {
    long now = System.nanoTime();
    List<String> unseen;
    synchronized (this) {
      unseen =
          submittedAt.entrySet().stream()
              .filter(entry -> now - entry.getValue() >= SWEEP_NANOS)
              .map(Map.Entry::getKey)
              .limit(SWEEP_BATCH)
              .toList();
    }
    int found = 0;
    for (String hash : unseen) {
      try {
        ClusterProbe.await(
            vertx
                .eventBus()
                .request(
                    "swarm.storage." + observer + ".receipt",
                    new JsonObject().put("txHash", hash),
                    new DeliveryOptions().setSendTimeout(2_000)),
            Duration.ofSeconds(3));
      } catch (RuntimeException | AssertionError notFinal) {
        continue;
      }
      long at = System.nanoTime();
      synchronized (this) {
        Long sent = submittedAt.remove(hash);
        if (sent != null) {
          latencies.add(at - sent);
          lastFinal = Math.max(lastFinal, at);
          found++;
        }
      }
    }
    if (found > 0) {
      missedAnnouncements.addAndGet(found);
      LOG.warn(
          "{} acknowledged transactions were final at {} but their announcement never reached the"
              + " load: found by their receipts",
          found,
          observer);
    }
  }

  /** Acknowledged transactions found final by their receipts, their announcement missed. */
  public int missedAnnouncements() {
    return missedAnnouncements.get();
  }

  private void submit(String client, int nonce) {
    JsonObject tx =
        new JsonObject()
            .put("clientId", client)
            .put("nonce", nonce)
            .put("payload", Base64.getEncoder().encodeToString(new byte[96]));
    long at = System.nanoTime();
    vertx
        .eventBus()
        .<JsonObject>request("swarm.tx.submit", tx, new DeliveryOptions().setSendTimeout(10_000))
        .onComplete(
            reply -> {
              if (reply.failed() || !"pending".equals(reply.result().body().getString("status"))) {
                refused.incrementAndGet();
                return;
              }
              String hash = reply.result().body().getString("hash");
              takenBy.put(hash, reply.result().body().getString("node", "?"));
              acknowledgedAt.put(hash, System.nanoTime());
              synchronized (this) {
                acknowledged.add(hash);
                Long finalAt = finalizedAt.remove(hash);
                if (finalAt != null) {
                  latencies.add(finalAt - at);
                  lastFinal = Math.max(lastFinal, finalAt);
                } else {
                  submittedAt.put(hash, at);
                }
              }
            });
  }

  /** Every transaction acknowledged so far (hex hashes). */
  public Set<String> acknowledged() {
    return Set.copyOf(acknowledged);
  }

  /** The node whose mempool took each acknowledged transaction (hex hash to node id). */
  public Map<String, String> takenBy() {
    return Map.copyOf(takenBy);
  }

  /** When each acknowledged transaction was acknowledged ({@link System#nanoTime}). */
  public Map<String, Long> acknowledgedAt() {
    return Map.copyOf(acknowledgedAt);
  }

  public int refused() {
    return refused.get();
  }

  private synchronized Summary summary() {
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    double seconds = (lastFinal - firstSubmit) / 1e9;
    return new Summary(
        acknowledged.size(),
        sorted.size(),
        seconds,
        sorted.size() / Math.max(seconds, 1e-9),
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1e6);
  }

  private static double percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int index = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, index)) / 1e6;
  }

  @Override
  public void close() {
    ClusterProbe.await(consumer.unregister(), Duration.ofSeconds(10));
  }
}
