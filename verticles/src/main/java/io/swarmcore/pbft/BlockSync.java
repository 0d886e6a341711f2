package io.swarmcore.pbft;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.CertificateVerifier;
import io.swarmcore.codecs.proto.BlockRange;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.ledger.StorageVerticle;
import io.swarmcore.pbft.wire.NodeBlock;
import io.swarmcore.resilience.CircuitBreaker;
import io.swarmcore.resilience.CircuitBreakerConfig;
import io.swarmcore.resilience.ResilienceManager;
import io.swarmcore.resilience.Retry;
import io.swarmcore.resilience.RetryConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the final blocks a validator lacks from its peers (docs/CONSENSUS-NODE.md, catch-up):
 * ranges from several peers in parallel, each peer behind its own circuit breaker, a failed range
 * retried with jitter on the next peer; every block checked by its certificate, its header against
 * its body, its height and its parent hash before it is handed on, in height order, to be stored
 * (the store checks the parent of the first and the ledger roots again). Nothing a peer says is
 * trusted: a lie costs a retry and counts against that peer's breaker.
 */
final class BlockSync {
  private static final Logger LOG = LoggerFactory.getLogger(BlockSync.class);

  /** Blocks asked for in one request (the server caps it too, by count and bytes). */
  static final int RANGE = 512;

  /** Requests in flight at once, over all peers. */
  static final int IN_FLIGHT = 4;

  /** A block that passed every check, with its facts computed once. */
  record Verified(FinalizedBlock finalized, NodeBlock block) {}

  private final Vertx vertx;
  private final String selfId;
  private final List<String> peers;
  private final CertificateVerifier certificates;
  private final WorkerExecutor verifiers;
  private final Function<List<Verified>, Future<Void>> apply;
  private final boolean everySignature;
  private final int faulty;
  private final Map<String, CircuitBreaker> breakers = new HashMap<>();
  private final Retry retry;
  private Future<Long> running;
  private int rotation;

  /**
   * @param apply stores verified blocks (consecutive, in height order) and completes once they are
   *     stored
   */
  BlockSync(
      Vertx vertx,
      String selfId,
      List<String> peers,
      CertificateVerifier certificates,
      ResilienceManager resilience,
      WorkerExecutor verifiers,
      boolean everySignature,
      int faulty,
      Function<List<Verified>, Future<Void>> apply) {
    this.everySignature = everySignature;
    this.faulty = faulty;
    this.vertx = vertx;
    this.selfId = selfId;
    this.peers = List.copyOf(peers);
    this.certificates = certificates;
    this.verifiers = verifiers;
    this.apply = apply;
    for (String peer : peers) {
      breakers.put(
          peer,
          resilience.circuitBreaker(
              "sync-" + selfId + "-from-" + peer,
              CircuitBreakerConfig.DEFAULTS.withCallTimeoutMillis(10_000)));
    }
    // Named by the number of peers: the attempts follow it when the validator set changes.
    this.retry =
        resilience.retry(
            "sync-" + selfId + "-" + peers.size(),
            RetryConfig.DEFAULTS
                .withMaxAttempts(Math.max(3, 2 * peers.size()))
                .withDelays(20, 1_000)
                .retryingOn(failure -> true));
  }

  boolean isRunning() {
    return running != null;
  }

  /**
   * Fetches and stores every block from {@code from} (the next height this node lacks) up to the
   * trusted tip peers report, but not beyond {@code limit}; one run at a time (a call during a run
   * joins it).
   *
   * @param limit the height not to fetch from in this run: the end of the epoch whose voters the
   *     certificates are checked with (the next epoch's voters are known once its last block is
   *     stored)
   * @return the height reached (the new number of stored blocks, as far as this run went)
   */
  Future<Long> catchUp(long from, long limit) {
    if (running != null) {
      return running;
    }
    running =
        peerTips()
            .compose(
                tips -> {
                  long target = Math.min(trustedTip(tips), limit);
                  if (target <= from) {
                    return Future.succeededFuture(from);
                  }
                  LOG.info(
                      "node {} catches up from height {} to {} ({} peers answered)",
                      selfId,
                      from,
                      target,
                      tips.size());
                  return new Transfer(from, target, tips).run();
                })
            .onComplete(done -> running = null);
    return running;
  }

  /**
   * The (f + 1)-th highest tip among the answers: at least one honest validator holds that many
   * blocks, so no single liar can send the catch-up after blocks that do not exist. With fewer than
   * f + 1 answers nothing is trusted.
   */
  long trustedTip(Map<String, Long> tips) {
    List<Long> sorted = new ArrayList<>(tips.values());
    sorted.sort(java.util.Comparator.reverseOrder());
    return sorted.size() > faulty ? sorted.get(faulty) : 0;
  }

  /** Each answering peer's number of stored blocks. */
  Future<Map<String, Long>> peerTips() {
    Map<String, Long> tips = new HashMap<>();
    List<Future<?>> asked = new ArrayList<>();
    for (String peer : peers) {
      asked.add(
          vertx
              .eventBus()
              .<JsonObject>request(
                  StorageVerticle.address(peer, "status"),
                  new JsonObject(),
                  new DeliveryOptions().setSendTimeout(2_000))
              .onSuccess(
                  reply -> {
                    Long size = reply.body().getLong("size");
                    if (size != null && size >= 0) {
                      tips.put(peer, size);
                    }
                  }));
    }
    return Future.join(asked).otherwise(ignored -> null).map(ignored -> tips);
  }

  /** One catch-up run: ranges fetched in parallel, stored strictly in order. */
  private final class Transfer {
    private final long target;
    private final Map<String, Long> tips;
    // Rests of ranges answered short, by start; fresh ranges are cut from nextFresh on demand.
    private final TreeMap<Long, Long> rests = new TreeMap<>();
    private long nextFresh;
    private final TreeMap<Long, List<Verified>> fetched = new TreeMap<>();
    private final Promise<Long> done = Promise.promise();
    private long nextToStore;
    private int inFlight;
    private boolean storing;

    Transfer(long from, long target, Map<String, Long> tips) {
      this.target = target;
      this.tips = tips;
      this.nextToStore = from;
      this.nextFresh = from;
    }

    /**
     * The lowest range not asked for yet. Always the lowest: were a higher one fetched first, the
     * ranges waiting to be stored could fill every slot while the one they wait for is not asked.
     */
    private long[] nextRange() {
      if (!rests.isEmpty()) {
        var lowest = rests.pollFirstEntry();
        return new long[] {lowest.getKey(), lowest.getValue()};
      }
      if (nextFresh >= target) {
        return null;
      }
      long[] range = {nextFresh, Math.min(target, nextFresh + RANGE)};
      nextFresh = range[1];
      return range;
    }

    Future<Long> run() {
      dispatch();
      return done.future();
    }

    private void dispatch() {
      // Bounded memory: what is fetched but not stored counts against the same limit.
      while (!done.future().isComplete() && inFlight + fetched.size() < IN_FLIGHT) {
        long[] range = nextRange();
        if (range == null) {
          return;
        }
        inFlight++;
        // Each range walks the peers from its own starting point: every peer gets its turn.
        int[] turn = {rotation++};
        retry
            .execute(() -> fetch(range[0], range[1], turn[0]++))
            .onComplete(
                result -> {
                  inFlight--;
                  if (result.failed()) {
                    done.tryFail(
                        new IllegalStateException(
                            "no peer served blocks "
                                + range[0]
                                + " to "
                                + (range[1] - 1)
                                + ": "
                                + result.cause().getMessage(),
                            result.cause()));
                    return;
                  }
                  List<Verified> blocks = result.result();
                  if (range[0] + blocks.size() < range[1]) {
                    // A short answer (the byte cap): the rest is asked for next.
                    rests.put(range[0] + blocks.size(), range[1]);
                  }
                  fetched.put(range[0], blocks);
                  store();
                  dispatch();
                });
      }
    }

    private void store() {
      if (storing || done.future().isComplete()) {
        return;
      }
      List<Verified> next = fetched.remove(nextToStore);
      if (next == null) {
        if (nextToStore >= target && inFlight == 0) {
          done.tryComplete(nextToStore);
        }
        return;
      }
      storing = true;
      apply
          .apply(next)
          .onComplete(
              stored -> {
                storing = false;
                if (stored.failed()) {
                  done.tryFail(stored.cause());
                  return;
                }
                nextToStore += next.size();
                store();
                dispatch();
              });
    }

    /** Asks the next peer that has the range, through its breaker; checks what comes back. */
    private Future<List<Verified>> fetch(long start, long end, int turn) {
      Optional<String> peer = nextPeer(start, turn);
      if (peer.isEmpty()) {
        return Future.failedFuture("no peer with an open breaker has block " + start);
      }
      return breakers
          .get(peer.get())
          .execute(
              () ->
                  vertx
                      .eventBus()
                      .<BlockRange>request(
                          StorageVerticle.address(peer.get(), "blocks"),
                          new JsonObject().put("from", start).put("count", end - start),
                          new DeliveryOptions().setSendTimeout(10_000))
                      .compose(
                          reply ->
                              verifiers.executeBlocking(
                                  () -> verified(reply.body(), start, end, peer.get()), false)))
          .onFailure(
              failure ->
                  LOG.debug(
                      "blocks {}..{} from {} failed: {}", start, end - 1, peer.get(), failure));
    }

    private Optional<String> nextPeer(long start, int turn) {
      for (int i = 0; i < peers.size(); i++) {
        String peer = peers.get(Math.floorMod(turn + i, peers.size()));
        if (tips.getOrDefault(peer, 0L) > start
            && breakers.get(peer).state() != io.swarmcore.resilience.core.BreakerState.OPEN) {
          return Optional.of(peer);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * Every check but the parent of the first block and the ledger roots, which storage makes. The
   * last block's certificate is verified signature by signature; it names that block's hash, whose
   * header names its parent's, and so on down the range: the certified last block proves the
   * content of every block below it. The others' certificates are checked in shape (a quorum of
   * distinct validators, the right height and hash), and signature by signature too when {@code
   * everySignature} (three Ed25519 verifications a block: the dominant cost of a long catch-up).
   */
  List<Verified> verified(BlockRange range, long start, long end, String peer) {
    if (range.getBlocksCount() == 0 || range.getBlocksCount() > end - start) {
      throw new IllegalStateException(
          peer + " answered " + range.getBlocksCount() + " blocks for " + (end - start));
    }
    List<Verified> out = new ArrayList<>(range.getBlocksCount());
    ByteString parent = null;
    for (int i = 0; i < range.getBlocksCount(); i++) {
      FinalizedBlock finalized = range.getBlocks(i);
      NodeBlock block = NodeBlock.of(finalized.getBlock());
      long height = start + i;
      if (block.height() != height) {
        throw new IllegalStateException(
            peer + " sent block " + block.height() + " in place of " + height);
      }
      if (parent != null && !block.parentHash().equals(parent)) {
        throw new IllegalStateException(
            peer + " sent block " + height + " that does not extend block " + (height - 1));
      }
      boolean last = i == range.getBlocksCount() - 1;
      Optional<String> problem =
          last || everySignature
              ? certificates.problem(finalized.getCertificate(), height, block.hash())
              : certificates.shapeProblem(finalized.getCertificate(), height, block.hash());
      if (problem.isPresent()) {
        throw new IllegalStateException(peer + " sent block " + height + ": " + problem.get());
      }
      out.add(new Verified(finalized, block));
      parent = block.hash();
    }
    return out;
  }
}
