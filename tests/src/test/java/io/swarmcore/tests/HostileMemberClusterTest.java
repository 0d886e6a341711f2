package io.swarmcore.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.SignedEnvelope;
import io.swarmcore.codecs.proto.Transaction;
import io.swarmcore.codecs.proto.TransactionBatch;
import io.swarmcore.mempool.MempoolVerticle;
import io.swarmcore.pbft.PbftVerticle;
import io.swarmcore.tests.harness.ClusterHarness;
import io.swarmcore.tests.harness.ClusterProbe;
import io.swarmcore.tests.harness.Deadline;
import io.swarmcore.tests.harness.LedgerProbe;
import io.swarmcore.tests.harness.SteadyLoad;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 9 (docs/RELIABILITY.md): a cluster member that is not a validator (this test's JVM)
 * listens on every validator's consensus inbox and gossip address, and floods them with garbage,
 * envelopes under made-up and real names with bad signatures, replays of what it heard, unsigned
 * gossip of its own transactions and forged confirmations, while load runs. Consensus goes on,
 * nothing it made up is taken, and the flood is counted and rate-limited.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class HostileMemberClusterTest {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(HostileMemberClusterTest.class);
  private static final Duration STARTUP = Duration.ofSeconds(150);
  private static final Duration DRAIN = Duration.ofSeconds(90);
  // Low enough that the flood under made-up names (500 a second at each validator) runs into it,
  // and well above what an honest validator sends at this load (a few dozen a second).
  private static final long INBOUND_PER_SIGNER = 200;
  private static final int TICK_MS = 20;

  private ClusterHarness cluster;
  private ClusterProbe probe;

  @AfterEach
  void stopEverything() {
    ClusterHarness.stop(probe, cluster);
  }

  @Test
  void aFloodingMemberChangesNothingAndIsCountedAndLimited() throws Exception {
    cluster = ClusterHarness.prepareValidatorJvms("hostile-member", 4);
    for (String id : cluster.nodeIds()) {
      cluster.configure(
          id,
          new JsonObject()
              .put(
                  "consensus",
                  new JsonObject().put("inboundPerSignerPerSecond", INBOUND_PER_SIGNER)));
    }
    cluster.startNodes(cluster.nodeIds(), STARTUP);
    probe = ClusterProbe.join(cluster, STARTUP);
    LedgerProbe ledger = new LedgerProbe(probe);
    List<String> validators = cluster.nodeIds();
    Set<String> acknowledged = new HashSet<>(ledger.submit("warm-up", 0, 10));
    Deadline.await("a first block everywhere", DRAIN, () -> ledger.sameTip(validators, 1));

    Flood flood = new Flood(probe.vertx(), validators);
    ClusterProbe.await(flood.listen(), STARTUP);
    SteadyLoad.Summary summary;
    try (SteadyLoad load = new SteadyLoad(probe, validators.get(0))) {
      flood.start();
      try {
        summary = load.run("under-flood", 100, Duration.ofSeconds(10), DRAIN);
      } finally {
        flood.stop();
      }
      assertThat(load.refused()).as("submissions refused or unanswered").isZero();
      acknowledged.addAll(load.acknowledged());
    }

    Deadline.await("one chain everywhere", DRAIN, () -> ledger.sameTip(validators, 1));
    List<String> chain = ledger.transactions(validators.get(0), 0);
    assertThat(chain).as("no transaction twice").doesNotHaveDuplicates();
    assertThat(new HashSet<>(chain)).as("every acknowledged one final").containsAll(acknowledged);
    assertThat(ledger.receiptsNameTheChain(validators, acknowledged)).isPositive();
    assertThat(chain).as("none of the intruder's gossip").doesNotContainAnyElementsOf(flood.ownTxs);

    long refused = 0;
    long replayed = 0;
    long rateLimited = 0;
    long refusedGossip = 0;
    long refusedConfirmations = 0;
    for (String id : validators) {
      JsonObject consensus = ledger.consensus(id);
      JsonObject mempool = ledger.request(MempoolVerticle.address(id, "status"), new JsonObject());
      refused += consensus.getLong("rejected");
      replayed += consensus.getLong("replayed");
      rateLimited += consensus.getLong("rateLimited");
      refusedGossip += mempool.getLong("refusedGossip");
      refusedConfirmations += mempool.getLong("refusedConfirmations");
    }
    assertThat(refused).as("garbage and bad signatures refused").isPositive();
    assertThat(replayed).as("replays dropped unverified").isPositive();
    assertThat(rateLimited).as("the flood under made-up names cut at the rate").isPositive();
    assertThat(refusedGossip).as("the intruder's gossip refused").isPositive();
    assertThat(refusedConfirmations).as("forged confirmations refused").isPositive();
    LOG.info(
        "intruder sent {} messages in 10 s ({} replays of {} heard); at the four validators: {}"
            + " refused, {} dropped as replays, {} rate-limited, {} gossip batches and {}"
            + " confirmations refused; load: {}; lost 0, one chain",
        flood.sent.get(),
        flood.replays.get(),
        flood.heard.size(),
        refused,
        replayed,
        rateLimited,
        refusedGossip,
        refusedConfirmations,
        summary);
  }

  /** The intruder: what it heard, and a timer that sends the flood. */
  private static final class Flood {
    private static final int MAX_HEARD = 5_000;

    private final Vertx vertx;
    private final List<String> validators;
    private final Random random = new Random(9);
    // Filled on the consumers' event loops, read on the timer's.
    private final List<SignedEnvelope> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Set<ByteString> forged = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<MessageConsumer<?>> consumers = new ArrayList<>();
    final Set<String> ownTxs = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong replays = new AtomicLong();
    private volatile long timer = -1;
    private long nonce;

    Flood(Vertx vertx, List<String> validators) {
      this.vertx = vertx;
      this.validators = validators;
    }

    /** Registers on every validator's inbox and gossip address (it hears what they publish). */
    io.vertx.core.Future<?> listen() {
      for (String id : validators) {
        consumers.add(
            vertx
                .eventBus()
                .<Object>consumer(
                    PbftVerticle.address(id, "inbox"),
                    message -> {
                      // What the validators sent, not its own forgeries coming back.
                      if (message.body() instanceof SignedEnvelope envelope
                          && !forged.contains(envelope.getSignature())
                          && heard.size() < MAX_HEARD) {
                        heard.add(envelope);
                      }
                    }));
        consumers.add(
            vertx.eventBus().consumer(MempoolVerticle.address(id, "gossip"), message -> {}));
      }
      return io.vertx.core.Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    }

    void start() {
      timer = vertx.setPeriodic(TICK_MS, tick -> tick());
    }

    void stop() {
      vertx.cancelTimer(timer);
      consumers.forEach(MessageConsumer::unregister);
    }

    private void tick() {
      for (String id : validators) {
        String inbox = PbftVerticle.address(id, "inbox");
        // Garbage of every shape.
        publish(inbox, new JsonObject().put("type", "PREPARE").put("view", -1));
        publish(inbox, "not an envelope");
        publish(inbox, Buffer.buffer(bytes(200)));
        // Envelopes under made-up names: past their shared budget, rate-limited.
        for (int i = 0; i < 10; i++) {
          publish(inbox, envelope("intruder-" + random.nextInt(1_000)));
        }
        // Under a real validator's name, with a signature that cannot check.
        publish(inbox, envelope(validators.get(random.nextInt(validators.size()))));
        // Replays of what the validators sent each other.
        for (int i = 0; i < 5 && !heard.isEmpty(); i++) {
          publish(inbox, heard.get(random.nextInt(heard.size())));
          replays.incrementAndGet();
        }
        // Its own transactions by gossip (unauthenticated, then under another's name), and a forged
        // confirmation of whatever.
        TransactionBatch batch =
            TransactionBatch.newBuilder().addTransactions(ownTransaction()).build();
        publish(MempoolVerticle.address(id, "gossip"), batch);
        vertx
            .eventBus()
            .publish(
                MempoolVerticle.address(id, "gossip"),
                TransactionBatch.newBuilder().addTransactions(ownTransaction()).build(),
                new DeliveryOptions()
                    .addHeader("swarm-origin", validators.get(0))
                    .addHeader(
                        "swarm-mac", java.util.Base64.getEncoder().encodeToString(bytes(32))));
        sent.incrementAndGet();
        publish(
            MempoolVerticle.address(id, "held"),
            new JsonObject()
                .put("from", validators.get(random.nextInt(validators.size())))
                .put("hashes", new JsonArray().add(HexFormat.of().formatHex(bytes(32))))
                .put("mac", java.util.Base64.getEncoder().encodeToString(bytes(32))));
      }
    }

    private void publish(String address, Object body) {
      vertx.eventBus().publish(address, body);
      sent.incrementAndGet();
    }

    private SignedEnvelope envelope(String signer) {
      MessageType[] types = {
        MessageType.MESSAGE_TYPE_PRE_PREPARE,
        MessageType.MESSAGE_TYPE_PREPARE,
        MessageType.MESSAGE_TYPE_COMMIT,
        MessageType.MESSAGE_TYPE_VIEW_CHANGE
      };
      ByteString signature = ByteString.copyFrom(bytes(64));
      forged.add(signature);
      return SignedEnvelope.newBuilder()
          .setType(types[random.nextInt(types.length)])
          .setPayload(ByteString.copyFrom(bytes(100)))
          .setSigner(signer)
          .setSignature(signature)
          .build();
    }

    private ByteString ownTransaction() {
      ByteString tx =
          Transaction.newBuilder()
              .setClientId("intruder")
              .setNonce(nonce++)
              .setPayload(ByteString.copyFrom(bytes(16)))
              .build()
              .toByteString();
      ownTxs.add(HexFormat.of().formatHex(LedgerHashes.transaction(tx)));
      return tx;
    }

    private byte[] bytes(int length) {
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      return bytes;
    }
  }
}
