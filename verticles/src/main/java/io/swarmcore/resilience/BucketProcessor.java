package io.swarmcore.resilience;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import io.swarmcore.resilience.core.TokenBucket;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs on the member that owns a limiter key, atomically: applies a batch of token requests to the
 * key's bucket (a GCRA "theoretical arrival time" in nanoseconds of the owner's wall clock) in
 * order, and answers how many tokens each got. One round trip decides a whole batch. Requests are
 * all-or-nothing in exact mode; a lease ({@code partial}) takes what there is. Negative amounts
 * return unused leased tokens.
 */
final class BucketProcessor implements EntryProcessor<String, Long, long[]>, Serializable {
  private static final long serialVersionUID = 1L;

  private final long[] amounts;
  private final boolean partial;
  private final long capacity;
  private final long intervalNanos;
  private final long idleTtlMillis;

  BucketProcessor(
      long[] amounts, boolean partial, long capacity, long intervalNanos, long idleTtlMillis) {
    this.amounts = amounts;
    this.partial = partial;
    this.capacity = capacity;
    this.intervalNanos = intervalNanos;
    this.idleTtlMillis = idleTtlMillis;
  }

  @Override
  public long[] process(Map.Entry<String, Long> entry) {
    long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
    Long stored = entry.getValue();
    long tat = stored == null ? TokenBucket.FULL : stored;
    long[] granted = new long[amounts.length];
    for (int i = 0; i < amounts.length; i++) {
      if (amounts[i] < 0) {
        // Unused leased tokens go back, never filling the bucket beyond capacity.
        if (tat != TokenBucket.FULL) {
          long full = now - capacity * intervalNanos;
          long refunded = tat + amounts[i] * intervalNanos;
          tat = refunded - full > 0 ? refunded : TokenBucket.FULL;
        }
        continue;
      }
      TokenBucket.Grant grant =
          TokenBucket.grant(tat, amounts[i], partial, capacity, intervalNanos, now);
      granted[i] = grant.granted();
      tat = grant.newTatNanos();
    }
    ((ExtendedMapEntry<String, Long>) entry).setValue(tat, idleTtlMillis, TimeUnit.MILLISECONDS);
    return granted;
  }
}
