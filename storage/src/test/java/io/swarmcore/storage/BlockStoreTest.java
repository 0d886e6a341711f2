package io.swarmcore.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.merkle.MerkleHash;
import io.swarmcore.merkle.MerkleTree;
import io.swarmcore.merkle.MerkleVerifier;
import io.swarmcore.storage.core.BlockLimits;
import io.swarmcore.storage.core.InvalidBlockException;
import io.swarmcore.storage.core.InvalidBlockException.Rule;
import io.swarmcore.storage.core.LedgerTip;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockStoreTest {
  @TempDir Path dir;

  private BlockStore store;
  private final TestChain chain = new TestChain();

  @BeforeEach
  void open() {
    store = BlockStore.open(StoreOptions.at(dir).withMapSizes(1 << 20, 256L << 20));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void anEmptyStoreHasTheEmptyTip() {
    assertThat(store.tip().size()).isZero();
    assertThat(store.tip().ledgerRoot()).isEqualTo(MerkleHash.emptyRoot());
    assertThat(store.block(0)).isEmpty();
  }

  @Test
  void appendedBlocksAreFoundByHeightHashAndTransaction() {
    List<FinalizedBlock> appended = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      FinalizedBlock block = chain.next(3, 100);
      store.append(block);
      appended.add(block);
    }
    assertThat(store.tip()).usingRecursiveComparison().isEqualTo(chain.tip());
    FinalizedBlock fifth = appended.get(5);
    assertThat(store.block(5)).contains(fifth);
    assertThat(store.blockByHash(LedgerHashes.block(fifth.getBlock()))).contains(fifth);
    ByteString tx = fifth.getBlock().getTransactions(2);
    assertThat(store.transaction(LedgerHashes.transaction(tx))).contains(new TxLocation(5, 2));
    assertThat(store.transaction(new byte[32])).isEmpty();
  }

  @Test
  void theLedgerSurvivesReopeningAndKeepsGrowing() {
    for (int i = 0; i < 7; i++) {
      store.append(chain.next(1, 10));
    }
    store.close();
    store = BlockStore.open(StoreOptions.at(dir));

    assertThat(store.tip()).usingRecursiveComparison().isEqualTo(chain.tip());
    store.append(chain.next(1, 10));
    assertThat(store.tip().size()).isEqualTo(8);
    assertThat(store.tip().ledgerRoot()).isEqualTo(chain.tip().ledgerRoot());
  }

  @Test
  void groupCommitAppendsAWholeBatch() {
    List<FinalizedBlock> batch = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      batch.add(chain.next(2, 50));
    }
    LedgerTip tip = store.appendAll(batch);
    assertThat(tip.size()).isEqualTo(50);
    assertThat(store.block(49)).contains(batch.get(49));
  }

  @Test
  void rangesStopAtTheCountTheByteBudgetOrTheTip() {
    List<FinalizedBlock> appended = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      appended.add(chain.next(2, 100));
    }
    store.appendAll(appended);
    int oneBlock = appended.get(0).getSerializedSize();

    assertThat(store.blocks(3, 5, 1 << 20)).containsExactlyElementsOf(appended.subList(3, 8));
    assertThat(store.blocks(15, 100, 1 << 20)).containsExactlyElementsOf(appended.subList(15, 20));
    assertThat(store.blocks(0, 100, 3L * oneBlock + oneBlock / 2)).hasSize(3);
    assertThat(store.blocks(0, 100, 1)).containsExactly(appended.get(0));
    assertThat(store.blocks(20, 10, 1 << 20)).isEmpty();
    assertThatThrownBy(() -> store.blocks(-1, 10, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void knownTransactionsAreThoseInTheLedger() {
    FinalizedBlock block = chain.next(3, 10);
    store.append(block);
    byte[] inLedger = LedgerHashes.transaction(block.getBlock().getTransactions(1));
    byte[] elsewhere = new byte[32];

    assertThat(store.knownTransactions(List.of(elsewhere, inLedger)))
        .singleElement()
        .satisfies(hash -> assertThat(hash).isEqualTo(inLedger));
    assertThat(store.knownTransactions(List.of(elsewhere))).isEmpty();
  }

  @Test
  void theConsensusStateSurvivesReopening() {
    assertThat(store.consensusState()).isEmpty();
    store.saveConsensusState(new byte[] {1, 2, 3});
    store.saveConsensusState(new byte[] {4, 5});
    store.close();
    store = BlockStore.open(StoreOptions.at(dir));

    assertThat(store.consensusState()).hasValueSatisfying(s -> assertThat(s).containsExactly(4, 5));
  }

  @Test
  void aBadBlockInABatchWritesNothing() {
    store.append(chain.next(1, 10));
    LedgerTip before = store.tip();
    FinalizedBlock good = chain.next(1, 10);
    FinalizedBlock alsoGood = chain.next(1, 10);
    chain.next(1, 10); // built but never appended: the next one leaves a gap
    FinalizedBlock gap = chain.next(1, 10);

    assertThatThrownBy(() -> store.appendAll(List.of(good, alsoGood, gap)))
        .isInstanceOfSatisfying(
            InvalidBlockException.class, e -> assertThat(e.rule()).isEqualTo(Rule.WRONG_HEIGHT))
        .hasMessage("block height 4 does not extend the tip: expected 3");
    assertThat(store.tip()).isSameAs(before);
    assertThat(store.block(1)).isEmpty();
  }

  @Test
  void refusesABlockThatDoesNotExtendTheTip() {
    store.append(chain.next(1, 10));
    FinalizedBlock next = chain.next(1, 10);

    FinalizedBlock wrongParent =
        withHeader(next, h -> h.setParentHash(ByteString.copyFrom(new byte[32])));
    assertRefused(wrongParent, Rule.WRONG_PARENT, "names parent 0000");

    FinalizedBlock wrongRoot =
        withHeader(next, h -> h.setLedgerRoot(ByteString.copyFrom(new byte[32])));
    assertRefused(wrongRoot, Rule.WRONG_LEDGER_ROOT, "the ledger's root at size 1 is");

    FinalizedBlock wrongTxRoot =
        withHeader(next, h -> h.setTxRoot(ByteString.copyFrom(new byte[32])));
    assertRefused(wrongTxRoot, Rule.WRONG_TX_ROOT, "its transactions hash to");

    FinalizedBlock wrongCount = withHeader(next, h -> h.setTxCount(5));
    assertRefused(
        wrongCount, Rule.WRONG_TX_ROOT, "header counts 5 transactions, the block holds 1");

    FinalizedBlock wrongCertificate =
        next.toBuilder()
            .setCertificate(
                next.getCertificate().toBuilder().setBlockHash(ByteString.copyFrom(new byte[32])))
            .build();
    assertRefused(wrongCertificate, Rule.WRONG_CERTIFICATE, "certificate is for block 0000");

    store.append(next);
    assertThat(store.tip().size()).isEqualTo(2);
  }

  @Test
  void refusesOversizedBlocksAndTransactions() {
    store.close();
    store = BlockStore.open(StoreOptions.at(dir).withLimits(new BlockLimits(10_000, 3, 1_000)));
    assertRefused(chain.next(4, 10), Rule.TOO_LARGE, "block holds 4 transactions, the limit is 3");
    TestChain fresh = new TestChain();
    assertRefused(fresh.next(1, 2_000), Rule.TOO_LARGE, "transaction 0 is 20");
  }

  @Test
  void refusesATransactionAlreadyInTheLedger() {
    FinalizedBlock first = chain.next(2, 10);
    store.append(first);
    ByteString repeated = first.getBlock().getTransactions(1);

    FinalizedBlock again = chain.next(List.of(chain.transaction(10), repeated));
    assertThatThrownBy(() -> store.append(again))
        .isInstanceOfSatisfying(
            InvalidBlockException.class,
            e -> assertThat(e.rule()).isEqualTo(Rule.DUPLICATE_TRANSACTION))
        .hasMessage("transaction 1 of block 1 is already in the ledger at height 0, position 1");
    assertThat(store.tip().size()).isEqualTo(1);
    assertThat(store.transaction(LedgerHashes.transaction(again.getBlock().getTransactions(0))))
        .isEmpty();
  }

  @Test
  void proofsVerifyForEveryPastTreeSize() {
    MerkleTree reference = new MerkleTree();
    for (int i = 0; i < 37; i++) {
      FinalizedBlock block = chain.next(1, 10);
      store.append(block);
      reference.appendData(LedgerHashes.block(block.getBlock()));
    }
    for (long size = 1; size <= 37; size++) {
      byte[] root = store.rootAt(size);
      assertThat(root).isEqualTo(reference.root(size));
      for (long height = 0; height < size; height++) {
        byte[] leaf =
            MerkleHash.leaf(LedgerHashes.block(store.block(height).orElseThrow().getBlock()));
        assertThat(
                MerkleVerifier.verifyInclusion(
                    leaf, height, size, store.inclusionProof(height, size), root))
            .isTrue();
      }
      assertThat(
              MerkleVerifier.verifyConsistency(
                  size, 37, store.consistencyProof(size, 37), root, store.rootAt(37)))
          .isTrue();
    }
    assertThatThrownBy(() -> store.inclusionProof(0, 38))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tree size 38 is beyond the ledger's 37 blocks");
  }

  @Test
  void aStoreCannotBeOpenedTwiceInOneProcess() {
    assertThatThrownBy(() -> BlockStore.open(StoreOptions.at(dir)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("is already open in this process");
  }

  @Test
  void cachedSubtreesServeTheSameProofsAsLmdb() {
    MerkleTree reference = new MerkleTree();
    List<FinalizedBlock> batch = new ArrayList<>();
    for (int i = 0; i < 700; i++) {
      FinalizedBlock block = chain.next(0, 0);
      batch.add(block);
      reference.appendData(LedgerHashes.block(block.getBlock()));
    }
    store.appendAll(batch);
    java.util.Random random = new java.util.Random(7);
    for (int pass = 0; pass < 2; pass++) { // the second pass reads high subtrees from the cache
      for (int i = 0; i < 300; i++) {
        long size = 1 + random.nextInt(700);
        long height = random.nextInt((int) size);
        assertThat(store.inclusionProof(height, size))
            .usingElementComparator(java.util.Arrays::compare)
            .containsExactlyElementsOf(reference.inclusionProof(height, size));
        assertThat(store.rootAt(size)).isEqualTo(reference.root(size));
      }
    }
  }

  @Test
  void theMapGrowsWhenFull() {
    long initial = store.status().mapSize();
    for (int i = 0; i < 300; i++) {
      store.append(chain.next(4, 1024));
    }
    assertThat(store.status().mapSize()).isGreaterThan(initial);
    assertThat(store.tip().size()).isEqualTo(300);
  }

  @Test
  void atTheMaximumAppendsFailClearlyAndTheStoreStaysReadable() {
    store.close();
    store = BlockStore.open(StoreOptions.at(dir).withMapSizes(1 << 20, 2 << 20));
    StoreException full = null;
    int appended = 0;
    while (full == null && appended < 10_000) {
      try {
        store.append(chain.next(8, 1024));
        appended++;
      } catch (StoreException e) {
        full = e;
      }
    }
    assertThat(full).isNotNull();
    assertThat(full.kind()).isEqualTo(StoreException.Kind.FULL);
    assertThat(full.getMessage()).contains("reached the configured maximum of 2097152 bytes");
    long size = store.tip().size();
    assertThat(size).isEqualTo(appended);
    assertThat(store.block(size - 1)).isPresent();

    store.close();
    store = BlockStore.open(StoreOptions.at(dir).withMapSizes(1 << 20, 2 << 20));
    assertThat(store.tip().size()).isEqualTo(appended);
    assertThat(store.rootAt(appended)).isEqualTo(store.tip().ledgerRoot());
  }

  @Test
  void ensureRoomRefusesBlocksThatWouldNotFitBeforeAnythingIsWritten() {
    store.close();
    store = BlockStore.open(StoreOptions.at(dir).withMapSizes(1 << 20, 4 << 20));
    store.ensureRoom(64 * 1024); // 2 × 64 KiB + 1 MiB of slack fit in 4 MiB
    LedgerTip before = store.tip();
    StoreException full = null;
    try {
      store.ensureRoom(2 << 20);
    } catch (StoreException e) {
      full = e;
    }
    assertThat(full).isNotNull();
    assertThat(full.kind()).isEqualTo(StoreException.Kind.FULL);
    assertThat(full.getMessage()).contains("has no room for 2097152 more bytes");
    assertThat(store.tip().size()).isEqualTo(before.size());
    store.append(chain.next(4, 1024)); // small blocks still go in
    assertThat(store.tip().size()).isEqualTo(before.size() + 1);
  }

  private interface HeaderEdit {
    void apply(BlockHeader.Builder header);
  }

  private static FinalizedBlock withHeader(FinalizedBlock block, HeaderEdit edit) {
    try {
      BlockHeader.Builder header = BlockHeader.parseFrom(block.getBlock().getHeader()).toBuilder();
      edit.apply(header);
      return block.toBuilder()
          .setBlock(block.getBlock().toBuilder().setHeader(header.build().toByteString()))
          .build();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private void assertRefused(FinalizedBlock block, Rule rule, String message) {
    LedgerTip before = store.tip();
    assertThatThrownBy(() -> store.append(block))
        .isInstanceOfSatisfying(
            InvalidBlockException.class, e -> assertThat(e.rule()).isEqualTo(rule))
        .hasMessageContaining(message);
    assertThat(store.tip()).isSameAs(before);
  }
}
