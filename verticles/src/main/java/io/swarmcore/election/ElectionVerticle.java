package io.swarmcore.election;

import io.swarmcore.election.core.EpochState;
import io.swarmcore.election.core.Validator;
import io.swarmcore.node.NodeConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the election: the leader of a view on {@code swarm.election.<nodeId>.leader}, the current
 * epoch on {@code swarm.election.<nodeId>.epoch}, and publishes every new epoch on {@value
 * #EPOCHS}. The work is the core's ({@link ElectionState}); this only adapts it.
 */
public final class ElectionVerticle extends VerticleBase {
  public static final String EPOCHS = "swarm.election.epochs";
  private static final Logger LOG = LoggerFactory.getLogger(ElectionVerticle.class);

  private final NodeConfig config;
  private final ElectionState state;

  public ElectionVerticle(NodeConfig config, ElectionState state) {
    this.config = config;
    this.state = state;
  }

  public static String address(String nodeId, String verb) {
    return "swarm.election." + nodeId + "." + verb;
  }

  @Override
  public Future<?> start() {
    Context context = vertx.getOrCreateContext();
    state.onEpoch(epoch -> context.runOnContext(v -> published(epoch)));
    vertx.eventBus().consumer(address(config.nodeId(), "leader"), this::leader);
    vertx
        .eventBus()
        .consumer(
            address(config.nodeId(), "epoch"), message -> message.reply(json(state.current())));
    return Future.succeededFuture();
  }

  private void leader(Message<Object> message) {
    if (!(message.body() instanceof JsonObject request)
        || !(request.getValue("epoch") instanceof Number epoch)
        || !(request.getValue("view") instanceof Number view)
        || view.longValue() < 0) {
      message.fail(400, "BAD_REQUEST: expected {\"epoch\": n, \"view\": n}");
      return;
    }
    try {
      Validator leader = state.leader(epoch.longValue(), view.longValue());
      message.reply(
          new JsonObject()
              .put("epoch", epoch.longValue())
              .put("view", view.longValue())
              .put("leader", leader.id())
              .put("stake", leader.stake())
              .put("address", leader.address()));
    } catch (IllegalArgumentException e) {
      message.fail(404, "NOT_FOUND: " + e.getMessage());
    }
  }

  private void published(EpochState epoch) {
    LOG.info(
        "epoch {} starts at height {} with {} validators",
        epoch.epoch(),
        epoch.firstHeight(),
        epoch.validators().size());
    epoch.refusedChanges().forEach(refusal -> LOG.warn("refused validator change: {}", refusal));
    vertx.eventBus().publish(EPOCHS, json(epoch).put("nodeId", config.nodeId()));
  }

  static JsonObject json(EpochState epoch) {
    JsonArray validators = new JsonArray();
    epoch
        .validators()
        .members()
        .forEach(v -> validators.add(new JsonObject().put("id", v.id()).put("stake", v.stake())));
    return new JsonObject()
        .put("epoch", epoch.epoch())
        .put("firstHeight", epoch.firstHeight())
        .put("seed", HexFormat.of().formatHex(epoch.seed()))
        .put("validators", validators)
        .put("refusedChanges", new JsonArray(epoch.refusedChanges()));
  }
}
