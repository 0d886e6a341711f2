package io.swarmcore.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.node.SwarmCommand;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code swarm demo --json}, short: four validators in this JVM under load, one of them
 * equivocating as the first leader (a view change), end with a verified receipt and no divergence.
 * The honest path through the gateways is {@link BenchTest}'s; every Byzantine mode across JVMs is
 * {@link ByzantineClusterTest}'s.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DemoTest {
  @ParameterizedTest
  @ValueSource(strings = {"equivocate"})
  void theDemoEndsWithAVerifiedReceiptAndOneChain(String byzantine) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        SwarmCommand.execute(
            new PrintWriter(out),
            new PrintWriter(err),
            "demo",
            "--validators",
            "4",
            "--duration",
            "6s",
            "--rate",
            "50",
            "--byzantine",
            byzantine,
            "--json");
    String printed = out.toString().trim();
    assertThat(exit).as(printed + err).isZero();
    JsonObject summary = new JsonObject(printed.substring(printed.lastIndexOf("\n") + 1));
    assertThat(summary.getString("byzantine")).isEqualTo(byzantine);
    assertThat(summary.getBoolean("diverged")).isFalse();
    assertThat(summary.getBoolean("receiptVerified")).isTrue();
    assertThat(summary.getLong("transactions")).isPositive();
    assertThat(summary.getLong("height")).isPositive();
    for (String field :
        new String[] {
          "validators",
          "durationSeconds",
          "txPerSecond",
          "p50Ms",
          "p99Ms",
          "fastPathShare",
          "viewChanges"
        }) {
      assertThat(summary.containsKey(field)).as(field).isTrue();
    }
  }
}
