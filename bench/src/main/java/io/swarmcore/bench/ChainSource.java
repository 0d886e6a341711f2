package io.swarmcore.bench;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.proto.Block;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.Transaction;
import io.swarmcore.merkle.MerkleFrontier;
import io.swarmcore.merkle.MerkleHash;
import io.swarmcore.storage.BlockStore;
import io.swarmcore.storage.TestChain;
import io.swarmcore.storage.core.BlockAssembler;
import io.swarmcore.storage.core.LedgerTip;
import java.util.ArrayList;
import java.util.List;

/** Builds blocks that extend a store's tip, with transactions of a given size. */
final class ChainSource {
  private final MerkleFrontier frontier;
  private LedgerTip tip;
  private long nonce;

  ChainSource(BlockStore store) {
    this.frontier = store.frontier();
    this.tip = store.tip();
  }

  List<FinalizedBlock> next(int blocks, int transactionsPerBlock, int transactionBytes) {
    List<FinalizedBlock> batch = new ArrayList<>(blocks);
    for (int i = 0; i < blocks; i++) {
      List<ByteString> transactions = new ArrayList<>(transactionsPerBlock);
      for (int t = 0; t < transactionsPerBlock; t++) {
        byte[] payload = new byte[transactionBytes];
        long n = nonce++;
        for (int b = 0; b < 8; b++) {
          payload[b] = (byte) (n >>> (8 * b));
        }
        transactions.add(
            Transaction.newBuilder()
                .setClientId("bench")
                .setNonce(n)
                .setPayload(ByteString.copyFrom(payload))
                .build()
                .toByteString());
      }
      Block block =
          BlockAssembler.block(
              BlockAssembler.header(tip, transactions).setProposer("v1").build(), transactions);
      batch.add(TestChain.certified(block, tip.size()));
      byte[] hash = LedgerHashes.block(block);
      frontier.append(MerkleHash.leaf(hash));
      tip = new LedgerTip(tip.size() + 1, hash, frontier.root());
    }
    return batch;
  }
}
