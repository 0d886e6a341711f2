package io.swarmcore.pbft.sim;

import com.google.protobuf.ByteString;
import io.swarmcore.crypto.Sha256;
import io.swarmcore.pbft.core.ReplicaPorts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The block of the simulator and of replica tests: its digest covers height, parent and payload, so
 * two blocks with one digest are the same block.
 */
public record SimBlock(long height, ByteString parent, String payload) {
  public static final ByteString GENESIS = ByteString.copyFromUtf8("genesis");

  public ByteString digest() {
    return ByteString.copyFrom(
        Sha256.hash(
            Long.toString(height).getBytes(StandardCharsets.UTF_8),
            parent.toByteArray(),
            payload.getBytes(StandardCharsets.UTF_8)));
  }

  public static final ReplicaPorts.Blocks<SimBlock> FACTS =
      new ReplicaPorts.Blocks<>() {
        @Override
        public ByteString digest(SimBlock block) {
          return block.digest();
        }

        @Override
        public ByteString parent(SimBlock block) {
          return block.parent();
        }
      };

  /** Blocks 1..count chained on genesis, with payloads "label-1", "label-2", ... */
  public static List<SimBlock> chain(String label, int count) {
    List<SimBlock> chain = new ArrayList<>();
    ByteString parent = GENESIS;
    for (int height = 1; height <= count; height++) {
      SimBlock block = new SimBlock(height, parent, label + "-" + height);
      chain.add(block);
      parent = block.digest();
    }
    return chain;
  }
}
