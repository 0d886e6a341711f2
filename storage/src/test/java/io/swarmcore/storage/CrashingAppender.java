package io.swarmcore.storage;

import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.storage.core.LedgerTip;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The child process of {@link CrashSafetyTest}: appends batches of blocks to a durable store
 * forever, printing {@code committed <size>} after each commit returns, until it is killed.
 */
public final class CrashingAppender {
  private CrashingAppender() {}

  public static void main(String[] args) {
    Random random = new Random(Long.parseLong(args[1]));
    try (BlockStore store = BlockStore.open(StoreOptions.at(Path.of(args[0])))) {
      System.out.println("opened " + store.tip().size());
      TestChain chain = new TestChain(store);
      while (true) {
        List<FinalizedBlock> batch = new ArrayList<>();
        for (int i = 1 + random.nextInt(5); i > 0; i--) {
          batch.add(chain.next(1 + random.nextInt(4), 64 + random.nextInt(2048)));
        }
        LedgerTip committed = store.appendAll(batch);
        System.out.println("committed " + committed.size());
      }
    }
  }
}
