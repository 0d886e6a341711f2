package io.swarmcore.bench;

import io.swarmcore.storage.BlockStore;
import io.swarmcore.storage.StoreOptions;
import io.swarmcore.storage.TestChain;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A ledger of one million small blocks, built once (fast: no fsync, big group commits) and kept
 * under {@code bench/target/ledger-1m} for later runs.
 */
final class MillionBlockLedger {
  static final long BLOCKS = 1_000_000;

  private MillionBlockLedger() {}

  static BlockStore open() throws Exception {
    Path directory =
        Path.of(System.getProperty("bench.dir", "target"), "ledger-1m").toAbsolutePath();
    Files.createDirectories(directory);
    BlockStore store = BlockStore.open(StoreOptions.at(directory).withNoSync(true));
    TestChain chain = new TestChain(store);
    while (store.tip().size() < BLOCKS) {
      int next = (int) Math.min(10_000, BLOCKS - store.tip().size());
      store.appendAll(chain.batch(next, 1, 32));
    }
    return store;
  }
}
