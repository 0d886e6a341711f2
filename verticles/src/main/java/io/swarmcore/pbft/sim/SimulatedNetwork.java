package io.swarmcore.pbft.sim;

import java.util.Random;

/**
 * Carries messages between simulated replicas under {@link NetworkConditions}, drawing every choice
 * from one seeded {@link Random} so that a seed replays the same schedule.
 *
 * @param <M> the message
 */
public final class SimulatedNetwork<M> {
  /** A message arriving at {@code to}. */
  public record Delivery<M>(int from, int to, M message) {}

  private final NetworkConditions conditions;
  private final Random random;
  private final EventQueue<? super Delivery<M>> queue;
  private long sent;
  private long dropped;
  private long duplicated;

  public SimulatedNetwork(
      NetworkConditions conditions, long seed, EventQueue<? super Delivery<M>> queue) {
    this.conditions = conditions;
    this.random = new Random(seed);
    this.queue = queue;
  }

  public void send(int from, int to, M message) {
    sent++;
    long now = queue.logicalTime();
    boolean stable = now >= conditions.stabilizationTime();
    if (!stable
        && (conditions.separated(from, to) || random.nextDouble() < conditions.dropRate())) {
      dropped++;
      return;
    }
    long maxDelay = stable ? conditions.maxDelay() : conditions.maxDelayBeforeStabilization();
    queue.at(now + delay(maxDelay), new Delivery<>(from, to, message));
    if (random.nextDouble() < conditions.duplicateRate()) {
      duplicated++;
      queue.at(now + delay(maxDelay), new Delivery<>(from, to, message));
    }
  }

  private long delay(long maxDelay) {
    long span = maxDelay - conditions.minDelay();
    return conditions.minDelay() + (span == 0 ? 0 : (long) (random.nextDouble() * (span + 1)));
  }

  public long sent() {
    return sent;
  }

  public long dropped() {
    return dropped;
  }

  public long duplicated() {
    return duplicated;
  }
}
