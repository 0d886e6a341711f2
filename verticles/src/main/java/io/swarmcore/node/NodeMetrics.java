package io.swarmcore.node;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.swarmcore.codecs.RejectCode;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/** The node's own meters, in the node's Micrometer registry (served at /metrics). */
public final class NodeMetrics {
  private final MeterRegistry registry;
  private final Map<RejectCode, Counter> rejected = new EnumMap<>(RejectCode.class);

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
  static NodeMetrics forNode(String nodeId) {
    MeterRegistry registry = BackendRegistries.getNow(NodeVertx.metricsRegistry(nodeId));
    return new NodeMetrics(registry != null ? registry : new SimpleMeterRegistry());
  }

  void rejected(RejectCode code) {
    rejected.get(code).increment();
  }

  void gauge(String name, String description, Supplier<Number> value) {
    io.micrometer.core.instrument.Gauge.builder(name, value)
        .description(description)
        .register(registry);
  }
}
