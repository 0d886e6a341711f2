package io.swarmcore.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {
  private static final BenchResult OPEN =
      new BenchResult(
          4, true, 16, 1, 128, 2_000, 20.0, 39_000, 0, 12, 1_950.0, 40.5, 61.0, 88.25, 120.0, 0.5,
          0.45, 0.995, 400, 97.5, 8.0);
  private static final BenchResult CLOSED =
      new BenchResult(
          4, true, 16, 50, 128, 0, 20.0, 50_000, 1, 0, 2_500.0, 300.0, 410.0, 520.0, 700.0, 0.4,
          0.38, 0.99, 300, 166.7, 8.0);

  @Test
  void theTableHasAHeaderAndOneRowPerRun() {
    List<String> lines = BenchReport.table(List.of(OPEN, CLOSED)).lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).contains("tx/s", "p50 ms", "p99 ms", "cpu s/1k", "fast %");
    assertThat(lines.get(1)).startsWith("2000").contains("1950.0", "88.3", "99.5", "97.5");
    assertThat(lines.get(2)).startsWith("closed").contains("2500.0");
  }

  @Test
  void theJsonNamesTheSettingsAndEveryFigure() {
    BenchOptions options =
        new BenchOptions(
            4,
            true,
            16,
            64,
            1,
            128,
            Duration.ofSeconds(20),
            Duration.ofSeconds(10),
            List.of(2_000),
            Optional.empty(),
            List.of());
    JsonObject json = BenchReport.json(options, List.of(OPEN, CLOSED), "2 cores");
    assertThat(json.getInteger("validators")).isEqualTo(4);
    assertThat(json.getDouble("warmUpSeconds")).isEqualTo(10.0);
    JsonObject open = json.getJsonArray("runs").getJsonObject(0);
    assertThat(open.getString("mode")).isEqualTo("open-loop");
    assertThat(open.getInteger("offeredRate")).isEqualTo(2_000);
    assertThat(open.getDouble("p99Ms")).isEqualTo(88.25);
    assertThat(open.getDouble("fastPathShare")).isEqualTo(0.995);
    assertThat(open.getLong("skipped")).isEqualTo(12);
    JsonObject closed = json.getJsonArray("runs").getJsonObject(1);
    assertThat(closed.getString("mode")).isEqualTo("closed-loop");
    assertThat(closed.getValue("offeredRate")).isNull();
    assertThat(closed.getInteger("batch")).isEqualTo(50);
    assertThat(json.getInteger("batch")).isEqualTo(1);
  }

  @Test
  void thePlotIsAPng(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("latency.png");
    LatencyPlot.write(file, "test", List.of(OPEN, CLOSED));
    byte[] bytes = Files.readAllBytes(file);
    assertThat(bytes.length).isGreaterThan(1_000);
    assertThat(java.util.Arrays.copyOf(bytes, 8))
        .containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
  }

  /** Options for a short run on four validators in this JVM, with what varies by test. */
  private static BenchOptions options(int clients, int batch, int txSize, List<Integer> rates) {
    return new BenchOptions(
        4,
        false,
        clients,
        64,
        batch,
        txSize,
        Duration.ofSeconds(5),
        Duration.ZERO,
        rates,
        Optional.empty(),
        List.of());
  }

  @Test
  void optionsOutOfRangeAreRefusedByName() {
    assertThatThrownBy(() -> options(0, 1, 128, List.of()))
        .hasMessageContaining("clients must be 1 to 1000, got 0");
    assertThatThrownBy(() -> options(1, 1, 128, List.of(100, 0)))
        .hasMessageContaining("open-loop rates must be 1 to 1000000, got 0");
    assertThatThrownBy(() -> options(1, 1, 32, List.of()))
        .hasMessageContaining("tx size must be 64 to 65536 bytes, got 32");
    assertThatThrownBy(() -> options(1, 0, 128, List.of()))
        .hasMessageContaining("batch must be 1 to 10000, got 0");
  }
}
