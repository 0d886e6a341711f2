package io.swarmcore.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.merkle.MerkleFrontier;
import io.swarmcore.merkle.MerkleHash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, simulated with a file-size limit on a child JVM (writes past it fail with EFBIG, as
 * they would with ENOSPC): the append fails with DISK_FULL, the store stays readable, and it
 * reopens consistent with nothing partial.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DiskFullTest {
  @TempDir Path dir;

  @Test
  void aFullDiskFailsTheAppendAndLosesNothing() throws Exception {
    Path data = dir.resolve("store");
    Path output = dir.resolve("child.out");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command =
        "ulimit -f 8192 && exec '"
            + java
            + "' --add-opens=java.base/java.nio=ALL-UNNAMED"
            + " --add-opens=java.base/sun.nio.ch=ALL-UNNAMED -Xmx128m -XX:TieredStopAtLevel=1"
            + " -XX:-UsePerfData -cp '"
            + System.getProperty("java.class.path")
            + "' "
            + DiskFullAppender.class.getName()
            + " '"
            + data
            + "'";
    Process child =
        new ProcessBuilder("bash", "-c", command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try {
      assertThat(child.waitFor(90, TimeUnit.SECONDS)).as("the child finishes").isTrue();
    } finally {
      child.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(output);
    assertThat(lines)
        .anyMatch(
            line ->
                line.startsWith("refused ")
                    && line.contains("the disk refused the write")
                    && line.contains("MiB free where the store lives")
                    && line.contains("Nothing was written; the store stays readable."));
    String readable =
        lines.stream().filter(l -> l.startsWith("readable ")).findFirst().orElseThrow();
    long size = Long.parseLong(readable.split(" ")[1]);
    assertThat(readable).endsWith(" true");

    try (BlockStore store = BlockStore.open(StoreOptions.at(data))) {
      assertThat(store.tip().size()).isEqualTo(size);
      MerkleFrontier recomputed = new MerkleFrontier();
      for (long height = 0; height < size; height++) {
        recomputed.append(
            MerkleHash.leaf(LedgerHashes.block(store.block(height).orElseThrow().getBlock())));
      }
      assertThat(store.tip().ledgerRoot()).isEqualTo(recomputed.root());
      assertThat(store.block(size)).isEmpty();
    }
  }
}
