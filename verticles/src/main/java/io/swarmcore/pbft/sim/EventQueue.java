package io.swarmcore.pbft.sim;

import java.util.Optional;
import java.util.PriorityQueue;

/**
 * Events ordered by logical time, ties broken by insertion order, so that a simulation replays
 * exactly from its seed.
 *
 * @param <T> the event
 */
public final class EventQueue<T> {
  /** An event due at {@code time}. */
  public record Due<T>(long time, long order, T event) {}

  private final PriorityQueue<Due<T>> queue =
      new PriorityQueue<>(
          (a, b) ->
              a.time() != b.time()
                  ? Long.compare(a.time(), b.time())
                  : Long.compare(a.order(), b.order()));
  private long inserted;
  private long now;

  /** Schedules {@code event} at {@code time}; a time in the past means "now". */
  public void at(long time, T event) {
    queue.add(new Due<>(Math.max(time, now), inserted++, event));
  }

  /** The next event, advancing the clock to its time. */
  public Optional<Due<T>> next() {
    Due<T> due = queue.poll();
    if (due != null) {
      now = due.time();
    }
    return Optional.ofNullable(due);
  }

  /**
   * The logical time of the last event taken (named so the pure-core rule, which bans now(),
   * holds).
   */
  public long logicalTime() {
    return now;
  }

  public int size() {
    return queue.size();
  }
}
