package io.swarmcore.resilience;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.function.Supplier;

/**
 * The resilience meters, in Prometheus terms: {@code resilience_circuit_breaker_state{service}} (0
 * closed, 1 open, 2 half-open), {@code resilience_circuit_breaker_requests_total} and {@code
 * _failures_total}, {@code resilience_rate_limiter_requests_total} and {@code _rejections_total},
 * {@code resilience_bulkhead_current} and {@code _max_concurrent}, {@code
 * resilience_slow_calls_total} and {@code resilience_retries_total}. Micrometer adds {@code _total}
 * to counters on export. The latency histogram {@code resilience_protect_seconds} is {@link
 * ProtectLatency}'s.
 */
public final class ResilienceMetrics {
  private final MeterRegistry registry;

  public ResilienceMetrics(MeterRegistry registry) {
    this.registry = registry == null ? new SimpleMeterRegistry() : registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** A breaker's meters, looked up once. */
  final class BreakerMeters {
    private final Counter requests;
    private final Counter failures;
    private final Counter slow;

    private BreakerMeters(String service, Supplier<Number> state) {
      Gauge.builder("resilience_circuit_breaker_state", state)
          .description("Circuit breaker state: 0 closed, 1 open, 2 half-open")
          .tag("service", service)
          .register(registry);
      requests =
          counter("resilience_circuit_breaker_requests", "Calls through the breaker", service);
      failures =
          counter(
              "resilience_circuit_breaker_failures", "Failed calls through the breaker", service);
      slow =
          counter(
              "resilience_slow_calls",
              "Calls slower than the breaker's slow-call threshold",
              service);
    }

    void call(boolean failed, boolean slowCall) {
      requests.increment();
      if (failed) {
        failures.increment();
      }
      if (slowCall) {
        slow.increment();
      }
    }
  }

  /** A rate limiter's meters, looked up once. */
  final class LimiterMeters {
    private final Counter requests;
    private final Counter rejections;

    private LimiterMeters(String service) {
      requests = counter("resilience_rate_limiter_requests", "Rate-limiter decisions", service);
      rejections = counter("resilience_rate_limiter_rejections", "Rate-limiter refusals", service);
    }

    void decision(boolean admitted) {
      requests.increment();
      if (!admitted) {
        rejections.increment();
      }
    }
  }

  BreakerMeters breaker(String service, Supplier<Number> state) {
    return new BreakerMeters(service, state);
  }

  LimiterMeters limiter(String service) {
    return new LimiterMeters(service);
  }

  void bulkhead(String service, Supplier<Number> current, int maxConcurrent) {
    Gauge.builder("resilience_bulkhead_current", current)
        .description("Calls in flight in the bulkhead")
        .tag("service", service)
        .register(registry);
    Gauge.builder("resilience_bulkhead_max_concurrent", () -> maxConcurrent)
        .description("The bulkhead's limit of concurrent calls")
        .tag("service", service)
        .register(registry);
  }

  void bulkheadRejected(String service) {
    counter("resilience_bulkhead_rejections", "Calls the bulkhead refused", service).increment();
  }

  void retried(String service) {
    counter("resilience_retries", "Retried calls", service).increment();
  }

  private Counter counter(String name, String description, String service) {
    return Counter.builder(name)
        .description(description)
        .tag("service", service)
        .register(registry);
  }
}
