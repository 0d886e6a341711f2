package io.swarmcore.pbft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class BatcherTest {
  /** Transactions are strings; their size is their length. */
  private static Batcher<String> batcher(int maxTransactions, long maxBytes, long maxDelay) {
    return new Batcher<>(new Batcher.Limits(maxTransactions, maxBytes, maxDelay), String::length);
  }

  @Test
  void cutsWhenTheTransactionLimitIsReached() {
    Batcher<String> batcher = batcher(3, 1_000, 100);
    batcher.offer("a", 0);
    batcher.offer("b", 0);
    assertThat(batcher.cut(1)).isEmpty();

    batcher.offer("c", 1);
    batcher.offer("d", 1);

    assertThat(batcher.cut(1)).contains(List.of("a", "b", "c"));
    assertThat(batcher.pending()).isEqualTo(1);
  }

  @Test
  void cutsWhenTheByteLimitIsReachedAndNeverExceedsIt() {
    Batcher<String> batcher = batcher(100, 10, 100);
    batcher.offer("aaaa", 0);
    batcher.offer("bbbb", 0);
    assertThat(batcher.cut(0)).isEmpty();

    batcher.offer("cccc", 0);

    assertThat(batcher.cut(0)).contains(List.of("aaaa", "bbbb"));
    assertThat(batcher.pendingBytes()).isEqualTo(4);
  }

  @Test
  void cutsWhenTheOldestTransactionHasWaitedTheMaximumDelay() {
    Batcher<String> batcher = batcher(100, 1_000, 50);
    batcher.offer("a", 10);
    batcher.offer("b", 40);

    assertThat(batcher.deadline()).isEqualTo(OptionalLong.of(60));
    assertThat(batcher.cut(59)).isEmpty();
    assertThat(batcher.cut(60)).contains(List.of("a", "b"));
    assertThat(batcher.deadline()).isEmpty();
    assertThat(batcher.cut(1_000)).isEmpty();
  }

  @Test
  void refusesATransactionLargerThanABlockAndBadLimits() {
    Batcher<String> batcher = batcher(10, 3, 0);

    assertThat(batcher.offer("four", 0)).isFalse();
    assertThat(batcher.pending()).isZero();
    assertThatThrownBy(() -> new Batcher.Limits(0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max transactions ≥ 1");
  }

  @Property(tries = 300)
  void everyTransactionLeavesOnceInArrivalOrderWithinTheLimits(
      @ForAll @Size(max = 60) List<@IntRange(min = 1, max = 9) Integer> sizes,
      @ForAll @IntRange(min = 1, max = 8) int maxTransactions,
      @ForAll @IntRange(min = 9, max = 30) int maxBytes) {
    Batcher<String> batcher = batcher(maxTransactions, maxBytes, 5);
    List<String> offered = new ArrayList<>();
    List<String> cut = new ArrayList<>();
    long now = 0;
    for (int i = 0; i < sizes.size(); i++) {
      String transaction = Integer.toString(i % 10).repeat(sizes.get(i));
      offered.add(transaction);
      assertThat(batcher.offer(transaction, now)).isTrue();
      now++;
      drain(batcher, now, maxTransactions, maxBytes, cut);
    }
    drain(batcher, now + 5, maxTransactions, maxBytes, cut);
    while (batcher.pending() > 0) {
      now += 5;
      drain(batcher, now + 5, maxTransactions, maxBytes, cut);
    }

    assertThat(cut).isEqualTo(offered);
  }

  private static void drain(
      Batcher<String> batcher, long now, int maxTransactions, int maxBytes, List<String> into) {
    Optional<List<String>> batch;
    while ((batch = batcher.cut(now)).isPresent()) {
      assertThat(batch.get()).isNotEmpty().hasSizeLessThanOrEqualTo(maxTransactions);
      assertThat(batch.get().stream().mapToInt(String::length).sum()).isLessThanOrEqualTo(maxBytes);
      into.addAll(batch.get());
    }
  }
}
