package io.swarmcore.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.storage.BlockStore;
import io.swarmcore.storage.StoreOptions;
import io.swarmcore.storage.TestChain;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class StoreCommandTest {
  @TempDir Path dir;
  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();

  @Test
  void inspectReportsTheTipOfAStore() {
    TestChain chain = new TestChain();
    try (BlockStore store = BlockStore.open(StoreOptions.at(dir.resolve("ledger")))) {
      for (int i = 0; i < 4; i++) {
        store.append(chain.next(1, 10));
      }
    }
    assertThat(console.swarm("store", "inspect", "--data", dir.toString(), "--json")).isZero();
    JsonObject report = new JsonObject(console.out());
    assertThat(report.getLong("blocks")).isEqualTo(4);
    assertThat(report.getLong("height")).isEqualTo(3);
    assertThat(report.getString("ledgerRoot"))
        .isEqualTo(HexFormat.of().formatHex(chain.tip().ledgerRoot()));
    assertThat(report.getLong("mapSize")).isPositive();
  }

  @Test
  void inspectOfAFolderWithoutAStoreFailsClearly() {
    assertThat(console.swarm("store", "inspect", "--data", dir.toString())).isEqualTo(1);
    assertThat(console.err()).contains("holds no store");
  }
}
