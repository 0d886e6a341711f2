package io.swarmcore.resilience.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.resilience.core.SlidingWindow.Snapshot;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class SlidingWindowPropertiesTest {
  record Event(long gapMillis, boolean failure, boolean slow, boolean snapshotOnly) {}

  /** The definition, the slow way: every call's time kept, counted by bucket distance. */
  @Property(tries = 300)
  void agreesWithTheDefinitionOverAnySchedule(
      @ForAll @IntRange(min = 1, max = 5_000) int windowMillis,
      @ForAll @IntRange(min = 1, max = 50) int buckets,
      @ForAll @IntRange(min = -1_000_000, max = 1_000_000) int start,
      @ForAll("schedules") List<Event> schedule) {
    int bucketCount = Math.min(buckets, windowMillis);
    SlidingWindow window = new SlidingWindow(windowMillis, bucketCount);
    long bucketMillis = windowMillis / bucketCount;
    List<long[]> recorded = new ArrayList<>(); // {time, failure, slow}
    long now = start;
    for (Event event : schedule) {
      now += event.gapMillis() % (2L * windowMillis);
      if (!event.snapshotOnly()) {
        window.record(now, event.failure(), event.slow());
        recorded.add(new long[] {now, event.failure() ? 1 : 0, event.slow() ? 1 : 0});
      }
      long calls = 0;
      long failures = 0;
      long slow = 0;
      for (long[] call : recorded) {
        if (Math.floorDiv(now, bucketMillis) - Math.floorDiv(call[0], bucketMillis) < bucketCount) {
          calls++;
          failures += call[1];
          slow += call[2];
        }
      }
      assertThat(window.snapshot(now)).isEqualTo(new Snapshot(calls, failures, slow));
    }
  }

  @Provide
  Arbitrary<List<Event>> schedules() {
    Arbitrary<Long> gaps =
        Arbitraries.oneOf(
            Arbitraries.just(0L),
            Arbitraries.longs().between(0, 200),
            Arbitraries.longs().between(0, 10_000));
    return Combinators.combine(
            gaps,
            Arbitraries.of(true, false),
            Arbitraries.of(true, false),
            Arbitraries.integers().between(0, 4).map(i -> i == 0))
        .as(Event::new)
        .list()
        .ofMaxSize(80);
  }
}
