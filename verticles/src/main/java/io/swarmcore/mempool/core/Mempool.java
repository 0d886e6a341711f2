package io.swarmcore.mempool.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.proto.Transaction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Transactions waiting to be proposed (docs/MEMPOOL.md): checked for size and format, deduplicated
 * by hash, bounded in count and bytes (a full pool refuses clearly, it never drops what it
 * accepted), handed to the leader in arrival order, and forgotten once final. Recently final hashes
 * are remembered, so a late duplicate of a final transaction is never proposed again. Pure: the
 * verticle feeds it and asks it.
 */
public final class Mempool {
  /** Client ids are short labels (rate limits are keyed on them). */
  public static final int MAX_CLIENT_ID_LENGTH = 128;

  /** Bounds: pending transactions and bytes, one transaction's bytes, final hashes remembered. */
  public record Limits(
      int maxTransactions, long maxBytes, int maxTransactionBytes, int rememberedFinal) {
    public Limits {
      if (maxTransactions < 1
          || maxBytes < 1
          || maxTransactionBytes < 1
          || maxTransactionBytes > maxBytes
          || rememberedFinal < 0) {
        throw new IllegalArgumentException(
            "mempool limits need max transactions ≥ 1, 1 ≤ max transaction bytes ≤ max bytes,"
                + " remembered final ≥ 0");
      }
    }
  }

  /** What {@link #add} did. */
  public enum Outcome {
    ADDED,
    /** Already pending: nothing changed (submitting twice is harmless). */
    DUPLICATE,
    /** Already final: nothing changed. */
    ALREADY_FINAL,
    MALFORMED,
    TOO_LARGE,
    /** The pool is at its bound: retry later. */
    FULL
  }

  /** The outcome, the transaction's hash (empty when it could not be computed) and why. */
  public record Added(Outcome outcome, ByteString hash, String detail) {}

  private final Limits limits;
  // Pending = ready (not in a proposal, arrival order) + proposed (in a block not yet final).
  private final LinkedHashMap<ByteString, ByteString> ready = new LinkedHashMap<>();
  private final Map<ByteString, ByteString> proposed = new HashMap<>();
  private final Deque<ByteString> ungossiped = new ArrayDeque<>();
  // Pending transactions submitted to this node (not received by gossip): what it re-gossips.
  private final java.util.Set<ByteString> submittedHere = new java.util.HashSet<>();
  // Pending transactions received by gossip: the re-gossip round they arrived in.
  private final Map<ByteString, Long> gossipedInRound = new HashMap<>();
  private long regossipRound;
  private final Set<ByteString> finalSet = new HashSet<>();
  private final Deque<ByteString> finalOrder = new ArrayDeque<>();
  private long pendingBytes;

  public Mempool(Limits limits) {
    this.limits = limits;
  }

  /**
   * Takes a serialized {@code Transaction}. {@code gossiped} marks one that came from another
   * validator, which is not gossiped again.
   */
  public Added add(ByteString bytes, boolean gossiped) {
    if (bytes.size() > limits.maxTransactionBytes()) {
      return new Added(
          Outcome.TOO_LARGE,
          ByteString.EMPTY,
          "transaction of "
              + bytes.size()
              + " bytes is above the limit of "
              + limits.maxTransactionBytes());
    }
    String problem = formatProblem(bytes);
    if (problem != null) {
      return new Added(Outcome.MALFORMED, ByteString.EMPTY, problem);
    }
    ByteString hash = ByteString.copyFrom(LedgerHashes.transaction(bytes));
    if (finalSet.contains(hash)) {
      return new Added(Outcome.ALREADY_FINAL, hash, "already final");
    }
    if (isPending(hash)) {
      if (!gossiped && submittedHere.add(hash)) {
        // A client hands in what another validator gossiped: this node now answers for it too.
        gossipedInRound.remove(hash);
        ungossiped.addLast(hash);
      }
      return new Added(Outcome.DUPLICATE, hash, "already pending");
    }
    if (size() >= limits.maxTransactions() || pendingBytes + bytes.size() > limits.maxBytes()) {
      return new Added(
          Outcome.FULL,
          hash,
          "mempool full (" + size() + " transactions, " + pendingBytes + " bytes); retry later");
    }
    ready.put(hash, bytes);
    pendingBytes += bytes.size();
    if (gossiped) {
      gossipedInRound.put(hash, regossipRound);
    } else {
      submittedHere.add(hash);
      ungossiped.addLast(hash);
    }
    return new Added(Outcome.ADDED, hash, "pending");
  }

  private static String formatProblem(ByteString bytes) {
    Transaction transaction;
    try {
      transaction = Transaction.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      return "not a Transaction: " + e.getMessage();
    }
    String client = transaction.getClientId();
    if (client.isEmpty() || client.length() > MAX_CLIENT_ID_LENGTH) {
      return "client_id must be 1 to " + MAX_CLIENT_ID_LENGTH + " characters";
    }
    // Re-encoding must give the same bytes, so that the hash names one transaction only.
    if (!transaction.toByteString().equals(bytes)) {
      return "transaction is not in canonical protobuf encoding";
    }
    return null;
  }

  /**
   * The next transactions for a block, in arrival order, within the limits; they are not offered
   * again until {@link #unproposed} returns them or {@link #finalized} removes them.
   */
  public List<ByteString> propose(int maxTransactions, long maxBytes) {
    List<ByteString> batch = new ArrayList<>();
    long bytes = 0;
    var entries = ready.entrySet().iterator();
    while (entries.hasNext() && batch.size() < maxTransactions) {
      Map.Entry<ByteString, ByteString> entry = entries.next();
      long size = entry.getValue().size();
      if (bytes + size > maxBytes) {
        break;
      }
      batch.add(entry.getValue());
      proposed.put(entry.getKey(), entry.getValue());
      entries.remove();
      bytes += size;
    }
    return batch;
  }

  /**
   * Proposed transactions whose block was not finalized (a view changed): offered again, after
   * those that were never proposed.
   */
  public void unproposed(Collection<ByteString> hashes) {
    for (ByteString hash : hashes) {
      ByteString bytes = proposed.remove(hash);
      if (bytes != null) {
        ready.put(hash, bytes);
      }
    }
  }

  /** These transactions are final: drop them and remember their hashes. */
  public void finalized(Collection<ByteString> hashes) {
    for (ByteString hash : hashes) {
      submittedHere.remove(hash);
      gossipedInRound.remove(hash);
      ByteString removed = ready.remove(hash);
      if (removed == null) {
        removed = proposed.remove(hash);
      }
      if (removed != null) {
        pendingBytes -= removed.size();
      }
      rememberFinal(hash);
    }
  }

  private void rememberFinal(ByteString hash) {
    if (limits.rememberedFinal() == 0 || !finalSet.add(hash)) {
      return;
    }
    finalOrder.addLast(hash);
    if (finalOrder.size() > limits.rememberedFinal()) {
      finalSet.remove(finalOrder.removeFirst());
    }
  }

  /**
   * One re-gossip round: the oldest transactions waiting to be proposed, at most {@code max}, in
   * arrival order, so that a transaction whose gossip was lost (a validator not reachable yet, a
   * message dropped) still reaches the leader of the day. Each node repeats what was submitted to
   * it, and, once, what it received by gossip before the previous round and still holds: the node
   * that took it may have crashed since, and the leader may never have heard of it.
   */
  public List<ByteString> oldestReady(int max) {
    regossipRound++;
    List<ByteString> batch = new ArrayList<>();
    for (var entry : ready.entrySet()) {
      if (batch.size() >= max) {
        break;
      }
      ByteString hash = entry.getKey();
      Long arrived = gossipedInRound.get(hash);
      // n copies of every fresh repeat would be waste: gossiped ones only once they linger, and
      // then once.
      if (submittedHere.contains(hash)) {
        batch.add(entry.getValue());
      } else if (arrived != null && arrived < regossipRound - 1) {
        batch.add(entry.getValue());
        gossipedInRound.put(hash, Long.MAX_VALUE);
      }
    }
    return batch;
  }

  /**
   * Transactions submitted here (not received by gossip) and not gossiped yet, at most {@code max},
   * in arrival order; those already final are skipped.
   */
  public List<ByteString> toGossip(int max) {
    List<ByteString> batch = new ArrayList<>();
    while (batch.size() < max && !ungossiped.isEmpty()) {
      ByteString hash = ungossiped.removeFirst();
      ByteString bytes = ready.containsKey(hash) ? ready.get(hash) : proposed.get(hash);
      if (bytes != null) {
        batch.add(bytes);
      }
    }
    return batch;
  }

  /**
   * Gossips a pending transaction submitted here again with the next batch: a client waits for it
   * to be confirmed anew.
   */
  public void gossipAgain(ByteString hash) {
    if (submittedHere.contains(hash) && isPending(hash)) {
      ungossiped.addLast(hash);
    }
  }

  public boolean isPending(ByteString hash) {
    return ready.containsKey(hash) || proposed.containsKey(hash);
  }

  /** Pending transactions that are in a proposal not yet final. */
  public int proposedCount() {
    return proposed.size();
  }

  public int size() {
    return ready.size() + proposed.size();
  }

  public long bytes() {
    return pendingBytes;
  }
}
