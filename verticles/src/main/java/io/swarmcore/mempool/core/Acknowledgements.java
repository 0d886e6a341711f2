package io.swarmcore.mempool.core;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * When a submission may be acknowledged: once enough other validators confirmed holding the
 * transaction, so that a node that crashes right after its acknowledgement loses nothing (with at
 * most f crashed, one of the f + 1 holders is left, and it gossips the transaction on). Pure: the
 * caller passes the time and answers the waiters this returns.
 *
 * @param <W> whatever answers one waiting submission
 */
public final class Acknowledgements<W> {
  /** A submission waiting for confirmations until {@code deadline}. */
  private record Waiter<W>(ByteString hash, W waiter, long deadline) {}

  private final Map<ByteString, Set<String>> holders = new HashMap<>();
  private final Map<ByteString, List<Waiter<W>>> waiting = new HashMap<>();
  // Every waiter by deadline (answered ones too, skipped when they come up): expiry costs only
  // what expires.
  private final PriorityQueue<Waiter<W>> byDeadline =
      new PriorityQueue<>(Comparator.comparingLong(Waiter::deadline));

  /** Whether {@code needed} other validators confirmed holding the transaction. */
  public boolean replicated(ByteString hash, int needed) {
    return needed <= 0 || holders.getOrDefault(hash, Set.of()).size() >= needed;
  }

  /** How many other validators confirmed holding the transaction. */
  public int holderCount(ByteString hash) {
    return holders.getOrDefault(hash, Set.of()).size();
  }

  /** {@code waiter} is answered by {@link #confirmed} or, at {@code deadline}, {@link #expired}. */
  public void await(ByteString hash, W waiter, long deadline) {
    holders.computeIfAbsent(hash, h -> new HashSet<>());
    Waiter<W> entry = new Waiter<>(hash, waiter, deadline);
    waiting.computeIfAbsent(hash, h -> new ArrayList<>()).add(entry);
    byDeadline.add(entry);
  }

  /**
   * {@code holder} confirmed holding these transactions: the waiters whose transaction now has
   * {@code needed} holders. Only transactions submitted here (awaited once) are tracked.
   */
  public List<W> confirmed(String holder, Collection<ByteString> hashes, int needed) {
    List<W> answered = new ArrayList<>();
    for (ByteString hash : hashes) {
      Set<String> known = holders.get(hash);
      if (known == null) {
        continue;
      }
      known.add(holder);
      if (known.size() >= needed) {
        List<Waiter<W>> released = waiting.remove(hash);
        if (released != null) {
          released.forEach(w -> answered.add(w.waiter()));
        }
      }
    }
    return answered;
  }

  /**
   * The waiters whose deadline passed at {@code now}; they are forgotten, and so are the holders of
   * a transaction left with no waiter.
   */
  public List<W> expired(long now) {
    List<W> late = new ArrayList<>();
    while (!byDeadline.isEmpty() && byDeadline.peek().deadline() <= now) {
      Waiter<W> entry = byDeadline.poll();
      List<Waiter<W>> list = waiting.get(entry.hash());
      // Identity: the same submission may wait twice (a client's retry) with equal fields.
      if (list != null && list.removeIf(w -> w == entry)) {
        late.add(entry.waiter());
        if (list.isEmpty()) {
          waiting.remove(entry.hash());
          // A retry asks anew: a holder may have restarted and lost it since.
          holders.remove(entry.hash());
        }
      }
    }
    return late;
  }

  /**
   * The transactions left the pool (final, or dropped): their waiters, to be answered by the
   * caller, and their holders are forgotten.
   */
  public List<W> forget(Collection<ByteString> hashes) {
    List<W> released = new ArrayList<>();
    for (ByteString hash : hashes) {
      holders.remove(hash);
      List<Waiter<W>> list = waiting.remove(hash);
      if (list != null) {
        list.forEach(w -> released.add(w.waiter()));
      }
    }
    return released;
  }

  /** Transactions with a submission waiting. */
  public int waitingCount() {
    return waiting.size();
  }

  /** Transactions tracked (for bounds and tests). */
  public int tracked() {
    return holders.size();
  }

  /** The tracked transactions, to drop those the pool no longer holds. */
  public Set<ByteString> trackedHashes() {
    return Set.copyOf(holders.keySet());
  }
}
