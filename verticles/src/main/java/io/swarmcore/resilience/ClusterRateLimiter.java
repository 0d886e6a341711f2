package io.swarmcore.resilience;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.swarmcore.resilience.core.TokenBucket;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rate limiting across the cluster: one token bucket per key (a client id, say) in a Hazelcast
 * {@code IMap}, updated atomically on the key's owning member by {@link BucketProcessor}. The state
 * is advisory (docs/ARCHITECTURE.md): a hostile member can distort it, never consensus.
 *
 * <p>EXACT: every request is decided by the bucket itself; requests for one key that arrive while a
 * round trip is in flight wait and go together in the next one, so a busy key costs one round trip
 * per batch, not per request. LEASED: each instance takes up to {@code leaseSize} tokens at a time
 * and serves them locally; see {@link ClusterRateLimiterConfig#overAdmissionBound}.
 */
public final class ClusterRateLimiter {
  static final String MAP_PREFIX = "swarm.resilience.limiter.";
  private static final int MAX_BATCH = 1024;

  private final Vertx vertx;
  private final String name;
  private final ClusterRateLimiterConfig config;
  private final IMap<String, Long> buckets;
  private final long intervalNanos;
  private final Map<String, KeyState> keys = new ConcurrentHashMap<>();
  private final ResilienceMetrics.LimiterMeters meters;
  private final AtomicLong roundTrips = new AtomicLong();
  private final AtomicLong admitted = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private volatile String clusterError;

  /** Per key: the batch waiting for the next round trip, and (leased) the local tokens. */
  private static final class KeyState {
    boolean inFlight;
    final List<Request> waiting = new ArrayList<>();
    long leased;
    long leaseExpiresNanos;
    boolean refilling;
  }

  private record Request(long tokens, Promise<Boolean> decision) {}

  ClusterRateLimiter(
      Vertx vertx,
      HazelcastInstance hazelcast,
      String name,
      ClusterRateLimiterConfig config,
      ResilienceMetrics metrics) {
    this.vertx = vertx;
    this.name = name;
    this.config = config;
    this.buckets = hazelcast.getMap(MAP_PREFIX + name);
    this.intervalNanos =
        new TokenBucket(config.capacity(), config.refillPerSecond()).intervalNanos();
    this.meters = metrics.limiter(name);
  }

  public String name() {
    return name;
  }

  public ClusterRateLimiterConfig config() {
    return config;
  }

  /** Decides whether {@code key} may take {@code tokens} now. Never blocks. */
  public Future<Boolean> tryAcquire(String key, long tokens) {
    if (tokens < 1 || tokens > config.capacity()) {
      return Future.failedFuture(
          new IllegalArgumentException(
              "tokens must be 1.." + config.capacity() + ", got " + tokens));
    }
    Future<Boolean> decision =
        config.mode() == ClusterRateLimiterConfig.Mode.EXACT
            ? exact(key, tokens)
            : leased(key, tokens);
    return decision.andThen(
        result -> {
          boolean yes = result.succeeded() && result.result();
          (yes ? admitted : rejected).incrementAndGet();
          meters.decision(yes);
        });
  }

  private Future<Boolean> exact(String key, long tokens) {
    Promise<Boolean> promise = Promise.promise();
    KeyState state = keys.computeIfAbsent(key, k -> new KeyState());
    boolean send;
    synchronized (state) {
      state.waiting.add(new Request(tokens, promise));
      send = !state.inFlight;
      state.inFlight = true;
    }
    if (send) {
      sendBatch(key, state);
    }
    return promise.future();
  }

  /** Sends every waiting request of {@code key} in one round trip, then the next batch. */
  private void sendBatch(String key, KeyState state) {
    List<Request> batch;
    synchronized (state) {
      int size = Math.min(MAX_BATCH, state.waiting.size());
      if (size == 0) {
        state.inFlight = false;
        return;
      }
      batch = new ArrayList<>(state.waiting.subList(0, size));
      state.waiting.subList(0, size).clear();
    }
    long[] amounts = batch.stream().mapToLong(Request::tokens).toArray();
    roundTrip(key, amounts, false)
        .onComplete(
            result -> {
              for (int i = 0; i < batch.size(); i++) {
                boolean granted =
                    result.succeeded() ? result.result()[i] == amounts[i] : config.failOpen();
                batch.get(i).decision().complete(granted);
              }
              sendBatch(key, state);
            });
  }

  /**
   * LEASED mode's synchronous path: takes {@code tokens} from this instance's lease if it holds
   * them, and starts refilling the lease in the background once it runs below half; false when the
   * lease cannot cover the request now (then ask {@link #tryAcquire}, which waits for the cluster).
   * Never blocks.
   */
  public boolean tryAcquireLocal(String key, long tokens) {
    if (config.mode() != ClusterRateLimiterConfig.Mode.LEASED) {
      throw new IllegalStateException("limiter " + name + " is not in LEASED mode");
    }
    KeyState state = keys.computeIfAbsent(key, k -> new KeyState());
    boolean granted;
    boolean refill;
    synchronized (state) {
      granted = state.leased >= tokens && System.nanoTime() - state.leaseExpiresNanos < 0;
      if (granted) {
        state.leased -= tokens;
      }
      refill = !state.refilling && state.leased < config.leaseSize() / 2 + 1;
      if (refill) {
        state.refilling = true;
      }
    }
    if (refill) {
      refillLease(key, state);
    }
    (granted ? admitted : rejected).incrementAndGet();
    meters.decision(granted);
    return granted;
  }

  private void refillLease(String key, KeyState state) {
    long unused;
    synchronized (state) {
      unused = System.nanoTime() - state.leaseExpiresNanos >= 0 ? state.leased : 0;
      state.leased -= unused;
    }
    long[] amounts =
        unused > 0 ? new long[] {-unused, config.leaseSize()} : new long[] {config.leaseSize()};
    roundTrip(key, amounts, true)
        .onComplete(
            result -> {
              synchronized (state) {
                state.refilling = false;
                if (result.succeeded()) {
                  state.leased += result.result()[amounts.length - 1];
                  state.leaseExpiresNanos = System.nanoTime() + config.leaseMillis() * 1_000_000L;
                }
              }
            });
  }

  private Future<Boolean> leased(String key, long tokens) {
    KeyState state = keys.computeIfAbsent(key, k -> new KeyState());
    long unusedToReturn = 0;
    synchronized (state) {
      long now = System.nanoTime();
      if (state.leased > 0 && now - state.leaseExpiresNanos > 0) {
        unusedToReturn = state.leased;
        state.leased = 0;
      }
      if (state.leased >= tokens) {
        state.leased -= tokens;
        return Future.succeededFuture(true);
      }
    }
    if (unusedToReturn > 0) {
      roundTrip(key, new long[] {-unusedToReturn}, true);
    }
    long ask = Math.max(tokens, config.leaseSize());
    return roundTrip(key, new long[] {ask}, true)
        .map(
            granted -> {
              synchronized (state) {
                state.leased += granted[0];
                state.leaseExpiresNanos = System.nanoTime() + config.leaseMillis() * 1_000_000L;
                if (state.leased >= tokens) {
                  state.leased -= tokens;
                  return true;
                }
                return false;
              }
            })
        .recover(failure -> Future.succeededFuture(config.failOpen()));
  }

  /** One atomic decision on the key's owner, bounded by the round-trip timeout. */
  private Future<long[]> roundTrip(String key, long[] amounts, boolean partial) {
    roundTrips.incrementAndGet();
    Context context = vertx.getOrCreateContext();
    Promise<long[]> promise = Promise.promise();
    long timer =
        vertx.setTimer(
            config.roundTripTimeoutMillis(),
            t ->
                promise.tryFail(
                    new IllegalStateException(
                        "no answer from the cluster within "
                            + config.roundTripTimeoutMillis()
                            + " ms")));
    try {
      buckets
          .submitToKey(
              key,
              new BucketProcessor(
                  amounts, partial, config.capacity(), intervalNanos, config.idleTtlMillis()))
          .whenComplete(
              (granted, failure) ->
                  context.runOnContext(
                      v -> {
                        vertx.cancelTimer(timer);
                        if (failure != null) {
                          promise.tryFail(failure);
                        } else {
                          promise.tryComplete(granted);
                        }
                      }));
    } catch (RuntimeException unreachable) {
      // Hazelcast refuses at once when this member has left or shut down.
      vertx.cancelTimer(timer);
      promise.tryFail(unreachable);
    }
    return promise
        .future()
        .andThen(
            result ->
                clusterError =
                    result.succeeded() ? null : String.valueOf(result.cause().getMessage()));
  }

  public JsonObject stats() {
    return new JsonObject()
        .put("type", "clusterRateLimiter")
        .put("mode", config.mode().name())
        .put("capacity", config.capacity())
        .put("refillPerSecond", config.refillPerSecond())
        .put("admitted", admitted.get())
        .put("rejected", rejected.get())
        .put("roundTrips", roundTrips.get())
        .put("keys", keys.size())
        .put("clusterReachable", clusterError == null)
        .put("whenUnreachable", config.failOpen() ? "fail open" : "fail closed")
        .put("lastClusterError", clusterError);
  }
}
