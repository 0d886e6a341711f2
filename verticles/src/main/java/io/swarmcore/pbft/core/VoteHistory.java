package io.swarmcore.pbft.core;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * What a replica must report in its VIEW-CHANGE (docs/PROTOCOL.md, "View change"): every PREPARE it
 * sent above its stable checkpoint, in every view, and its highest-view prepared certificate for
 * each sequence. Kept across views; trimmed when a checkpoint becomes stable.
 */
final class VoteHistory<B, P> {
  private final TreeMap<Long, List<ViewChange.Sent<B>>> sent = new TreeMap<>();
  private final TreeMap<Long, ViewChange.Prepared<B, P>> prepared = new TreeMap<>();

  void sentPrepare(long view, long sequence, B block) {
    sent.computeIfAbsent(sequence, s -> new ArrayList<>())
        .add(new ViewChange.Sent<>(view, sequence, block));
  }

  /**
   * Views only grow, so a later certificate replaces an earlier one. PREPAREs sent at this sequence
   * in earlier views are forgotten: any candidate they could make is of a lower view than this
   * certificate, which the same VIEW-CHANGE carries, so they can never decide the choice, and
   * keeping them would grow the report with every failed view.
   */
  void prepared(long view, long sequence, B block, List<P> prepares) {
    prepared.put(sequence, new ViewChange.Prepared<>(view, sequence, block, prepares));
    List<ViewChange.Sent<B>> earlier = sent.get(sequence);
    if (earlier != null) {
      earlier.removeIf(vote -> vote.view() < view);
    }
  }

  void forgetUpTo(long sequence) {
    sent.headMap(sequence, true).clear();
    prepared.headMap(sequence, true).clear();
  }

  /**
   * This replica's VIEW-CHANGE for {@code newView}. Only what lies above the checkpoint: a replica
   * still catching up may have voted below it.
   */
  ViewChange<B, P> report(long newView, int self, Checkpoints.Stable<P> checkpoint) {
    long low = checkpoint.sequence();
    return new ViewChange<>(
        newView,
        self,
        checkpoint,
        List.copyOf(prepared.tailMap(low, false).values()),
        sent.tailMap(low, false).values().stream().flatMap(List::stream).toList());
  }
}
