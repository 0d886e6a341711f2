package io.swarmcore.node;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.swarmcore.codecs.RejectCode;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The node's own meters, in the node's Micrometer registry (served at /metrics). */
public final class NodeMetrics {
  private final MeterRegistry registry;
  private final Map<RejectCode, Counter> rejected = new EnumMap<>(RejectCode.class);
  private final List<Supplier<Number>> counted = new java.util.concurrent.CopyOnWriteArrayList<>();

  private NodeMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (RejectCode code : RejectCode.values()) {
      rejected.put(
          code,
          Counter.builder("swarm_messages_rejected")
              .description("Messages from the network refused before use, by reason")
              .tag("reason", code.name())
              .register(registry));
    }
  }

  /** Meters in the node's registry, or in a private one when Vert.x runs without metrics. */
  public static NodeMetrics forNode(String nodeId) {
    MeterRegistry registry = BackendRegistries.getNow(NodeVertx.metricsRegistry(nodeId));
    return new NodeMetrics(registry != null ? registry : new SimpleMeterRegistry());
  }

  void rejected(RejectCode code) {
    rejected.get(code).increment();
  }

  public void gauge(String name, String description, Supplier<Number> value) {
    io.micrometer.core.instrument.Gauge.builder(name, value)
        .description(description)
        .register(registry);
  }

  /** A counter read from {@code total}, which only grows (Prometheus: {@code name_total}). */
  public void counter(String name, String description, Supplier<Number> total) {
    // Micrometer holds a function counter's object weakly: kept here, it lives as long as the node.
    counted.add(total);
    FunctionCounter.builder(name, total, value -> value.get().doubleValue())
        .description(description)
        .register(registry);
  }

  /**
   * A latency histogram (Prometheus: {@code name_seconds_bucket}, {@code _sum}, {@code _count}),
   * with buckets from {@code min} to {@code max}.
   */
  public Timer timer(String name, String description, Duration min, Duration max) {
    return Timer.builder(name)
        .description(description)
        .publishPercentileHistogram()
        .minimumExpectedValue(min)
        .maximumExpectedValue(max)
        .register(registry);
  }
}
