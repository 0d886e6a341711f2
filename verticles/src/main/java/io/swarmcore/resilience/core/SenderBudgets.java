package io.swarmcore.resilience.core;

import java.util.HashMap;
import java.util.Map;

/**
 * A token bucket per known sender, and one that every unknown sender shares, so that a flood under
 * made-up names cannot multiply the budget. Each holds twice the rate (a burst). Pure: the caller
 * passes the time.
 */
public final class SenderBudgets {
  private static final String UNKNOWN = "\0unknown";

  private final long perSecond;
  private final Map<String, TokenBucket> buckets = new HashMap<>();

  public SenderBudgets(long perSecond) {
    if (perSecond < 1) {
      throw new IllegalArgumentException(
          "a rate of at least 1 a second expected, got " + perSecond);
    }
    this.perSecond = perSecond;
  }

  /** Takes one message from {@code sender}'s budget ({@code known} false: the shared one). */
  public boolean take(String sender, boolean known, long nowNanos) {
    String key = known && sender != null ? sender : UNKNOWN;
    return buckets
        .computeIfAbsent(key, k -> new TokenBucket(2 * perSecond, perSecond))
        .tryAcquire(1, nowNanos);
  }
}
