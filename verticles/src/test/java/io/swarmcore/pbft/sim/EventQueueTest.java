package io.swarmcore.pbft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventQueueTest {

  @Test
  void deliversByTimeThenByInsertionOrderAndAdvancesTheClock() {
    EventQueue<String> queue = new EventQueue<>();
    queue.at(5, "late");
    queue.at(2, "first at 2");
    queue.at(2, "second at 2");

    List<String> order = new ArrayList<>();
    queue.next().ifPresent(d -> order.add(d.event()));
    assertThat(queue.logicalTime()).isEqualTo(2);
    queue.at(1, "scheduled in the past runs now");
    while (queue.size() > 0) {
      queue.next().ifPresent(d -> order.add(d.event()));
    }

    assertThat(order)
        .containsExactly("first at 2", "second at 2", "scheduled in the past runs now", "late");
    assertThat(queue.logicalTime()).isEqualTo(5);
    assertThat(queue.next()).isEmpty();
  }
}
