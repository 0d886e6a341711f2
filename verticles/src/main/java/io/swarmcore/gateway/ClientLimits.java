package io.swarmcore.gateway;

import io.swarmcore.node.NodeConfig;
import io.swarmcore.resilience.Bulkhead;
import io.swarmcore.resilience.ClusterRateLimiter;
import io.swarmcore.resilience.ClusterRateLimiterConfig;
import io.swarmcore.resilience.ResilienceManager;
import io.swarmcore.resilience.core.TokenBucket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The gateway's protections, shared by the gRPC and event-bus APIs: a token bucket per client,
 * counted across the cluster (a Hazelcast map) when Vert.x is clustered and in this node alone
 * otherwise (a single-node chain, an embedded node without a cluster), and a bulkhead on
 * submissions. Refusals are {@link ApiException}s with when to retry.
 */
final class ClientLimits {
  // A node alone keeps at most this many clients' buckets (the least recently seen go first).
  private static final int LOCAL_CLIENTS = 10_000;

  private final NodeConfig.GatewaySettings settings;
  private final ClusterRateLimiter cluster;
  private final ClusterRateLimiter clusterAddresses;
  private final Map<String, TokenBucket> local;
  private final Bulkhead submissions;

  ClientLimits(Vertx vertx, NodeConfig.GatewaySettings settings, ResilienceManager resilience) {
    this.settings = settings;
    this.cluster =
        vertx.isClustered()
            ? resilience.clusterRateLimiter(
                "gateway-clients",
                ClusterRateLimiterConfig.exact(
                    settings.clientBurst(), settings.clientRatePerSecond()))
            : null;
    // All clients behind one address together: four clients' worth, so that rotating client ids
    // from one address does not multiply the budget.
    this.clusterAddresses =
        vertx.isClustered()
            ? resilience.clusterRateLimiter(
                "gateway-addresses",
                ClusterRateLimiterConfig.exact(
                    4 * settings.clientBurst(), 4 * settings.clientRatePerSecond()))
            : null;
    this.local =
        vertx.isClustered()
            ? null
            : new LinkedHashMap<>(16, 0.75f, true) {
              @Override
              protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
                return size() > LOCAL_CLIENTS;
              }
            };
    this.submissions =
        resilience.bulkhead("gateway-submissions", settings.maxInFlightSubmissions(), 0, 0);
  }

  /**
   * One token of the client's bucket (and of its address's, when it has one), or RESOURCE_EXHAUSTED
   * with when to retry. Completes on the caller's context, whichever member's answer completes the
   * cluster round trip.
   *
   * @param address the client's network address, or null (the event bus has none)
   * @param client the client's name: its id, or its address
   */
  Future<Void> admit(String address, String client) {
    io.vertx.core.Context caller = io.vertx.core.Vertx.currentContext();
    Future<Boolean> granted =
        address == null
            ? take(cluster, client, 1)
            : take(clusterAddresses, "address:" + address, 4)
                .compose(ok -> ok ? take(cluster, client, 1) : Future.succeededFuture(false));
    io.vertx.core.Promise<Void> admitted = io.vertx.core.Promise.promise();
    granted.onComplete(
        decided -> {
          Runnable answer =
              () -> {
                if (decided.failed()) {
                  admitted.fail(decided.cause());
                } else if (decided.result()) {
                  admitted.complete();
                } else {
                  admitted.fail(refusal(client));
                }
              };
          if (caller == null || caller == io.vertx.core.Vertx.currentContext()) {
            answer.run();
          } else {
            caller.runOnContext(ignored -> answer.run());
          }
        });
    return admitted.future();
  }

  /** A token from {@code shared} (clustered) or from this node's bucket for {@code key}. */
  private Future<Boolean> take(ClusterRateLimiter shared, String key, int scale) {
    if (shared != null) {
      return shared.tryAcquire(key, 1);
    }
    synchronized (local) {
      return Future.succeededFuture(
          local
              .computeIfAbsent(
                  key,
                  k ->
                      new TokenBucket(
                          scale * settings.clientBurst(), scale * settings.clientRatePerSecond()))
              .tryAcquire(1, System.nanoTime()));
    }
  }

  private ApiException refusal(String client) {
    return new ApiException(
        ApiException.Kind.RESOURCE_EXHAUSTED,
        "rate limited: "
            + client
            + " may make "
            + settings.clientRatePerSecond()
            + " requests a second"
            + (cluster != null ? " across the cluster" : " at this node")
            + "; retry later",
        Math.max(1, 1_000 / settings.clientRatePerSecond()));
  }

  /** Runs a submission inside the bulkhead (full: RESOURCE_EXHAUSTED). */
  <T> Future<T> submission(Supplier<Future<T>> call) {
    return submissions.execute(call);
  }
}
