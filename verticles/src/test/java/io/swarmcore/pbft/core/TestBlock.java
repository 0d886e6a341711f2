package io.swarmcore.pbft.core;

import com.google.protobuf.ByteString;
import io.swarmcore.crypto.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A minimal block for replica tests: its digest covers height, parent and payload. */
public record TestBlock(long height, ByteString parent, String payload) {
  public static final ByteString GENESIS = ByteString.copyFromUtf8("genesis");

  public ByteString digest() {
    return ByteString.copyFrom(
        Sha256.hash(
            Long.toString(height).getBytes(StandardCharsets.UTF_8),
            parent.toByteArray(),
            payload.getBytes(StandardCharsets.UTF_8)));
  }

  public static final ReplicaPorts.Blocks<TestBlock> FACTS =
      new ReplicaPorts.Blocks<>() {
        @Override
        public ByteString digest(TestBlock block) {
          return block.digest();
        }

        @Override
        public ByteString parent(TestBlock block) {
          return block.parent();
        }
      };

  /** Blocks 1..count chained on genesis, with payloads "label-1", "label-2", ... */
  public static List<TestBlock> chain(String label, int count) {
    List<TestBlock> chain = new ArrayList<>();
    ByteString parent = GENESIS;
    for (int height = 1; height <= count; height++) {
      TestBlock block = new TestBlock(height, parent, label + "-" + height);
      chain.add(block);
      parent = block.digest();
    }
    return chain;
  }
}
