package io.swarmcore.mempool.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.proto.Transaction;
import io.swarmcore.mempool.core.Mempool.Outcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MempoolTest {
  private static ByteString tx(String client, long nonce, int payloadBytes) {
    return Transaction.newBuilder()
        .setClientId(client)
        .setNonce(nonce)
        .setPayload(ByteString.copyFrom(new byte[payloadBytes]))
        .build()
        .toByteString();
  }

  private static ByteString hash(ByteString tx) {
    return ByteString.copyFrom(LedgerHashes.transaction(tx));
  }

  private static Mempool pool(int maxTransactions, long maxBytes) {
    return new Mempool(new Mempool.Limits(maxTransactions, maxBytes, 1_000, 100));
  }

  @Test
  void acceptsOnceAndReportsDuplicatesFinalAndFullClearly() {
    Mempool pool = pool(2, 10_000);
    ByteString a = tx("alice", 1, 10);

    assertThat(pool.add(a, false).outcome()).isEqualTo(Outcome.ADDED);
    assertThat(pool.add(a, false))
        .satisfies(
            r -> {
              assertThat(r.outcome()).isEqualTo(Outcome.DUPLICATE);
              assertThat(r.hash()).isEqualTo(hash(a));
            });
    pool.add(tx("alice", 2, 10), false);
    assertThat(pool.add(tx("alice", 3, 10), false))
        .satisfies(
            r -> {
              assertThat(r.outcome()).isEqualTo(Outcome.FULL);
              assertThat(r.detail())
                  .contains("mempool full (2 transactions")
                  .contains("retry later");
            });

    pool.finalized(List.of(hash(a)));
    assertThat(pool.add(a, false).outcome())
        .as("never proposed again")
        .isEqualTo(Outcome.ALREADY_FINAL);
    assertThat(pool.size()).isEqualTo(1);
  }

  @Test
  void refusesOversizedMalformedAndNonCanonicalTransactions() {
    Mempool pool = pool(10, 10_000);

    assertThat(pool.add(tx("bob", 1, 2_000), false).outcome()).isEqualTo(Outcome.TOO_LARGE);
    assertThat(pool.add(ByteString.copyFrom(new byte[] {(byte) 0xff, 0x01}), false))
        .satisfies(
            r -> {
              assertThat(r.outcome()).isEqualTo(Outcome.MALFORMED);
              assertThat(r.detail()).startsWith("not a Transaction");
            });
    assertThat(pool.add(tx("", 1, 1), false).detail()).contains("client_id must be 1 to 128");
    // Field 2 before field 1: the same transaction in another encoding, so another hash.
    ByteString reordered = ByteString.copyFrom(new byte[] {0x10, 0x01, 0x0a, 0x01, 'c'});
    assertThat(pool.add(reordered, false).detail()).contains("canonical");
    assertThat(pool.size()).isZero();
  }

  @Test
  void proposesInArrivalOrderWithinLimitsAndNeverTwice() {
    Mempool pool = pool(100, 100_000);
    List<ByteString> txs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      txs.add(tx("carol", i, 10));
      pool.add(txs.get(i), false);
    }

    assertThat(pool.propose(2, 10_000)).containsExactly(txs.get(0), txs.get(1));
    assertThat(pool.propose(10, txs.get(2).size() * 2L)).containsExactly(txs.get(2), txs.get(3));
    pool.unproposed(List.of(hash(txs.get(0))));
    assertThat(pool.propose(10, 10_000)).containsExactly(txs.get(4), txs.get(0));
    assertThat(pool.propose(10, 10_000)).isEmpty();
    assertThat(pool.size()).as("proposed stay pending until final").isEqualTo(5);
  }

  @Test
  void gossipsWhatWasSubmittedHereOnceAndNotWhatCameByGossip() {
    Mempool pool = pool(100, 100_000);
    ByteString mine = tx("dave", 1, 1);
    ByteString theirs = tx("erin", 1, 1);
    pool.add(mine, false);
    pool.add(theirs, true);

    assertThat(pool.toGossip(10)).containsExactly(mine);
    assertThat(pool.toGossip(10)).isEmpty();
  }

  @Property(tries = 200)
  void nothingAcceptedIsLostAndNothingIsProposedTwice(
      @ForAll @IntRange(min = 1, max = 80) int count,
      @ForAll @IntRange(min = 1, max = 7) int perBlock) {
    Mempool pool = pool(1_000, 1_000_000);
    Set<ByteString> accepted = new HashSet<>();
    for (int i = 0; i < count; i++) {
      ByteString t = tx("frank", i % 50, 3); // nonces repeat: some are duplicates
      if (pool.add(t, false).outcome() == Outcome.ADDED) {
        accepted.add(t);
      }
    }
    List<ByteString> proposed = new ArrayList<>();
    List<ByteString> batch;
    while (!(batch = pool.propose(perBlock, 1_000_000)).isEmpty()) {
      proposed.addAll(batch);
      pool.finalized(batch.stream().map(MempoolTest::hash).toList());
    }

    assertThat(proposed).doesNotHaveDuplicates();
    assertThat(new HashSet<>(proposed)).isEqualTo(accepted);
    assertThat(pool.size()).isZero();
    assertThat(pool.bytes()).isZero();
  }

  @Test
  void aGossipedTransactionIsRepeatedOnceAfterItLingeredForAWholeRound() {
    Mempool pool = pool(10, 10_000);
    ByteString gossiped = tx("bob", 1, 10);
    pool.add(gossiped, true);

    assertThat(pool.oldestReady(10)).as("fresh: its taker repeats it").isEmpty();
    assertThat(pool.oldestReady(10))
        .as("still waiting a round later: its taker may be gone")
        .containsExactly(gossiped);
    assertThat(pool.oldestReady(10)).as("once: n copies every round would be waste").isEmpty();
  }

  @Test
  void aClientHandingInAGossipedTransactionMakesThisNodeGossipIt() {
    Mempool pool = pool(10, 10_000);
    ByteString gossiped = tx("bob", 1, 10);
    pool.add(gossiped, true);
    assertThat(pool.toGossip(10)).isEmpty();

    assertThat(pool.add(gossiped, false).outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(pool.toGossip(10)).containsExactly(gossiped);
    assertThat(pool.oldestReady(10)).containsExactly(gossiped);
  }

  @Test
  void aNodeRegossipsOnlyWhatWasSubmittedToItAndIsStillWaiting() {
    Mempool pool = pool(10, 10_000);
    ByteString mine = tx("alice", 1, 10);
    ByteString gossiped = tx("bob", 1, 10);
    ByteString done = tx("carol", 1, 10);
    pool.add(mine, false);
    pool.add(gossiped, true);
    pool.add(done, false);
    pool.finalized(java.util.List.of(hash(done)));

    org.assertj.core.api.Assertions.assertThat(pool.oldestReady(10)).containsExactly(mine);
    pool.propose(10, 10_000);
    org.assertj.core.api.Assertions.assertThat(pool.oldestReady(10))
        .as("in a proposal now: the leader has it")
        .isEmpty();
  }
}
