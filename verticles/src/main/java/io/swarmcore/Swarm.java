package io.swarmcore;

import io.swarmcore.node.ConfigException;
import io.swarmcore.node.NodeConfig;
import io.swarmcore.node.NodeConfigLoader;
import io.swarmcore.node.NodeVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Swarm inside another application's Vert.x (docs/EMBEDDING.md): {@link #embed} deploys a whole
 * node, as {@code swarm run} would, into the caller's clustered Vert.x instance.
 */
public final class Swarm {
  private Swarm() {}

  /** A node running in the caller's Vert.x. */
  public record EmbeddedNode(Vertx vertx, NodeConfig config, String deploymentId) {
    /** Undeploys the node and everything it started; the Vert.x instance stays the caller's. */
    public Future<Void> stop() {
      return vertx.undeploy(deploymentId);
    }
  }

  /**
   * Starts a node in {@code vertx} with {@code config} (the keys of conf/node.json; what it leaves
   * out takes the defaults). A chain of several validators needs a Vert.x clustered with Hazelcast
   * (they talk over the clustered event bus); a single-validator chain runs in any Vert.x.
   *
   * @return the running node, or a failure naming every configuration problem
   */
  public static Future<EmbeddedNode> embed(Vertx vertx, JsonObject config) {
    JsonObject merged = NodeConfigLoader.defaults().mergeIn(config.copy(), true);
    NodeConfig parsed;
    try {
      parsed = NodeConfig.parse(merged);
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    return vertx
        .deployVerticle(NodeVerticle.class.getName(), new DeploymentOptions().setConfig(merged))
        .map(id -> new EmbeddedNode(vertx, parsed, id));
  }
}
