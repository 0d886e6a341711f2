package io.swarmcore.pbft.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Inputs for a view the replica has not entered yet (its NEW-VIEW may be one message behind), kept
 * until it enters that view and dropped if it skips it. Bounded per sender, so a Byzantine sender
 * cannot fill memory with far-future views.
 *
 * @param <I> the kept input (a call to replay)
 */
final class EarlyMessages<I> {
  private record Kept<I>(int sender, long view, I input) {}

  private final long maxPerSender;
  private final List<Kept<I>> kept = new ArrayList<>();

  EarlyMessages(long maxPerSender) {
    this.maxPerSender = maxPerSender;
  }

  /** Keeps the input; false when the sender already has its maximum waiting. */
  boolean keep(int sender, long view, I input) {
    if (kept.stream().filter(k -> k.sender() == sender).count() >= maxPerSender) {
      return false;
    }
    kept.add(new Kept<>(sender, view, input));
    return true;
  }

  /** Drops what was kept for views up to {@code view} (the replica moved past them). */
  void dropThrough(long view) {
    kept.removeIf(k -> k.view() <= view);
  }

  /** The inputs for {@code view}, in arrival order; those of earlier views are dropped. */
  List<I> takeFor(long view) {
    List<I> due = new ArrayList<>();
    kept.removeIf(
        k -> {
          if (k.view() == view) {
            due.add(k.input());
          }
          return k.view() <= view;
        });
    return due;
  }
}
