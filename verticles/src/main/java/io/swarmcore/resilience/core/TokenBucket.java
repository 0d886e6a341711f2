package io.swarmcore.resilience.core;

/**
 * A token bucket as GCRA (the generic cell rate algorithm, ITU-T I.371) in integer nanoseconds. It
 * starts full, holds at most {@code capacity} tokens and refills one token every {@code
 * intervalNanos = ceil(1e9 / refillPerSecond)} ns. Rounding the interval up means the bucket may
 * refill a little slower than asked, never faster.
 *
 * <p>The whole state is one number, the theoretical arrival time (TAT): the time at which the
 * bucket would be full again. Tokens available at {@code now} are {@code floor((capacity *
 * intervalNanos - max(0, tat - now)) / intervalNanos)}; taking n tokens moves the TAT to {@code
 * max(tat, now) + n * intervalNanos}. {@link #FULL} (Long.MIN_VALUE) is the TAT of a bucket never
 * used: full at any time. Any TAT at or before {@code now} also means full.
 *
 * <p>The guarantee: the tokens granted to requests made at times in any [t0, t1] add up to at most
 * {@code capacity + floor((t1 - t0) / intervalNanos)}, hence at most {@code capacity +
 * refillPerSecond * (t1 - t0) / 1e9}. (Each grant pushes the TAT up by its tokens' intervals from
 * at least t0, and a grant at t <= t1 needs TAT - t <= capacity * intervalNanos.)
 *
 * <p>Times are compared by subtraction, so {@code nowNanos} may be any long, wrapping included, as
 * long as every caller sharing a TAT reads one clock: System.nanoTime() is fine inside one JVM, but
 * a TAT shared across nodes needs a shared clock such as wall-clock nanoseconds. Never blocks; not
 * thread-safe (the caller serializes, or shares the TAT through {@link #grant} and a
 * compare-and-set).
 */
public final class TokenBucket {
  /** The TAT of a bucket that has never granted a token: full at any time. */
  public static final long FULL = Long.MIN_VALUE;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final long capacity;
  private final long refillPerSecond;
  private final long intervalNanos;
  private long tatNanos = FULL;

  /**
   * @param capacity at least 1; {@code capacity * intervalNanos} must fit in a long
   * @param refillPerSecond 1..1_000_000_000 tokens per second
   */
  public TokenBucket(long capacity, long refillPerSecond) {
    if (refillPerSecond < 1 || refillPerSecond > NANOS_PER_SECOND) {
      throw new IllegalArgumentException(
          "refillPerSecond must be in 1..1000000000, got " + refillPerSecond);
    }
    this.intervalNanos = (NANOS_PER_SECOND + refillPerSecond - 1) / refillPerSecond;
    checkShape(capacity, intervalNanos);
    this.capacity = capacity;
    this.refillPerSecond = refillPerSecond;
  }

  private static long checkShape(long capacity, long intervalNanos) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    if (intervalNanos < 1) {
      throw new IllegalArgumentException("intervalNanos must be >= 1, got " + intervalNanos);
    }
    if (capacity > Long.MAX_VALUE / intervalNanos) {
      throw new IllegalArgumentException(
          "capacity "
              + capacity
              + " takes longer than "
              + Long.MAX_VALUE
              + " ns to refill at one token per "
              + intervalNanos
              + " ns; at most "
              + Long.MAX_VALUE / intervalNanos
              + " tokens");
    }
    return capacity * intervalNanos;
  }

  private static void checkTokens(long tokens) {
    if (tokens < 1) {
      throw new IllegalArgumentException("tokens must be >= 1, got " + tokens);
    }
  }

  /**
   * Takes {@code tokens} if they are all available now; false otherwise (and always when {@code
   * tokens > capacity}). Never blocks.
   */
  public boolean tryAcquire(long tokens, long nowNanos) {
    checkTokens(tokens);
    if (tokens > capacity) {
      return false;
    }
    long burst = capacity * intervalNanos;
    long backlog = backlog(tatNanos, nowNanos);
    if (!fits(tokens, backlog, burst, intervalNanos)) {
      return false;
    }
    tatNanos = advancedTat(nowNanos, backlog, tokens, intervalNanos);
    return true;
  }

  /**
   * How long from {@code nowNanos} until {@code tryAcquire(tokens, ...)} succeeds: 0 when it would
   * now, exactly the wait otherwise (one nanosecond less is not enough), and {@code Long.MAX_VALUE}
   * when {@code tokens > capacity}. Assumes no other tokens are taken meanwhile.
   */
  public long nanosUntilAvailable(long tokens, long nowNanos) {
    checkTokens(tokens);
    return wait(tokens, backlog(tatNanos, nowNanos), capacity, intervalNanos);
  }

  /** Whole tokens available at {@code nowNanos}, 0..capacity. */
  public long available(long nowNanos) {
    return available(backlog(tatNanos, nowNanos), capacity * intervalNanos, intervalNanos);
  }

  public long capacity() {
    return capacity;
  }

  public long refillPerSecond() {
    return refillPerSecond;
  }

  public long intervalNanos() {
    return intervalNanos;
  }

  /** The current TAT ({@link #FULL} until the first grant), to inspect or to share. */
  public long tatNanos() {
    return tatNanos;
  }

  /**
   * One request against a bucket whose whole state is {@code tatNanos} (e.g. kept in a cluster map
   * and updated with compare-and-set): a pure function, the same arithmetic as the instance
   * methods. Pass {@link #FULL} for a bucket with no stored state yet.
   *
   * @param partial false: all or nothing (granted is {@code requested} or 0, and always 0 when
   *     {@code requested > capacity}); true: as many as available, 0..requested
   * @return the tokens granted, the TAT to store (unchanged when nothing was granted) and, from
   *     {@code nowNanos} under the new TAT, how long until the same call would grant again: until
   *     {@code requested} tokens are available for all-or-nothing ({@code Long.MAX_VALUE} when
   *     {@code requested > capacity}), until one token is for partial
   */
  public static Grant grant(
      long tatNanos,
      long requested,
      boolean partial,
      long capacity,
      long intervalNanos,
      long nowNanos) {
    checkTokens(requested);
    long burst = checkShape(capacity, intervalNanos);
    long backlog = backlog(tatNanos, nowNanos);
    long granted;
    if (partial) {
      granted = Math.min(requested, available(backlog, burst, intervalNanos));
    } else {
      granted =
          requested <= capacity && fits(requested, backlog, burst, intervalNanos) ? requested : 0;
    }
    long newTat = granted == 0 ? tatNanos : advancedTat(nowNanos, backlog, granted, intervalNanos);
    long newBacklog = backlog(newTat, nowNanos);
    long next =
        partial
            ? wait(1, newBacklog, capacity, intervalNanos)
            : wait(requested, newBacklog, capacity, intervalNanos);
    return new Grant(granted, newTat, next);
  }

  /**
   * The outcome of {@link #grant}.
   *
   * @param granted tokens granted, 0..requested
   * @param newTatNanos the TAT to store
   * @param nanosUntilNext how long until the same call would grant again (see {@link #grant})
   */
  public record Grant(long granted, long newTatNanos, long nanosUntilNext) {
    public Grant {
      if (granted < 0) {
        throw new IllegalArgumentException("granted must be >= 0, got " + granted);
      }
      if (nanosUntilNext < 0) {
        throw new IllegalArgumentException("nanosUntilNext must be >= 0, got " + nanosUntilNext);
      }
    }
  }

  /**
   * max(0, tat - now): how far the TAT is ahead of now, i.e. the refill time still owed. More than
   * capacity * interval only if the clock went backwards; then no token is available.
   */
  private static long backlog(long tatNanos, long nowNanos) {
    if (tatNanos == FULL) {
      return 0;
    }
    long ahead = tatNanos - nowNanos;
    return ahead > 0 ? ahead : 0;
  }

  private static boolean fits(long tokens, long backlog, long burst, long intervalNanos) {
    // tokens <= capacity, so tokens * intervalNanos <= burst; and burst - backlog cannot overflow.
    return tokens * intervalNanos <= burst - backlog;
  }

  private static long available(long backlog, long burst, long intervalNanos) {
    return backlog >= burst ? 0 : (burst - backlog) / intervalNanos;
  }

  private static long wait(long tokens, long backlog, long capacity, long intervalNanos) {
    if (tokens > capacity) {
      return Long.MAX_VALUE;
    }
    // At now + w the backlog is backlog - w; the tokens fit once backlog - w + tokens * interval
    // <= burst. The sum adds a non-positive number to a non-negative one: no overflow.
    long wait = backlog + (tokens * intervalNanos - capacity * intervalNanos);
    return wait > 0 ? wait : 0;
  }

  private static long advancedTat(long nowNanos, long backlog, long tokens, long intervalNanos) {
    // max(tat, now) + tokens * interval; backlog + tokens * interval <= burst fits in a long, and
    // adding now may wrap like the clock does.
    long tat = nowNanos + (backlog + tokens * intervalNanos);
    // A real TAT must never read as the FULL sentinel; one ns later is the conservative side.
    return tat == FULL ? FULL + 1 : tat;
  }
}
