package io.swarmcore.node;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node's wall clock: the system's, plus an offset that only the test-only fault admin sets (a
 * clock jump, docs/RELIABILITY.md). What reads wall time here (block timestamps, peer freshness)
 * reads it through this; timers and timeouts use {@link System#nanoTime}, which never jumps.
 */
public final class NodeClock {
  private static final Map<String, NodeClock> BY_NODE = new ConcurrentHashMap<>();

  private volatile long offsetMs;

  private NodeClock() {}

  /** The clock of the node with this id in this JVM. */
  public static NodeClock forNode(String nodeId) {
    return BY_NODE.computeIfAbsent(nodeId, id -> new NodeClock());
  }

  /** Milliseconds since the epoch, as this node's clock reads. */
  public long millis() {
    return System.currentTimeMillis() + offsetMs;
  }

  /**
   * Milliseconds on a clock that never jumps (its origin is arbitrary): for durations, such as how
   * long ago a peer was heard from.
   */
  public static long monotonicMillis() {
    return System.nanoTime() / 1_000_000;
  }

  /** How far this clock is set from the system's. */
  public long offsetMs() {
    return offsetMs;
  }

  /** Sets the clock {@code offsetMs} away from the system's (test-only fault injection). */
  void setOffset(long offsetMs) {
    this.offsetMs = offsetMs;
  }
}
