package io.swarmcore.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.storage.BlockStore;
import io.swarmcore.storage.StoreOptions;
import io.swarmcore.storage.TestChain;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreCommandTest {
  @TempDir Path dir;

  @Test
  void inspectReportsTheTipOfAStore() {
    TestChain chain = new TestChain();
    try (BlockStore store = BlockStore.open(StoreOptions.at(dir.resolve("ledger")))) {
      for (int i = 0; i < 4; i++) {
        store.append(chain.next(1, 10));
      }
    }
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(SwarmCommand.execute("store", "inspect", "--data", dir.toString(), "--json"))
          .isZero();
    } finally {
      System.setOut(original);
    }
    JsonObject report = new JsonObject(out.toString(StandardCharsets.UTF_8));
    assertThat(report.getLong("blocks")).isEqualTo(4);
    assertThat(report.getLong("height")).isEqualTo(3);
    assertThat(report.getString("ledgerRoot"))
        .isEqualTo(HexFormat.of().formatHex(chain.tip().ledgerRoot()));
    assertThat(report.getLong("mapSize")).isPositive();
  }

  @Test
  void inspectOfAFolderWithoutAStoreFailsClearly() {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThat(SwarmCommand.execute("store", "inspect", "--data", dir.toString())).isEqualTo(1);
    } finally {
      System.setErr(original);
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("holds no store");
  }
}
