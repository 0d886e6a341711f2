package io.swarmcore.resilience;

import io.swarmcore.resilience.core.Admission;
import io.swarmcore.resilience.core.BreakerPolicy;
import io.swarmcore.resilience.core.BreakerState;
import io.swarmcore.resilience.core.Transition;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A circuit breaker on Vert.x Circuit Breaker, with Swarm's trip policy. Vert.x runs the call (with
 * its call timeout); {@link BreakerPolicy} decides admission and transitions: a failure rate and a
 * slow-call rate over a time-bucketed sliding window, evaluated only after a minimum number of
 * calls, where Vert.x's own rule is a failure count that any success resets. The Vert.x breaker is
 * therefore configured never to trip by itself.
 */
public final class CircuitBreaker {
  private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);

  private final String name;
  private final CircuitBreakerConfig config;
  private final io.vertx.circuitbreaker.CircuitBreaker execution;
  private BreakerPolicy policy;
  private final List<Consumer<Transition>> listeners = new CopyOnWriteArrayList<>();
  private final ResilienceMetrics.BreakerMeters meters;
  private final CallDeadlines deadlines;
  private final CoarseClock clock;
  private volatile BreakerState state = BreakerState.CLOSED;
  private long rejected;

  CircuitBreaker(
      Vertx vertx,
      String name,
      CircuitBreakerConfig config,
      BreakerPolicy policy,
      ResilienceMetrics metrics,
      CoarseClock clock) {
    this.clock = clock;
    this.name = name;
    this.config = config;
    this.policy = policy;
    this.execution =
        io.vertx.circuitbreaker.CircuitBreaker.create(
            "swarm-" + name,
            vertx,
            new CircuitBreakerOptions()
                // Call timeouts are ours (CallDeadlines): one periodic sweep per breaker instead
                // of a Vert.x timer set and cancelled around every call.
                .setTimeout(-1)
                .setMaxFailures(Integer.MAX_VALUE)
                .setFallbackOnFailure(false)
                .setNotificationAddress(null));
    this.state = policy.state(clock.millis());
    this.meters = metrics.breaker(name, () -> state.gaugeValue());
    this.deadlines = new CallDeadlines(vertx, name, config.callTimeoutMillis());
  }

  public String name() {
    return name;
  }

  public CircuitBreakerConfig config() {
    return config;
  }

  /** Called with every state change (on the thread that caused it). */
  public CircuitBreaker onTransition(Consumer<Transition> listener) {
    listeners.add(listener);
    return this;
  }

  /** Runs {@code call} if the breaker admits it, and records the outcome. */
  public <T> Future<T> execute(Supplier<Future<T>> call) {
    return execute(call, System.nanoTime(), null);
  }

  /**
   * Like {@link #execute(Supplier)}, also recording the time since {@code startNanos} in {@code
   * latency} (refusals included) from the same completion callback.
   */
  <T> Future<T> execute(
      Supplier<Future<T>> call, long startNanos, ProtectLatency.Histogram latency) {
    Admission admission = tryAcquire();
    if (!admission.admitted()) {
      if (latency != null) {
        latency.record(System.nanoTime() - startNanos);
      }
      return Future.failedFuture(
          ResilienceException.circuitOpen(name, admission.retryAfterMillis(), admission.reason()));
    }
    return deadlines.bound(
        execution.execute(call),
        startNanos,
        outcome -> {
          long elapsed = System.nanoTime() - startNanos;
          if (outcome.failed() && refusedBehind(outcome.cause())) {
            cancel(admission);
          } else {
            record(admission, elapsed, outcome.failed());
          }
          if (latency != null) {
            latency.record(elapsed);
          }
        });
  }

  /** Like {@link #execute}, answering {@code fallback}'s value for any failure or refusal. */
  public <T> Future<T> executeWithFallback(
      Supplier<Future<T>> call, Function<Throwable, T> fallback) {
    return execute(call).recover(failure -> Future.succeededFuture(fallback.apply(failure)));
  }

  /**
   * The permission path, for callers that run the call themselves: ask, run, then {@link #record}
   * the outcome with the same admission.
   */
  public Admission tryAcquire() {
    // Closed is the common case and needs neither the lock nor the clock: the policy only
    // counts admissions while half-open, and time only matters while open.
    if (state == BreakerState.CLOSED) {
      return Admission.call();
    }
    Admission admission;
    Transition transition;
    synchronized (this) {
      admission = policy.tryAcquire(clock.millis());
      transition = policy.pollTransition();
      if (!admission.admitted()) {
        rejected++;
      }
    }
    published(transition);
    return admission;
  }

  /** A refusal by a component behind the breaker: the dependency was never called. */
  private static boolean refusedBehind(Throwable failure) {
    return failure instanceof ResilienceException refused
        && (refused.kind() == ResilienceException.Kind.RATE_LIMITED
            || refused.kind() == ResilienceException.Kind.BULKHEAD_FULL);
  }

  /** Hands back an admission whose call never reached the dependency. */
  public void cancel(Admission admission) {
    synchronized (this) {
      policy.onCancelled(admission.probe());
    }
  }

  /** Records an admitted call's outcome. */
  public void record(Admission admission, long durationNanos, boolean failed) {
    long millis = durationNanos / 1_000_000;
    boolean slow = millis >= config.policy().slowCallDurationMillis();
    Transition transition;
    synchronized (this) {
      long now = clock.millis();
      transition =
          failed
              ? policy.onFailure(now, millis, admission.probe())
              : policy.onSuccess(now, millis, admission.probe());
    }
    meters.call(failed, slow);
    published(transition);
  }

  /** Takes over the state another instance shared for this name (see shared breakers). */
  void adopt(BreakerState shared, long openUntilMillis) {
    Transition transition = null;
    synchronized (this) {
      BreakerState before = policy.state(clock.millis());
      policy = BreakerPolicy.resumed(config.policy(), shared, openUntilMillis);
      BreakerState after = policy.state(clock.millis());
      policy.pollTransition();
      if (after != before) {
        transition = new Transition(before, after, clock.millis(), "state shared by the cluster");
      }
    }
    published(transition);
  }

  /** Forces a state, as an operator (or the shared state of another instance) says. */
  public void force(BreakerState forced) {
    Transition transition;
    synchronized (this) {
      transition = policy.force(forced, clock.millis());
    }
    published(transition);
  }

  public BreakerState state() {
    synchronized (this) {
      BreakerState now = policy.state(clock.millis());
      Transition transition = policy.pollTransition();
      if (transition != null) {
        published(transition);
      }
      return now;
    }
  }

  /** Stops the call-timeout sweep (calls in flight then run without a deadline). */
  void close() {
    deadlines.close();
  }

  synchronized long openUntilMillis() {
    return policy.openUntilMillis();
  }

  private void published(Transition transition) {
    if (transition == null) {
      return;
    }
    state = transition.to();
    LOG.info(
        "circuit breaker {}: {} -> {} ({})",
        name,
        transition.from(),
        transition.to(),
        transition.reason());
    for (Consumer<Transition> listener : listeners) {
      listener.accept(transition);
    }
  }

  public JsonObject stats() {
    synchronized (this) {
      var window = policy.window(clock.millis());
      return new JsonObject()
          .put("type", "circuitBreaker")
          .put("state", policy.state(clock.millis()).name())
          .put("critical", config.critical())
          .put("shared", config.shared())
          .put("calls", window.calls())
          .put("failures", window.failures())
          .put("slowCalls", window.slowCalls())
          .put("failureRate", window.failureRate())
          .put("slowCallRate", window.slowCallRate())
          .put("rejected", rejected)
          .put("openUntilMillis", policy.openUntilMillis());
    }
  }
}
