package io.swarmcore.storage;

import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.merkle.MerkleFrontier;
import io.swarmcore.merkle.MerkleHash;
import io.swarmcore.storage.StoreException.Kind;
import io.swarmcore.storage.core.BlockLimits;
import io.swarmcore.storage.core.BlockRules;
import io.swarmcore.storage.core.CheckedBlock;
import io.swarmcore.storage.core.InvalidBlockException;
import io.swarmcore.storage.core.LedgerTip;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.lmdbjava.Txn;

/**
 * Checks every entry of a store that came from elsewhere (a peer's snapshot) without trusting any
 * of it: each block is checked as an append would check it, from height 0 up, and every index entry
 * and Merkle subtree an append would have written is compared with what is stored, then every table
 * is walked entry by entry and counted, so nothing extra hides in a table. What passes is byte for
 * byte the store that appending the same blocks would have built; the blocks themselves are then
 * proven by the certificate of the last one (its hash covers its parent's, and so on down).
 */
final class StoreAudit {
  private final Txn<ByteBuffer> txn;
  private final BlockStore.Tables tables;
  private final BlockLimits limits;

  StoreAudit(Txn<ByteBuffer> txn, BlockStore.Tables tables, BlockLimits limits) {
    this.txn = txn;
    this.tables = tables;
    this.limits = limits;
  }

  LedgerTip run() {
    LedgerTip stored = tables.tip(txn);
    LedgerTip walked = LedgerTip.empty();
    MerkleFrontier frontier = new MerkleFrontier();
    long transactionCount = 0;
    long nodeCount = 0;
    for (long height = 0; height < stored.size(); height++) {
      byte[] raw = tables.blocks().get(txn, Keys.height(height));
      if (raw == null) {
        throw invalid("block " + height + " is missing below the tip " + stored.size());
      }
      CheckedBlock block;
      try {
        block = BlockRules.check(FinalizedBlock.parseFrom(raw), walked, limits);
      } catch (InvalidBlockException e) {
        throw invalid("block " + height + " breaks a ledger rule: " + e.getMessage());
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw invalid("block " + height + " does not parse");
      }
      expect(
          tables.blockHeights().get(txn, block.blockHash()),
          Keys.height(height),
          "the hash index of block " + height);
      List<byte[]> txHashes = block.txHashes();
      for (int position = 0; position < txHashes.size(); position++) {
        // A transaction stored twice would leave one of its two index entries wrong.
        expect(
            tables.transactions().get(txn, txHashes.get(position)),
            Keys.txLocation(height, position),
            "the index of transaction " + position + " of block " + height);
      }
      transactionCount += txHashes.size();
      for (MerkleFrontier.Node node : frontier.append(MerkleHash.leaf(block.blockHash()))) {
        expect(
            tables.nodes().get(txn, Keys.node(node.level(), node.index())),
            node.hash(),
            "Merkle subtree level " + node.level() + " index " + node.index());
        nodeCount++;
      }
      walked = new LedgerTip(height + 1, block.blockHash(), frontier.root());
    }
    if (!Arrays.equals(walked.tipHash(), stored.tipHash())
        || !Arrays.equals(walked.ledgerRoot(), stored.ledgerRoot())) {
      throw invalid("the stored tip or ledger root is not what the blocks hash to");
    }
    count(tables.blocks(), stored.size(), "blocks");
    count(tables.blockHeights(), stored.size(), "block hashes");
    count(tables.transactions(), transactionCount, "transactions");
    count(tables.nodes(), nodeCount, "Merkle subtrees");
    long meta = tables.meta().walk(txn);
    if (meta > 5) {
      throw invalid("the store's meta table holds " + meta + " entries, at most 5 are known");
    }
    return walked;
  }

  private void count(Table table, long expected, String what) {
    long entries = table.walk(txn);
    if (entries != expected) {
      throw invalid(
          "the store indexes " + entries + " " + what + " where its blocks make " + expected);
    }
  }

  private static void expect(byte[] actual, byte[] expected, String what) {
    if (actual == null) {
      throw invalid(what + " is missing");
    }
    if (!Arrays.equals(actual, expected)) {
      throw invalid(what + " is wrong");
    }
  }

  private static StoreException invalid(String message) {
    return new StoreException(Kind.SNAPSHOT_INVALID, "audit failed: " + message);
  }
}
