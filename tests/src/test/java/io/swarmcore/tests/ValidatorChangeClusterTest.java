package io.swarmcore.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.codecs.SignedEnvelopes;
import io.swarmcore.codecs.proto.CertificateSignature;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.ValidatorChange;
import io.swarmcore.election.core.ValidatorChanges;
import io.swarmcore.tests.harness.ClusterHarness;
import io.swarmcore.tests.harness.ClusterProbe;
import io.swarmcore.tests.harness.Deadline;
import io.swarmcore.tests.harness.LedgerProbe;
import io.swarmcore.tests.harness.NodeHandle;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Validator-set changes flowing through consensus, across five JVMs with epochs of 8 blocks: four
 * genesis validators and node-e, which observes. A governance join makes node-e a validator at the
 * next epoch: the five agree, and with node-a killed node-e is needed for every quorum (n = 5, f =
 * 1: 4 votes). A governance leave then removes node-a; restarted, it catches up across the set
 * changes and follows the chain as an observer. Every transaction is final exactly once.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ValidatorChangeClusterTest {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ValidatorChangeClusterTest.class);
  private static final Duration STARTUP = Duration.ofSeconds(120);
  private static final Duration STEP = Duration.ofSeconds(60);
  private static final long EPOCH_LENGTH = 8;

  private ClusterHarness cluster;
  private ClusterProbe probe;
  private LedgerProbe ledger;
  private final Set<String> acknowledged = new HashSet<>();
  private int nonce;

  @AfterEach
  void stopEverything() {
    ClusterHarness.stop(probe, cluster);
  }

  @Test
  void aJoinedValidatorVotesAndIsNeededForQuorumsAndALeftOneObserves() {
    cluster = ClusterHarness.startValidatorJvms("validator-changes", 5, 4, STARTUP, EPOCH_LENGTH);
    probe = ClusterProbe.join(cluster, STARTUP);
    ledger = new LedgerProbe(probe);
    List<String> all = cluster.nodes().stream().map(NodeHandle::nodeId).toList();
    assertThat(ledger.consensus("node-e").getBoolean("validator")).as("node-e observes").isFalse();
    acknowledged.addAll(ledger.submit("before", 0, 5));

    ValidatorChange join =
        ValidatorChange.newBuilder().setJoin(cluster.validatorEntry("node-e", 100)).build();
    acknowledged.add(governance(join, 1));
    blocksUntil(
        "node-b", "node-e to vote", () -> voters("node-b").size() == 5 && isValidator("node-e"));
    long joinedAt = size("node-b");
    blocks("node-b", 3);
    Deadline.await("the five to hold one chain", STEP, () -> ledger.sameTip(all, size("node-b")));
    LOG.info("node-e votes from about height {}", joinedAt);

    cluster.kill("node-a");
    long killedAt = size("node-b");
    blocks("node-b", 4);
    long certifiedWithE = 0;
    for (long height = killedAt; height < size("node-b"); height++) {
      List<String> signers = signers("node-b", height);
      assertThat(signers).as("block %d's certificate", height).doesNotContain("node-a");
      assertThat(signers).as("block %d's certificate", height).contains("node-e");
      certifiedWithE++;
    }
    assertThat(certifiedWithE).isGreaterThanOrEqualTo(4);

    acknowledged.add(governance(ValidatorChange.newBuilder().setLeave("node-a").build(), 2));
    blocksUntil("node-b", "node-a to leave", () -> !voters("node-b").contains("node-a"));
    cluster.startNode("node-a", STARTUP);
    blocks("node-b", 3);
    Deadline.await(
        "node-a to catch up across the set changes",
        STEP,
        () -> ledger.sameTip(all, size("node-b")));

    assertThat(isValidator("node-a")).as("node-a observes after it left").isFalse();
    assertThat(isValidator("node-e")).isTrue();
    assertThat(voters("node-a")).containsExactly("node-b", "node-c", "node-d", "node-e");
    List<String> chain = ledger.transactions("node-a", 0);
    assertThat(chain).as("no transaction twice").doesNotHaveDuplicates();
    assertThat(chain).containsExactlyInAnyOrderElementsOf(acknowledged);
    for (String node : all) {
      assertThat(ledger.consensus(node).getBoolean("halted")).as(node).isFalse();
    }
    LOG.info("{} blocks, {} transactions", size("node-b"), chain.size());
  }

  /** A governance transaction with {@code change}, signed by the genesis governance key. */
  private String governance(ValidatorChange change, long changeNonce) {
    byte[] envelope =
        SignedEnvelopes.seal(
                MessageType.MESSAGE_TYPE_VALIDATOR_CHANGE,
                change.toByteArray(),
                ValidatorChanges.SIGNER,
                cluster.governanceKey())
            .toByteArray();
    return ledger.submit(ValidatorChanges.CLIENT_ID, changeNonce, envelope);
  }

  /** One transaction a block at {@code node} until {@code done}, with a deadline. */
  private void blocksUntil(String node, String what, java.util.function.BooleanSupplier done) {
    Deadline.await(
        what,
        Duration.ofSeconds(120),
        () -> {
          if (done.getAsBoolean()) {
            return true;
          }
          blocks(node, 1);
          return done.getAsBoolean();
        });
  }

  /** {@code count} blocks, one transaction each, final at {@code node}. */
  private void blocks(String node, int count) {
    for (int i = 0; i < count; i++) {
      long before = size(node);
      acknowledged.addAll(ledger.submit("one-by-one", nonce++, 1));
      Deadline.await("block " + before + " to be final", STEP, () -> size(node) > before);
    }
  }

  private long size(String node) {
    return ledger.storage(node).getLong("size");
  }

  private List<String> voters(String node) {
    JsonArray ids = ledger.consensus(node).getJsonArray("validators");
    return ids.stream().map(String.class::cast).toList();
  }

  private boolean isValidator(String node) {
    return ledger.consensus(node).getBoolean("validator");
  }

  private List<String> signers(String node, long height) {
    FinalizedBlock block =
        ClusterProbe.await(
            probe
                .vertx()
                .eventBus()
                .<FinalizedBlock>request(
                    "swarm.storage." + node + ".block", new JsonObject().put("height", height))
                .map(m -> m.body()),
            STEP);
    return block.getCertificate().getSignaturesList().stream()
        .map(CertificateSignature::getSigner)
        .toList();
  }
}
