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

  /** One token of {@code client}'s bucket, or RESOURCE_EXHAUSTED with when to retry. */
  Future<Void> admit(String client) {
    Future<Boolean> granted;
    if (cluster != null) {
      granted = cluster.tryAcquire(client, 1);
    } else {
      synchronized (local) {
        granted =
            Future.succeededFuture(
                local
                    .computeIfAbsent(
                        client,
                        c ->
                            new TokenBucket(settings.clientBurst(), settings.clientRatePerSecond()))
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
                            + client
                            + " may make "
                            + settings.clientRatePerSecond()
                            + " requests a second"
                            + (cluster != null ? " across the cluster" : "")
                            + "; retry later",
                        Math.max(1, 1_000 / settings.clientRatePerSecond()))));
  }

  /** Runs a submission inside the bulkhead (full: RESOURCE_EXHAUSTED). */
  <T> Future<T> submission(Supplier<Future<T>> call) {
    return submissions.execute(call);
  }
}
