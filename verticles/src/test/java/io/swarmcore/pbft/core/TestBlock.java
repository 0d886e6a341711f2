package io.swarmcore.pbft.core;

import com.google.protobuf.ByteString;
import io.swarmcore.crypto.Sha256;
import java.nio.charset.StandardCharsets;

/** A minimal block for replica tests: its digest covers height, parent and payload. */
record TestBlock(long height, ByteString parent, String payload) {
  static final ByteString GENESIS = ByteString.copyFromUtf8("genesis");

  ByteString digest() {
    return ByteString.copyFrom(
        Sha256.hash(
            Long.toString(height).getBytes(StandardCharsets.UTF_8),
            parent.toByteArray(),
            payload.getBytes(StandardCharsets.UTF_8)));
  }

  static final ReplicaPorts.Blocks<TestBlock> FACTS =
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
}
