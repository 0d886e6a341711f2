package io.swarmcore.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmcore.crypto.vrf.VrfSuite;
import io.swarmcore.election.core.ElectionFixture;
import io.swarmcore.election.core.ElectionParameters;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class GenesisTest {
  private final ElectionFixture fixture = new ElectionFixture(4, VrfSuite.EDWARDS25519_SHA512_TAI);

  @Test
  void aGenesisFileRoundTrips() {
    JsonObject json = Genesis.toJson(fixture.parameters);
    ElectionParameters parsed = Genesis.parse(json);
    assertThat(parsed.genesisValidators()).isEqualTo(fixture.parameters.genesisValidators());
    assertThat(parsed.genesisSeed()).isEqualTo(fixture.parameters.genesisSeed());
    assertThat(parsed.epochLength()).isEqualTo(ElectionFixture.EPOCH_LENGTH);
    assertThat(parsed.governanceKey()).isEqualTo(fixture.parameters.governanceKey());
  }

  @Test
  void badEntriesAreRefusedWithTheirPosition() {
    JsonObject json = Genesis.toJson(fixture.parameters);
    json.getJsonArray("validators").getJsonObject(2).put("stake", 0);
    assertThatThrownBy(() -> Genesis.parse(json))
        .hasMessage("validator 2: validator node-2 has stake 0; stake must be positive");

    JsonObject badSuite = Genesis.toJson(fixture.parameters);
    badSuite.getJsonArray("validators").getJsonObject(0).put("vrfSuite", "RSA");
    assertThatThrownBy(() -> Genesis.parse(badSuite)).hasMessageStartingWith("validator 0: ");

    assertThatThrownBy(
            () -> Genesis.parse(Genesis.toJson(fixture.parameters).put("epochLength", 0)))
        .hasMessage("an epoch lasts at least one block, got 0");
  }
}
