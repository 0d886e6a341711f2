import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Base64;

/**
 * A Vert.x application that uses Swarm with nothing but Vert.x: no Swarm class on its classpath.
 * It joins the cluster on 127.0.0.1, submits a transaction on swarm.api.submit, reads its receipt
 * and the node status, and asks for a block without naming one. Prints one line per answer.
 *
 * <p>Arguments: cluster name, first Hazelcast port of this member, the members (host:port,
 * comma-separated).
 */
public class PlainVertxClient {
  public static void main(String[] args) throws Exception {
    Config hazelcast = ConfigUtil.loadConfig();
    hazelcast.setClusterName(args[0]);
    hazelcast.setProperty("hazelcast.phone.home.enabled", "false");
    NetworkConfig network = hazelcast.getNetworkConfig();
    network.setPort(Integer.parseInt(args[1])).setPortAutoIncrement(true);
    network.getInterfaces().clear().setEnabled(true).addInterface("127.0.0.1");
    network.getJoin().getMulticastConfig().setEnabled(false);
    network.getJoin().getAutoDetectionConfig().setEnabled(false);
    for (String member : args[2].split(",")) {
      network.getJoin().getTcpIpConfig().setEnabled(true).addMember(member);
    }
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost("127.0.0.1");
    Vertx vertx =
        Vertx.builder()
            .with(options)
            .withClusterManager(new HazelcastClusterManager(hazelcast))
            .buildClustered()
            .await();
    try {
      JsonObject transaction =
          new JsonObject()
              .put("clientId", "plain-vertx")
              .put("nonce", 1)
              .put("payload", Base64.getEncoder().encodeToString("hello".getBytes()))
              .put("timeoutMs", 30_000);
      JsonObject receipt =
          vertx.eventBus().<JsonObject>request("swarm.api.submit", transaction).await().body();
      System.out.println("SUBMIT " + receipt.encode());
      JsonObject again =
          vertx
              .eventBus()
              .<JsonObject>request(
                  "swarm.api.receipt", new JsonObject().put("txHash", receipt.getString("txHash")))
              .await()
              .body();
      System.out.println("RECEIPT " + again.encode());
      JsonObject status =
          vertx.eventBus().<JsonObject>request("swarm.api.status", new JsonObject()).await().body();
      System.out.println("STATUS " + status.encode());
      try {
        vertx.eventBus().request("swarm.api.block", new JsonObject()).await();
        System.out.println("BLOCK answered");
      } catch (ReplyException refused) {
        System.out.println("REFUSED " + refused.failureCode() + " " + refused.getMessage());
      }
    } finally {
      vertx.close().await();
    }
    System.exit(0);
  }
}
