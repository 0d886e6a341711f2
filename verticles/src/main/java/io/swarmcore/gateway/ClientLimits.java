package io.swarmcore.gateway;

import io.swarmcore.node.NodeConfig;
import io.swarmcore.resilience.Bulkhead;
import io.swarmcore.resilience.ClusterRateLimiter;
import io.swarmcore.resilience.ClusterRateLimiterConfig;
import io.swarmcore.resilience.ResilienceManager;
import io.swarmcore.resilience.core.TokenBucket;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The gateway's protections, shared by the gRPC and event-bus APIs: a token bucket per client and
 * one per network address (so that a client inventing ids does not multiply its budget), counted
 * across the cluster (Hazelcast maps) when Vert.x is clustered and in this node otherwise (a
 * single-node chain, an embedded node without a cluster), and a bulkhead on submissions. Refusals
 * are {@link ApiException}s with when to retry.
 */
final class ClientLimits {
  // A node alone keeps at most this many buckets (the least recently used go first).
  private static final int LOCAL_BUCKETS = 10_000;

  /** One kind of bucket: per client, or per address. */
  private record Buckets(
      String what,
      long rate,
      long burst,
      ClusterRateLimiter cluster,
      Map<String, TokenBucket> local) {}

  private final Buckets clients;
  private final Buckets addresses;
  private final Bulkhead submissions;

  ClientLimits(Vertx vertx, NodeConfig.GatewaySettings settings, ResilienceManager resilience) {
    this.clients =
        buckets(
            vertx,
            resilience,
            "gateway-clients",
            settings.clientRatePerSecond(),
            settings.clientBurst());
    this.addresses =
        buckets(
            vertx,
            resilience,
            "gateway-addresses",
            settings.addressRatePerSecond(),
            settings.addressBurst());
    this.submissions =
        resilience.bulkhead("gateway-submissions", settings.maxInFlightSubmissions(), 0, 0);
  }

  private static Buckets buckets(
      Vertx vertx, ResilienceManager resilience, String name, long rate, long burst) {
    if (vertx.isClustered()) {
      return new Buckets(
          name,
          rate,
          burst,
          resilience.clusterRateLimiter(name, ClusterRateLimiterConfig.exact(burst, rate)),
          null);
    }
    return new Buckets(
        name,
        rate,
        burst,
        null,
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
            return size() > LOCAL_BUCKETS;
          }
        });
  }

  /**
   * A token of the address's bucket (when there is an address) and of the client's, or
   * RESOURCE_EXHAUSTED with when to retry. Completes on the caller's context, whichever member's
   * answer completes the cluster round trip.
   *
   * @param address the client's network address, or null (the event bus has none)
   * @param client the client's name: its id, or its address
   */
  Future<Void> admit(String address, String client) {
    Context caller = Vertx.currentContext();
    Future<Void> granted =
        address == null
            ? take(clients, client)
            : take(addresses, address).compose(ok -> take(clients, client));
    if (caller == null) {
      return granted;
    }
    Promise<Void> onCaller = Promise.promise();
    granted.onComplete(
        decided -> {
          if (Vertx.currentContext() == caller) {
            onCaller.handle(decided);
          } else {
            caller.runOnContext(ignored -> onCaller.handle(decided));
          }
        });
    return onCaller.future();
  }

  /** A token from {@code buckets} for {@code key}, or the refusal that names the bucket. */
  private static Future<Void> take(Buckets buckets, String key) {
    Future<Boolean> granted;
    if (buckets.cluster() != null) {
      granted = buckets.cluster().tryAcquire(key, 1);
    } else {
      synchronized (buckets.local()) {
        granted =
            Future.succeededFuture(
                buckets
                    .local()
                    .computeIfAbsent(key, k -> new TokenBucket(buckets.burst(), buckets.rate()))
                    .tryAcquire(1, System.nanoTime()));
      }
    }
    return granted.compose(
        ok ->
            ok
                ? Future.<Void>succeededFuture()
                : Future.failedFuture(
                    new ApiException(
                        ApiException.Kind.RESOURCE_EXHAUSTED,
                        "rate limited: "
                            + key
                            + " may make "
                            + buckets.rate()
                            + " requests a second ("
                            + buckets.what()
                            + (buckets.cluster() != null
                                ? ", across the cluster"
                                : ", at this node")
                            + "); retry later",
                        Math.max(1, 1_000 / buckets.rate()))));
  }

  /** Runs a submission inside the bulkhead (full: RESOURCE_EXHAUSTED). */
  <T> Future<T> submission(Supplier<Future<T>> call) {
    return submissions.execute(call);
  }
}
