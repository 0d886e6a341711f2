package io.swarmcore.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class NodeConfigTest {
  private static JsonObject defaultsWith(JsonObject overrides) {
    return NodeConfigLoader.defaults().mergeIn(overrides, true);
  }

  private static ConfigException refused(JsonObject overrides) {
    try {
      NodeConfig.parse(defaultsWith(overrides));
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("expected the configuration to be refused: " + overrides);
  }

  @Test
  void theShippedDefaultsAreValid() {
    NodeConfig config = NodeConfig.parse(NodeConfigLoader.defaults());
    assertThat(config.nodeId()).isEqualTo("node-1");
    assertThat(config.consensus().validatorCount()).isEqualTo(4);
    assertThat(config.consensus().byzantineTolerance()).isEqualTo(1);
    assertThat(config.cluster().members()).containsExactly("127.0.0.1");
    assertThat(config.cluster().host()).isEqualTo("127.0.0.1");
    assertThat(config.cluster().tls()).isEmpty();
    assertThat(config.tracing().enabled()).isFalse();
  }

  @Test
  void tracingNeedsAnOtlpHttpEndpointAndARatio() {
    ConfigException e =
        refused(
            new JsonObject()
                .put(
                    "tracing",
                    new JsonObject()
                        .put("enabled", true)
                        .put("otlpEndpoint", "127.0.0.1:4317")
                        .put("sampleRatio", 2)));
    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "\"tracing.sampleRatio\" must be in [0, 1], got 2.0",
            "\"tracing.otlpEndpoint\" must be an OTLP/HTTP URL such as"
                + " http://127.0.0.1:4318/v1/traces, got \"127.0.0.1:4317\"");
  }

  @Test
  void fourValidatorsCannotTolerateTwoFaults() {
    ConfigException e =
        refused(new JsonObject().put("consensus", new JsonObject().put("byzantineTolerance", 2)));
    assertThat(e.problems())
        .containsExactly(
            "\"consensus.validatorCount\" n=4 and \"consensus.byzantineTolerance\" f=2 break the"
                + " rule n >= 3f+1 (f=2 needs at least 7 validators; with n=4 at most f=1)");
  }

  @Test
  void sevenValidatorsToleratingTwoFaultsAreAccepted() {
    NodeConfig config =
        NodeConfig.parse(
            defaultsWith(
                new JsonObject()
                    .put(
                        "consensus",
                        new JsonObject().put("validatorCount", 7).put("byzantineTolerance", 2))));
    assertThat(config.consensus().validatorCount()).isEqualTo(7);
  }

  @Test
  void anUnsafeFastPathThresholdIsReportedAndTheSafeQuorumUsed() {
    NodeConfig config =
        NodeConfig.parse(
            defaultsWith(
                new JsonObject()
                    .put(
                        "consensus",
                        new JsonObject()
                            .put("validatorCount", 7)
                            .put("byzantineTolerance", 2)
                            .put("fastPathThreshold", 0.85))));

    assertThat(config.consensus().quorums().fastQuorum()).isEqualTo(7);
    assertThat(config.consensus().quorums().notice())
        .contains("threshold 0.85 of 7 = 6 votes is below the safe fast quorum 7 for f=2; using 7");
  }

  @Test
  void theShippedQuorumsAreThoseOfFourValidators() {
    var quorums = NodeConfig.parse(NodeConfigLoader.defaults()).consensus().quorums();

    assertThat(quorums.slowQuorum()).isEqualTo(3);
    assertThat(quorums.fastQuorum()).isEqualTo(4);
    assertThat(quorums.notice()).isEmpty();
  }

  @Test
  void theMempoolAcceptsNoTransactionABlockCouldNotCarry() {
    ConfigException e =
        refused(
            new JsonObject().put("mempool", new JsonObject().put("maxTransactionBytes", 2 << 20)));

    assertThat(e.problems())
        .containsExactly(
            "\"mempool.maxTransactionBytes\" 2097152 is above the ledger's limit of 1048576 bytes a"
                + " transaction: such a transaction could never be in a block");
  }

  @Test
  void mempoolBoundsAreCheckedTogether() {
    ConfigException e =
        refused(
            new JsonObject()
                .put(
                    "mempool",
                    new JsonObject().put("maxBytes", 100).put("maxTransactionBytes", 200)));

    assertThat(e.problems())
        .containsExactly("\"mempool.maxTransactionBytes\" 200 is above \"mempool.maxBytes\" 100");
  }

  @Test
  void everyProblemIsReportedOnItsOwnLine() {
    ConfigException e =
        refused(
            new JsonObject()
                .put("nodeid", "typo")
                .put("consensus", new JsonObject().put("fastPathThreshold", 0))
                .put("http", new JsonObject().put("port", 9090))
                .put("cluster", new JsonObject().put("members", new JsonArray())));
    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "unknown key \"nodeid\" (known keys: cluster, consensus, dataDir, gateway, genesisFile, grpc,"
                + " http, keyFile, mempool, nodeId, peers, resilience, storage, testing, tracing)",
            "\"consensus.fastPathThreshold\" must be in (0, 1] (a share of the validators), got 0.0",
            "\"cluster.members\" must be a non-empty list of strings, got []",
            "port clash: \"http.port\" and \"grpc.port\" are both 9090");
    assertThat(e.getMessage().lines()).hasSize(4);
  }

  @Test
  void typesAreCheckedWithTheOffendingValue() {
    ConfigException e =
        refused(
            new JsonObject()
                .put("nodeId", "bad id!")
                .put(
                    "consensus",
                    new JsonObject().put("validatorCount", "four").put("fastPathEnabled", "yes"))
                .put("http", new JsonObject().put("port", 70000)));
    assertThat(e.problems())
        .contains(
            "\"nodeId\" must be 1 to 64 letters, digits, '.', '_' or '-', got \"bad id!\"",
            "\"consensus.validatorCount\" must be an integer from 1 to 10000, got \"four\"",
            "\"consensus.fastPathEnabled\" must be true or false, got \"yes\"",
            "\"http.port\" must be an integer from 0 to 65535, got 70000");
  }

  @Test
  void portZeroMeansAnyFreePortAndNeverClashes() {
    NodeConfig config =
        NodeConfig.parse(
            defaultsWith(
                new JsonObject()
                    .put("http", new JsonObject().put("port", 0))
                    .put("grpc", new JsonObject().put("port", 0))));
    assertThat(config.http().port()).isZero();
  }

  @Test
  void unknownNestedKeysAreRejected() {
    assertThatThrownBy(
            () ->
                NodeConfig.parse(
                    defaultsWith(new JsonObject().put("peers", new JsonObject().put("every", 1)))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("unknown key \"peers.every\" (known keys of \"peers\": announceIntervalMs)");
  }
}
