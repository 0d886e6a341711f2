package io.swarmcore.node;

import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

/** Vert.x settings every Swarm node runs with, whether launched, embedded or tested. */
public final class NodeVertx {
  /** Micrometer registry name of a node's metrics (one per node, also with several per JVM). */
  public static String metricsRegistry(String nodeId) {
    return "swarm-" + nodeId;
  }

  private NodeVertx() {}

  public static MicrometerMetricsOptions metricsOptions(String nodeId) {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setRegistryName(metricsRegistry(nodeId))
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
  }

  /** Applies Swarm's defaults to {@code options} where the operator set nothing. */
  public static VertxOptions withDefaults(VertxOptions options, NodeConfig config) {
    if (options.getMetricsOptions() == null || !options.getMetricsOptions().isEnabled()) {
      options.setMetricsOptions(metricsOptions(config.nodeId()));
    }
    if (options.getEventBusOptions().getHost() == null) {
      options.getEventBusOptions().setHost(config.cluster().host());
    }
    return options;
  }
}
