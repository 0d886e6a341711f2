package io.swarmcore.pbft.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.ToLongFunction;

/**
 * When the leader cuts a block (docs/PROTOCOL.md, "Batching"): as soon as the pending transactions
 * reach the block's transaction or byte limit, or the oldest of them has waited the maximum delay.
 * Transactions leave in arrival order and none is dropped: a batch takes the longest prefix within
 * both limits, and what remains waits for the next one. Logical time comes from the caller.
 *
 * @param <T> the transaction type
 */
public final class Batcher<T> {
  /** Block limits: transactions, bytes, and how long the oldest transaction may wait. */
  public record Limits(int maxTransactions, long maxBytes, long maxDelay) {
    public Limits {
      if (maxTransactions < 1 || maxBytes < 1 || maxDelay < 0) {
        throw new IllegalArgumentException(
            "block limits need max transactions ≥ 1, max bytes ≥ 1, max delay ≥ 0; got "
                + maxTransactions
                + ", "
                + maxBytes
                + ", "
                + maxDelay);
      }
    }
  }

  private record Waiting<T>(T transaction, long bytes, long since) {}

  private final Limits limits;
  private final ToLongFunction<T> sizeOf;
  private final Deque<Waiting<T>> pending = new ArrayDeque<>();
  private long pendingBytes;

  public Batcher(Limits limits, ToLongFunction<T> sizeOf) {
    this.limits = limits;
    this.sizeOf = sizeOf;
  }

  /**
   * Queues a transaction that arrived at {@code now}. Refuses (returns false) one larger than a
   * whole block, which could never be proposed.
   */
  public boolean offer(T transaction, long now) {
    long bytes = sizeOf.applyAsLong(transaction);
    if (bytes > limits.maxBytes()) {
      return false;
    }
    pending.addLast(new Waiting<>(transaction, bytes, now));
    pendingBytes += bytes;
    return true;
  }

  /** A batch if one is due at {@code now}: a block is full, or the oldest waited long enough. */
  public Optional<List<T>> cut(long now) {
    if (pending.isEmpty()) {
      return Optional.empty();
    }
    boolean full = pending.size() >= limits.maxTransactions() || pendingBytes >= limits.maxBytes();
    boolean waitedEnough = now - pending.peekFirst().since() >= limits.maxDelay();
    if (!full && !waitedEnough) {
      return Optional.empty();
    }
    List<T> batch = new ArrayList<>();
    long bytes = 0;
    while (!pending.isEmpty()
        && batch.size() < limits.maxTransactions()
        && bytes + pending.peekFirst().bytes() <= limits.maxBytes()) {
      Waiting<T> next = pending.removeFirst();
      batch.add(next.transaction());
      bytes += next.bytes();
      pendingBytes -= next.bytes();
    }
    return Optional.of(batch);
  }

  /** When the oldest pending transaction will have waited the maximum delay. */
  public OptionalLong deadline() {
    Waiting<T> oldest = pending.peekFirst();
    return oldest == null
        ? OptionalLong.empty()
        : OptionalLong.of(oldest.since() + limits.maxDelay());
  }

  public int pending() {
    return pending.size();
  }

  public long pendingBytes() {
    return pendingBytes;
  }
}
