package io.swarmcore.node;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.XmlConfigBuilder;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Builds a node's Hazelcast configuration: the file named by {@code cluster.hazelcastConfig}, else
 * the one named by the {@code vertx.hazelcast.config} system property, else conf/cluster.xml (the
 * copy in the jar); with the cluster name, port, interface and member list always taken from the
 * node configuration.
 */
public final class HazelcastConfigs {
  static final String DEFAULT_RESOURCE = "/io/swarmcore/node/defaults/cluster.xml";
  static final String FILE_PROPERTY = "vertx.hazelcast.config";

  private HazelcastConfigs() {}

  public static Config forNode(NodeConfig.Cluster cluster) {
    Config config =
        cluster.hazelcastConfig().map(HazelcastConfigs::fromFile).orElseGet(() -> base());
    config.setClusterName(cluster.name());
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(true);
    network.getInterfaces().clear().setEnabled(true).addInterface(cluster.host());
    network.getJoin().getMulticastConfig().setEnabled(false);
    network.getJoin().getAutoDetectionConfig().setEnabled(false);
    network.getJoin().getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    // Never phone home, whatever an operator's own cluster.xml says.
    config.setProperty("hazelcast.phone.home.enabled", "false");
    return config;
  }

  private static Config fromFile(java.nio.file.Path file) {
    try {
      return new FileSystemXmlConfig(file.toFile());
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException(
          "\"cluster.hazelcastConfig\" names " + file + ", which does not exist", e);
    }
  }

  private static Config base() {
    String file = System.getProperty(FILE_PROPERTY);
    if (file != null && !file.startsWith("classpath:")) {
      try {
        return new FileSystemXmlConfig(file);
      } catch (FileNotFoundException e) {
        throw new IllegalArgumentException(
            "-D" + FILE_PROPERTY + " names " + file + ", which does not exist", e);
      }
    }
    try (InputStream in = HazelcastConfigs.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + DEFAULT_RESOURCE);
      }
      return new XmlConfigBuilder(in).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
