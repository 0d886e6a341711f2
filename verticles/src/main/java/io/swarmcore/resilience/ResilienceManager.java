package io.swarmcore.resilience;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.swarmcore.resilience.core.BreakerPolicy;
import io.swarmcore.resilience.core.BreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A registry of resilience components by name, and {@link #protect}, which sends a call through the
 * components registered under one name in this order: circuit breaker, rate limiter, bulkhead, the
 * call, recording the outcome in the breaker. Components a name lacks are skipped.
 */
public final class ResilienceManager {
  static final String SHARED_BREAKERS = "swarm.resilience.breakers";

  private final Vertx vertx;
  private final ResilienceMetrics metrics;
  private final CoarseClock clock;
  private final ProtectLatency latency;
  private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
  private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();
  private final Map<String, ClusterRateLimiter> clusterLimiters = new ConcurrentHashMap<>();
  private final Map<String, Bulkhead> bulkheads = new ConcurrentHashMap<>();
  private final Map<String, Retry> retries = new ConcurrentHashMap<>();

  /** Per name, the chain {@link #protect} runs; rebuilt when a component is registered. */
  private final Map<String, Protection> protections = new ConcurrentHashMap<>();

  private record Protection(
      CircuitBreaker breaker,
      RateLimiter limiter,
      Bulkhead bulkhead,
      ProtectLatency.Histogram latency) {}

  private ResilienceManager(Vertx vertx, MeterRegistry registry) {
    this.vertx = vertx;
    this.metrics = new ResilienceMetrics(registry);
    this.clock = new CoarseClock(vertx);
    this.latency = new ProtectLatency(this.metrics.registry());
  }

  /** A manager whose meters go to {@code registry} (null: a private registry). */
  public static ResilienceManager create(Vertx vertx, MeterRegistry registry) {
    return new ResilienceManager(vertx, registry);
  }

  public CircuitBreaker circuitBreaker(String name, CircuitBreakerConfig config) {
    protections.remove(name);
    return breakers.computeIfAbsent(name, n -> newBreaker(n, config));
  }

  private CircuitBreaker newBreaker(String name, CircuitBreakerConfig config) {
    CircuitBreaker breaker =
        new CircuitBreaker(vertx, name, config, new BreakerPolicy(config.policy()), metrics, clock);
    clock.start();
    if (config.shared()) {
      shareState(breaker);
    }
    return breaker;
  }

  /**
   * Starts the breaker from the state the cluster holds for its name, and writes every transition
   * back. Only transitions touch the cluster; admission stays local.
   */
  private void shareState(CircuitBreaker breaker) {
    IMap<String, String> shared = hazelcast().getMap(SHARED_BREAKERS);
    shared.getAsync(breaker.name()).thenAccept(value -> adopt(breaker, value));
    // Follow the transitions other instances make later, too.
    shared.addEntryListener(new SharedStateListener(breaker), breaker.name(), true);
    breaker.onTransition(
        transition ->
            shared.setAsync(
                breaker.name(), transition.to().name() + ":" + breaker.openUntilMillis()));
  }

  /** Adopts shared transitions of other members (our own come back from the local member). */
  private static final class SharedStateListener
      implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String> {
    private final CircuitBreaker breaker;

    SharedStateListener(CircuitBreaker breaker) {
      this.breaker = breaker;
    }

    @Override
    public void entryAdded(EntryEvent<String, String> event) {
      entryUpdated(event);
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> event) {
      if (!event.getMember().localMember()) {
        adopt(breaker, event.getValue());
      }
    }
  }

  private static void adopt(CircuitBreaker breaker, String value) {
    if (value == null) {
      return;
    }
    String[] parts = value.split(":");
    try {
      breaker.adopt(BreakerState.valueOf(parts[0]), Long.parseLong(parts[1]));
    } catch (RuntimeException malformed) {
      // Shared state is advisory: a value another member garbled is ignored.
    }
  }

  public RateLimiter rateLimiter(String name, long capacity, long refillPerSecond) {
    protections.remove(name);
    return limiters.computeIfAbsent(
        name, n -> new RateLimiter(vertx, n, capacity, refillPerSecond, metrics));
  }

  public ClusterRateLimiter clusterRateLimiter(String name, ClusterRateLimiterConfig config) {
    return clusterLimiters.computeIfAbsent(
        name, n -> new ClusterRateLimiter(vertx, hazelcast(), n, config, metrics));
  }

  public Bulkhead bulkhead(String name, int maxConcurrent, int maxQueue, long maxWaitMillis) {
    protections.remove(name);
    return bulkheads.computeIfAbsent(
        name, n -> new Bulkhead(vertx, n, maxConcurrent, maxQueue, maxWaitMillis, metrics));
  }

  public Retry retry(String name, RetryConfig config) {
    return retries.computeIfAbsent(name, n -> new Retry(vertx, n, config, metrics));
  }

  /** Breaker, then rate limiter (one token), then bulkhead, then the call. */
  public <T> Future<T> protect(String name, Supplier<Future<T>> call) {
    long start = System.nanoTime();
    Protection cached = protections.get(name);
    Protection protection =
        cached != null ? cached : protections.computeIfAbsent(name, this::protection);
    Supplier<Future<T>> limited = limited(name, protection, call);
    if (protection.breaker() != null) {
      return protection.breaker().execute(limited, start, protection.latency());
    }
    return limited.get().andThen(done -> protection.latency().record(System.nanoTime() - start));
  }

  private Protection protection(String name) {
    return new Protection(
        breakers.get(name), limiters.get(name), bulkheads.get(name), latency.forService(name));
  }

  private static <T> Supplier<Future<T>> limited(
      String name, Protection protection, Supplier<Future<T>> call) {
    Bulkhead bulkhead = protection.bulkhead();
    Supplier<Future<T>> guarded = bulkhead == null ? call : () -> bulkhead.execute(call);
    RateLimiter limiter = protection.limiter();
    if (limiter == null) {
      return guarded;
    }
    return () ->
        limiter.tryAcquire(1)
            ? guarded.get()
            : Future.failedFuture(
                ResilienceException.rateLimited(
                    name, Math.max(1, limiter.nanosUntilAvailable(1) / 1_000_000)));
  }

  /** Stops the timers the manager runs (call-timeout sweeps, the breakers' clock). */
  public void close() {
    breakers.values().forEach(CircuitBreaker::close);
    clock.stop();
  }

  /** True when a breaker marked critical is open: the node should report itself DOWN. */
  public boolean criticalOpen() {
    return breakers.values().stream()
        .anyMatch(b -> b.config().critical() && b.state() == BreakerState.OPEN);
  }

  /** Every component's state, as JSON. */
  public JsonObject stats() {
    JsonObject stats = new JsonObject();
    stats.put("circuitBreakers", section(breakers, CircuitBreaker::stats));
    stats.put("rateLimiters", section(limiters, RateLimiter::stats));
    stats.put("clusterRateLimiters", section(clusterLimiters, ClusterRateLimiter::stats));
    stats.put("bulkheads", section(bulkheads, Bulkhead::stats));
    stats.put("retries", section(retries, Retry::stats));
    stats.put("status", criticalOpen() ? "DOWN" : "UP");
    return stats;
  }

  private static <C> JsonObject section(
      Map<String, C> components, java.util.function.Function<C, JsonObject> stats) {
    JsonObject section = new JsonObject();
    new java.util.TreeMap<>(components)
        .forEach((name, component) -> section.put(name, stats.apply(component)));
    return section;
  }

  private HazelcastInstance hazelcast() {
    if (!vertx.isClustered()
        || !(((VertxInternal) vertx).clusterManager() instanceof HazelcastClusterManager manager)) {
      throw new IllegalStateException(
          "cluster-wide resilience state needs a Vert.x clustered with Hazelcast (run with -cluster)");
    }
    return manager.getHazelcastInstance();
  }
}
