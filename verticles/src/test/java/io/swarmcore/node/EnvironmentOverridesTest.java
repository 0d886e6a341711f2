package io.swarmcore.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class EnvironmentOverridesTest {
  @Test
  void variablesMoveOntoTheKeysTheyOverride() {
    JsonObject merged =
        NodeConfigLoader.defaults()
            .put("VALIDATOR_COUNT", "7")
            .put("BYZANTINE_TOLERANCE", "2")
            .put("FAST_PATH_ENABLED", "false")
            .put("FAST_PATH_THRESHOLD", "0.9")
            .put("SWARM_CLUSTER_MEMBERS", "127.0.0.1:5701, 127.0.0.1:5702");

    NodeConfig config = NodeConfig.parse(EnvironmentOverrides.apply(merged));

    assertThat(config.consensus())
        .isEqualTo(
            new NodeConfig.Consensus(
                7,
                2,
                false,
                0.9,
                150,
                4,
                10_000,
                io.swarmcore.pbft.FaultInjection.NONE,
                io.swarmcore.pbft.PbftVerticle.DEFAULT_INBOUND_PER_SIGNER));
    assertThat(config.cluster().members()).containsExactly("127.0.0.1:5701", "127.0.0.1:5702");
  }

  @Test
  void aValueThatDoesNotConvertNamesTheVariableAndTheKey() {
    JsonObject merged = new JsonObject().put("VALIDATOR_COUNT", "seven");
    assertThatThrownBy(() -> EnvironmentOverrides.apply(merged))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "environment variable VALIDATOR_COUNT (overrides \"consensus.validatorCount\") must be"
                + " an integer, got \"seven\"");
  }

  @Test
  void overridesCreateMissingParents() {
    JsonObject result = EnvironmentOverrides.apply(new JsonObject().put("SWARM_HTTP_PORT", "8181"));
    assertThat(result).isEqualTo(new JsonObject().put("http", new JsonObject().put("port", 8181L)));
  }

  @Test
  void theDocumentedVariablesAreTheOnesRead() {
    assertThat(EnvironmentOverrides.names())
        .contains(
            "VALIDATOR_COUNT",
            "BYZANTINE_TOLERANCE",
            "FAST_PATH_ENABLED",
            "FAST_PATH_THRESHOLD",
            "COMMIT_GRACE_MS",
            "PIPELINE_DEPTH",
            "SNAPSHOT_SYNC_MIN_BLOCKS")
        .allMatch(name -> name.equals(name.toUpperCase()));
    assertThat(new JsonArray(EnvironmentOverrides.names())).hasSize(15);
  }
}
