package io.swarmcore.node;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test-only network faults, deployed only with {@code testing.faultAdmin: true}: every message this
 * node sends carries its node id in a header, and on command (a JSON message to {@link #address})
 * the node drops every message from the peers it is told to block (a partition, when both sides are
 * told), holds back what it sends to others by a delay (a slow validator), and sets its wall clock
 * off the system's ({@link NodeClock}: a clock jump). Commands: {@code {"block": ["node-b", ...],
 * "delayMs": 0, "clockOffsetMs": 0}}; an empty list and 0 heal. Never enable it on a real
 * validator: any cluster member could cut the node off.
 */
public final class FaultAdminVerticle extends VerticleBase {
  /** The header naming the node that sent a message. */
  public static final String FROM_HEADER = "swarm-from";

  private static final Logger LOG = LoggerFactory.getLogger(FaultAdminVerticle.class);
  // Below the event bus's shortest send timeouts in the node: a delay models a slow peer, not a
  // dead one.
  private static final long MAX_DELAY_MS = 10_000;
  private static final long MAX_CLOCK_OFFSET_MS = 7L * 24 * 3600 * 1000;
  private static final java.util.regex.Pattern NODE_ADDRESS =
      java.util.regex.Pattern.compile("swarm\\.[a-z]+\\.([A-Za-z0-9._-]+?)\\.[a-z-]+");

  private final String nodeId;
  private volatile Set<String> blocked = Set.of();
  private volatile long delayMs;
  private final AtomicLong dropped = new AtomicLong();
  private Handler<DeliveryContext<Object>> outbound;
  private Handler<DeliveryContext<Object>> inbound;
  private MessageConsumer<Object> commands;

  public FaultAdminVerticle(String nodeId) {
    this.nodeId = nodeId;
  }

  /** {@code swarm.admin.<nodeId>.faults}. */
  public static String address(String nodeId) {
    return "swarm.admin." + nodeId + ".faults";
  }

  @Override
  public Future<?> start() {
    LOG.warn(
        "node {} takes test-only fault commands on {} (testing.faultAdmin): never in a real"
            + " deployment",
        nodeId,
        address(nodeId));
    outbound =
        context -> {
          // Stamps what this node sends; a stamp already set (a test posing as a peer) stays.
          if (!context.message().headers().contains(FROM_HEADER)) {
            context.message().headers().set(FROM_HEADER, nodeId);
          }
          long delay = delayMs;
          if (delay > 0 && toAPeer(context.message().address())) {
            vertx.setTimer(delay, id -> context.next());
          } else {
            context.next();
          }
        };
    inbound =
        context -> {
          String from = context.message().headers().get(FROM_HEADER);
          if (from != null && blocked.contains(from)) {
            dropped.incrementAndGet();
            return;
          }
          context.next();
        };
    vertx.eventBus().addOutboundInterceptor(outbound);
    vertx.eventBus().addInboundInterceptor(inbound);
    commands = vertx.eventBus().consumer(address(nodeId), this::command);
    return commands.completion();
  }

  /**
   * Whether {@code address} is another node's ({@code swarm.<service>.<node>.<verb>}): what a slow
   * validator holds back. Replies and this node's own addresses are not delayed, so its own work
   * (storage, mempool) runs at full speed.
   */
  private boolean toAPeer(String address) {
    java.util.regex.Matcher node = NODE_ADDRESS.matcher(address);
    return node.matches() && !node.group(1).equals(nodeId);
  }

  @Override
  public Future<?> stop() {
    vertx.eventBus().removeOutboundInterceptor(outbound);
    vertx.eventBus().removeInboundInterceptor(inbound);
    return Future.succeededFuture();
  }

  private void command(Message<Object> message) {
    if (!(message.body() instanceof JsonObject body)
        || !(body.getValue("block", new JsonArray()) instanceof JsonArray list)
        || !(body.getValue("delayMs", 0) instanceof Number delay)
        || delay.longValue() < 0
        || delay.longValue() > MAX_DELAY_MS
        || !(body.getValue("clockOffsetMs", 0) instanceof Number offset)
        || Math.abs(offset.longValue()) > MAX_CLOCK_OFFSET_MS) {
      message.fail(
          400,
          "expected {\"block\": [node ids], \"delayMs\": 0.."
              + MAX_DELAY_MS
              + ", \"clockOffsetMs\": -"
              + MAX_CLOCK_OFFSET_MS
              + ".."
              + MAX_CLOCK_OFFSET_MS
              + "}, got "
              + message.body());
      return;
    }
    Set<String> peers = new HashSet<>();
    for (Object peer : list) {
      if (!(peer instanceof String id)) {
        message.fail(400, "\"block\" lists node ids (strings), got " + peer);
        return;
      }
      peers.add(id);
    }
    blocked = Set.copyOf(peers);
    delayMs = delay.longValue();
    NodeClock.forNode(nodeId).setOffset(offset.longValue());
    LOG.warn(
        "node {} fault injection now: blocks {}, delays what it sends by {} ms, clock {} ms off",
        nodeId,
        peers,
        delayMs,
        offset.longValue());
    message.reply(
        new JsonObject()
            .put("block", new JsonArray(peers.stream().sorted().toList()))
            .put("delayMs", delayMs)
            .put("clockOffsetMs", offset.longValue())
            .put("dropped", dropped.get()));
  }
}
