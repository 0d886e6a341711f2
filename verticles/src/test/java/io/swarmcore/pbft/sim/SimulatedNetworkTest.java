package io.swarmcore.pbft.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmcore.pbft.sim.SimulatedNetwork.Delivery;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimulatedNetworkTest {

  private static List<EventQueue.Due<Delivery<Integer>>> run(
      NetworkConditions conditions, long seed, int messages) {
    EventQueue<Delivery<Integer>> queue = new EventQueue<>();
    SimulatedNetwork<Integer> network = new SimulatedNetwork<>(conditions, seed, queue);
    for (int i = 0; i < messages; i++) {
      network.send(i % 4, (i + 1) % 4, i);
    }
    List<EventQueue.Due<Delivery<Integer>>> delivered = new ArrayList<>();
    while (queue.size() > 0) {
      queue.next().ifPresent(delivered::add);
    }
    return delivered;
  }

  @Test
  void aSynchronousNetworkDeliversEverythingOnceWithinItsDelays() {
    List<EventQueue.Due<Delivery<Integer>>> delivered =
        run(NetworkConditions.synchronous(), 7, 1_000);

    assertThat(delivered).hasSize(1_000);
    assertThat(delivered).allSatisfy(d -> assertThat(d.time()).isBetween(1L, 10L));
    assertThat(delivered).extracting(d -> d.event().message()).doesNotHaveDuplicates();
    assertThat(delivered).extracting(EventQueue.Due::time).contains(1L, 10L); // full range used
  }

  @Test
  void theSameSeedReplaysTheSameScheduleAndAnotherSeedDoesNot() {
    NetworkConditions lossy = new NetworkConditions(1, 10, 50, 0.2, 0.1, 1_000, List.of());

    assertThat(run(lossy, 42, 500)).isEqualTo(run(lossy, 42, 500));
    assertThat(run(lossy, 42, 500)).isNotEqualTo(run(lossy, 43, 500));
  }

  @Test
  void dropsAndDuplicatesHappenOnlyBeforeStabilizationAtAboutTheirRates() {
    EventQueue<Delivery<Integer>> queue = new EventQueue<>();
    NetworkConditions lossy = new NetworkConditions(1, 10, 50, 0.3, 0.1, 1_000, List.of());
    SimulatedNetwork<Integer> network = new SimulatedNetwork<>(lossy, 1, queue);
    for (int i = 0; i < 10_000; i++) {
      network.send(0, 1, i);
    }
    assertThat(network.dropped()).isBetween(2_700L, 3_300L);
    assertThat(network.duplicated()).isBetween(500L, 900L);

    queue.at(1_000, new Delivery<>(0, 0, -1)); // move the clock to the stabilization time
    while (queue.size() > 0) {
      queue.next();
    }
    long droppedBefore = network.dropped();
    for (int i = 0; i < 1_000; i++) {
      network.send(0, 1, i);
    }
    assertThat(network.dropped()).isEqualTo(droppedBefore);
  }

  @Test
  void partitionsSeparateUntilStabilization() {
    EventQueue<Delivery<Integer>> queue = new EventQueue<>();
    NetworkConditions split =
        new NetworkConditions(1, 10, 10, 0, 0, 100, List.of(Set.of(0, 1), Set.of(2, 3)));
    SimulatedNetwork<Integer> network = new SimulatedNetwork<>(split, 3, queue);

    network.send(0, 1, 1);
    network.send(0, 2, 2);
    assertThat(network.dropped()).isEqualTo(1);
    assertThat(queue.next().orElseThrow().event().to()).isEqualTo(1);

    queue.at(100, new Delivery<>(0, 0, -1));
    queue.next();
    network.send(0, 2, 3);
    assertThat(queue.next().orElseThrow().event().to()).isEqualTo(2);
  }

  @Test
  void refusesImpossibleConditions() {
    assertThatThrownBy(() -> new NetworkConditions(5, 1, 10, 0, 0, 0, List.of()))
        .hasMessageContaining("0 ≤ min ≤ max");
    assertThatThrownBy(() -> new NetworkConditions(1, 5, 10, 1.0, 0, 0, List.of()))
        .hasMessageContaining("[0, 1)");
  }
}
