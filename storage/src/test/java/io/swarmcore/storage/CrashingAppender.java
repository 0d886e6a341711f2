package io.swarmcore.storage;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.proto.Block;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.Transaction;
import io.swarmcore.merkle.MerkleFrontier;
import io.swarmcore.merkle.MerkleHash;
import io.swarmcore.storage.core.BlockAssembler;
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
      MerkleFrontier frontier = store.frontier();
      LedgerTip tip = store.tip();
      while (true) {
        int batchSize = 1 + random.nextInt(5);
        List<FinalizedBlock> batch = new ArrayList<>();
        for (int i = 0; i < batchSize; i++) {
          List<ByteString> transactions = new ArrayList<>();
          for (int t = 0; t < 1 + random.nextInt(4); t++) {
            byte[] payload = new byte[64 + random.nextInt(2048)];
            random.nextBytes(payload);
            transactions.add(
                Transaction.newBuilder()
                    .setClientId("crash")
                    .setPayload(ByteString.copyFrom(payload))
                    .build()
                    .toByteString());
          }
          Block block =
              BlockAssembler.block(
                  BlockAssembler.header(tip, transactions).setProposer("v1").build(), transactions);
          FinalizedBlock finalized = TestChain.certified(block, tip.size());
          batch.add(finalized);
          byte[] hash = LedgerHashes.block(block);
          frontier.append(MerkleHash.leaf(hash));
          tip = new LedgerTip(tip.size() + 1, hash, frontier.root());
        }
        LedgerTip committed = store.appendAll(batch);
        System.out.println("committed " + committed.size());
      }
    }
  }
}
