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

  private int restore(Path data) {
    return console.swarm(
        "store",
        "restore",
        "--snapshot",
        dir.resolve("backup").toString(),
        "--data",
        data.toString());
  }

  @Test
  void aSnapshotRestoresIntoAnEmptyNodeAndNeverOverAStore() throws Exception {
    TestChain chain = new TestChain();
    Path node = dir.resolve("node");
    try (BlockStore store = BlockStore.open(StoreOptions.at(node.resolve("ledger")))) {
      for (int i = 0; i < 5; i++) {
        store.append(chain.next(2, 30));
      }
    }
    assertThat(
            console.swarm(
                "store",
                "snapshot",
                "--data",
                node.toString(),
                "--out",
                dir.resolve("backup").toString()))
        .as(console.err())
        .isZero();
    assertThat(console.out()).contains("snapshot of 5 blocks");
    Path fresh = dir.resolve("fresh");
    assertThat(restore(fresh)).as(console.err()).isZero();
    assertThat(console.swarm("store", "inspect", "--data", fresh.toString(), "--json")).isZero();
    JsonObject restored = new JsonObject(console.out());
    assertThat(restored.getLong("blocks")).isEqualTo(5);
    assertThat(restored.getString("ledgerRoot"))
        .isEqualTo(HexFormat.of().formatHex(chain.tip().ledgerRoot()));

    // A second restore would overwrite a store: refused, the store untouched.
    assertThat(restore(fresh)).isEqualTo(1);
    assertThat(console.err()).contains("swarm store restore:");
    // Given the store folder itself rather than the dataDir, the store lands there, not below.
    assertThat(restore(dir.resolve("again").resolve("ledger"))).isZero();
    assertThat(dir.resolve("again").resolve("ledger").resolve("data.mdb")).exists();
    // A damaged backup is refused before anything is written.
    java.nio.file.Path data = dir.resolve("backup").resolve("data.mdb");
    byte[] bytes = java.nio.file.Files.readAllBytes(data);
    bytes[bytes.length / 2] ^= 1;
    java.nio.file.Files.write(data, bytes);
    assertThat(restore(dir.resolve("other"))).isEqualTo(1);
    assertThat(dir.resolve("other").resolve("ledger").resolve("data.mdb")).doesNotExist();
  }

  @Test
  void inspectOfAFolderWithoutAStoreFailsClearly() {
    assertThat(console.swarm("store", "inspect", "--data", dir.toString())).isEqualTo(1);
    assertThat(console.err()).contains("holds no store");
  }
}
