package io.swarmcore.tests.harness;

import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * What the consensus system tests ask of a running cluster through a probe member: submit
 * transactions, read each node's ledger and consensus status, compare tips.
 */
public final class LedgerProbe {
  private static final Duration STEP = Duration.ofSeconds(30);

  private final ClusterProbe probe;

  public LedgerProbe(ClusterProbe probe) {
    this.probe = probe;
  }

  public JsonObject request(String address, Object body) {
    return ClusterProbe.await(
        probe
            .vertx()
            .eventBus()
            .<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(10_000))
            .map(m -> m.body()),
        STEP);
  }

  public JsonObject storage(String nodeId) {
    return request("swarm.storage." + nodeId + ".status", new JsonObject());
  }

  public JsonObject consensus(String nodeId) {
    return request("swarm.pbft." + nodeId + ".status", new JsonObject());
  }

  /**
   * Submits transactions {@code first}..{@code first + count - 1} on {@code swarm.tx.submit}; a
   * submission that reaches a node just killed times out and is sent again until one is
   * acknowledged. Returns the acknowledged hashes.
   */
  public Set<String> submit(String client, int first, int count) {
    Set<String> hashes = new HashSet<>();
    for (int i = first; i < first + count; i++) {
      hashes.add(submit(client, i, (client + "-" + i).getBytes()));
    }
    return hashes;
  }

  /** Submits one transaction as {@link #submit(String, int, int)} does; returns its hash. */
  public String submit(String client, long nonce, byte[] payload) {
    JsonObject tx =
        new JsonObject()
            .put("clientId", client)
            .put("nonce", nonce)
            .put("payload", Base64.getEncoder().encodeToString(payload));
    JsonObject[] reply = new JsonObject[1];
    Deadline.await(
        "transaction " + nonce + " of " + client + " to be acknowledged",
        STEP,
        () -> {
          try {
            reply[0] =
                ClusterProbe.await(
                    probe
                        .vertx()
                        .eventBus()
                        .<JsonObject>request(
                            "swarm.tx.submit", tx, new DeliveryOptions().setSendTimeout(3_000))
                        .map(m -> m.body()),
                    Duration.ofSeconds(5));
            return true;
          } catch (RuntimeException | AssertionError unanswered) {
            return false;
          }
        });
    if (!"pending".equals(reply[0].getString("status"))) {
      throw new AssertionError(
          "transaction " + nonce + " of " + client + " refused: " + reply[0].encode());
    }
    return reply[0].getString("hash");
  }

  /** The given nodes hold the same ledger (size, tip hash and root), at least {@code minSize}. */
  public boolean sameTip(List<String> nodeIds, long minSize) {
    Set<String> tips = new HashSet<>();
    for (String nodeId : nodeIds) {
      JsonObject status = storage(nodeId);
      if (status.getLong("size") < minSize) {
        return false;
      }
      tips.add(
          status.getLong("size")
              + "/"
              + status.getString("tipHash")
              + "/"
              + status.getString("ledgerRoot"));
    }
    return tips.size() == 1;
  }

  /** The transaction hashes in blocks {@code from}.. of a node's chain (duplicates kept). */
  public List<String> transactions(String nodeId, long from) {
    long size = storage(nodeId).getLong("size");
    List<Future<FinalizedBlock>> blocks = new ArrayList<>();
    for (long height = from; height < size; height++) {
      blocks.add(
          probe
              .vertx()
              .eventBus()
              .<FinalizedBlock>request(
                  "swarm.storage." + nodeId + ".block", new JsonObject().put("height", height))
              .map(m -> m.body()));
    }
    List<String> hashes = new ArrayList<>();
    for (Future<FinalizedBlock> block : blocks) {
      ClusterProbe.await(block, STEP)
          .getBlock()
          .getTransactionsList()
          .forEach(tx -> hashes.add(HexFormat.of().formatHex(LedgerHashes.transaction(tx))));
    }
    return hashes;
  }

  /**
   * Every transaction's receipt, asked of the nodes in turn, names a block that every node holds at
   * that height (the same header): what a client was handed is in the final chain everywhere.
   * Returns how many receipts were checked.
   */
  public int receiptsNameTheChain(List<String> nodeIds, java.util.Collection<String> txHashes) {
    java.util.Map<String, com.google.protobuf.ByteString> headers = new java.util.HashMap<>();
    int checked = 0;
    for (String txHash : txHashes) {
      String asked = nodeIds.get(checked % nodeIds.size());
      io.swarmcore.codecs.proto.Receipt receipt =
          ClusterProbe.await(
              probe
                  .vertx()
                  .eventBus()
                  .<io.swarmcore.codecs.proto.Receipt>request(
                      "swarm.storage." + asked + ".receipt", new JsonObject().put("txHash", txHash))
                  .map(m -> m.body()),
              STEP);
      for (String node : nodeIds) {
        long height = receipt.getHeight();
        com.google.protobuf.ByteString header =
            headers.computeIfAbsent(
                node + "@" + height,
                key ->
                    ClusterProbe.await(
                            probe
                                .vertx()
                                .eventBus()
                                .<FinalizedBlock>request(
                                    "swarm.storage." + node + ".block",
                                    new JsonObject().put("height", height))
                                .map(m -> m.body()),
                            STEP)
                        .getBlock()
                        .getHeader());
        if (!header.equals(receipt.getBlockHeader())) {
          throw new AssertionError(
              "the receipt of "
                  + txHash
                  + " from "
                  + asked
                  + " names a block at height "
                  + height
                  + " that "
                  + node
                  + " does not hold");
        }
      }
      checked++;
    }
    return checked;
  }
}
