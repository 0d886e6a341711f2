package io.swarmcore.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.merkle.MerkleFrontier;
import io.swarmcore.merkle.MerkleHash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL while it appends, over and over; after every kill the store must
 * reopen with an intact tip, a ledger root that equals a recomputation from the stored blocks,
 * everything the child reported committed, and nothing beyond the batch in flight.
 */
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class CrashSafetyTest {
  /** 20 in the build; the long mode ({@code mvn -P long verify}) raises it to 60. */
  private static final int KILLS = Integer.getInteger("swarm.crash.kills", 20);

  private static final int MAX_BATCH = 5;

  @TempDir Path dir;

  @Test
  void theStoreSurvivesRepeatedSigkill() throws Exception {
    Path data = dir.resolve("store");
    Random random = new Random(20261127L);
    long committedBefore = 0;
    for (int kill = 0; kill < KILLS; kill++) {
      Path output = dir.resolve("child-" + kill + ".out");
      Process child = startChild(data, output, random.nextLong());
      try {
        awaitFirstCommit(child, output);
        // A random moment in the middle of appending; returns early only if the child died.
        assertThat(child.waitFor(random.nextInt(300), TimeUnit.MILLISECONDS))
            .as("the child appends until killed")
            .isFalse();
      } finally {
        child.destroyForcibly();
        child.waitFor(30, TimeUnit.SECONDS);
      }
      long reported = lastCommitted(output);
      long size = checkStore(data);
      assertThat(size)
          .as("kill %d: every reported commit is durable", kill)
          .isGreaterThanOrEqualTo(reported);
      assertThat(size)
          .as("kill %d: nothing beyond the batch in flight", kill)
          .isLessThanOrEqualTo(reported + MAX_BATCH);
      assertThat(size).isGreaterThan(committedBefore);
      committedBefore = size;
    }
  }

  private static Process startChild(Path data, Path output, long seed) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
    command.add("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
    command.add("-Xmx128m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(CrashingAppender.class.getName());
    command.add(data.toString());
    command.add(Long.toString(seed));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
  }

  private static void awaitFirstCommit(Process child, Path output) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (lastCommitted(output) < 0) {
      if (!child.isAlive()) {
        throw new AssertionError("the child died: " + Files.readString(output));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the child never committed: " + Files.readString(output));
      }
      child.waitFor(20, TimeUnit.MILLISECONDS);
    }
  }

  /** The last size the child reported committed; -1 before its first report. */
  private static long lastCommitted(Path output) throws IOException {
    long last = -1;
    for (String line : Files.readAllLines(output)) {
      if (line.startsWith("committed ") && line.length() > "committed ".length()) {
        last = Long.parseLong(line.substring("committed ".length()).trim());
      }
    }
    return last;
  }

  /** Reopens the store and checks it from scratch; returns its size. */
  private static long checkStore(Path data) throws Exception {
    try (BlockStore store = BlockStore.open(StoreOptions.at(data))) {
      long size = store.tip().size();
      MerkleFrontier recomputed = new MerkleFrontier();
      byte[] parent = LedgerHashes.noParent();
      for (long height = 0; height < size; height++) {
        FinalizedBlock block = store.block(height).orElseThrow();
        BlockHeader header = BlockHeader.parseFrom(block.getBlock().getHeader());
        assertThat(header.getHeight()).isEqualTo(height);
        assertThat(header.getParentHash().toByteArray()).isEqualTo(parent);
        assertThat(header.getLedgerRoot().toByteArray()).isEqualTo(recomputed.root());
        parent = LedgerHashes.block(block.getBlock());
        recomputed.append(MerkleHash.leaf(parent));
      }
      assertThat(store.tip().tipHash()).as("the tip block is intact").isEqualTo(parent);
      assertThat(store.tip().ledgerRoot())
          .as("the stored root equals a recomputation from the blocks")
          .isEqualTo(recomputed.root());
      assertThat(store.rootAt(size)).isEqualTo(recomputed.root());
      assertThat(store.block(size)).as("nothing after the last commit").isEmpty();
      return size;
    }
  }
}
