package io.swarmcore.node;

import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
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

  /**
   * Mutual TLS between event-bus peers: each side shows its certificate and accepts only one that
   * chains to the cluster CA. Vert.x's event bus trusts every certificate by default, so this says
   * otherwise explicitly.
   */
  static void mutualTls(EventBusOptions options, NodeConfig.Tls tls) {
    options
        .setSsl(true)
        .setClientAuth(ClientAuth.REQUIRED)
        .setTrustAll(false)
        .setKeyCertOptions(
            new PemKeyCertOptions()
                .setCertPath(tls.certFile().toString())
                .setKeyPath(tls.keyFile().toString()))
        .setTrustOptions(new PemTrustOptions().addCertPath(tls.caFile().toString()));
  }

  /** Applies Swarm's defaults to {@code options} where the operator set nothing. */
  public static VertxOptions withDefaults(VertxOptions options, NodeConfig config) {
    if (options.getMetricsOptions() == null || !options.getMetricsOptions().isEnabled()) {
      options.setMetricsOptions(metricsOptions(config.nodeId()));
    }
    if (options.getEventBusOptions().getHost() == null) {
      options.getEventBusOptions().setHost(config.cluster().host());
    }
    config.cluster().tls().ifPresent(tls -> mutualTls(options.getEventBusOptions(), tls));
    return options;
  }
}
