package io.swarmcore.resilience;

import io.swarmcore.resilience.core.BreakerSettings;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The node config's {@code resilience} section: named components with their settings, each key
 * optional (defaults as documented in docs/RESILIENCE.md), unknown keys refused.
 *
 * <pre>{"circuitBreakers": {"peers": {"failureRateThreshold": 0.5, "critical": true}},
 *  "rateLimiters": {"api": {"capacity": 100, "refillPerSecond": 50}},
 *  "clusterRateLimiters": {"clients": {"capacity": 100, "refillPerSecond": 50, "mode": "LEASED"}},
 *  "bulkheads": {"submit": {"maxConcurrent": 64, "maxQueue": 256, "maxWaitMillis": 1000}},
 *  "retries": {"peers": {"maxAttempts": 3, "baseDelayMillis": 100, "maxDelayMillis": 5000}}}</pre>
 */
public record ResilienceSettings(
    Map<String, CircuitBreakerConfig> circuitBreakers,
    Map<String, long[]> rateLimiters,
    Map<String, ClusterRateLimiterConfig> clusterRateLimiters,
    Map<String, long[]> bulkheads,
    Map<String, RetryConfig> retries) {

  private static final Set<String> SECTIONS =
      Set.of("circuitBreakers", "rateLimiters", "clusterRateLimiters", "bulkheads", "retries");

  /**
   * @throws IllegalArgumentException listing every problem, one per line
   */
  public static ResilienceSettings parse(JsonObject json) {
    List<String> problems = new ArrayList<>();
    for (String key : new TreeSet<>(json.fieldNames())) {
      if (!SECTIONS.contains(key)) {
        problems.add(
            "unknown key \"resilience."
                + key
                + "\" (known: "
                + String.join(", ", new TreeSet<>(SECTIONS))
                + ")");
      }
    }
    Map<String, CircuitBreakerConfig> breakers = new LinkedHashMap<>();
    Map<String, long[]> limiters = new LinkedHashMap<>();
    Map<String, ClusterRateLimiterConfig> clusterLimiters = new LinkedHashMap<>();
    Map<String, long[]> bulkheads = new LinkedHashMap<>();
    Map<String, RetryConfig> retries = new LinkedHashMap<>();
    each(json, "circuitBreakers", problems, (name, c) -> breakers.put(name, breaker(c)));
    each(
        json,
        "rateLimiters",
        problems,
        (name, c) -> {
          Reader r = new Reader(c, Set.of("capacity", "refillPerSecond"));
          limiters.put(
              name, new long[] {r.number("capacity", 100), r.number("refillPerSecond", 100)});
        });
    each(
        json,
        "clusterRateLimiters",
        problems,
        (name, c) -> clusterLimiters.put(name, clusterLimiter(c)));
    each(
        json,
        "bulkheads",
        problems,
        (name, c) -> {
          Reader r = new Reader(c, Set.of("maxConcurrent", "maxQueue", "maxWaitMillis"));
          bulkheads.put(
              name,
              new long[] {
                r.number("maxConcurrent", 16),
                r.number("maxQueue", 64),
                r.number("maxWaitMillis", 1_000)
              });
        });
    each(
        json,
        "retries",
        problems,
        (name, c) -> {
          Reader r = new Reader(c, Set.of("maxAttempts", "baseDelayMillis", "maxDelayMillis"));
          retries.put(
              name,
              RetryConfig.DEFAULTS
                  .withMaxAttempts(
                      (int) r.number("maxAttempts", RetryConfig.DEFAULTS.maxAttempts()))
                  .withDelays(
                      r.number("baseDelayMillis", RetryConfig.DEFAULTS.baseDelayMillis()),
                      r.number("maxDelayMillis", RetryConfig.DEFAULTS.maxDelayMillis())));
        });
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
    return new ResilienceSettings(breakers, limiters, clusterLimiters, bulkheads, retries);
  }

  /** Registers every configured component with {@code manager}. */
  public void applyTo(ResilienceManager manager) {
    circuitBreakers.forEach(manager::circuitBreaker);
    rateLimiters.forEach((name, l) -> manager.rateLimiter(name, l[0], l[1]));
    clusterRateLimiters.forEach(manager::clusterRateLimiter);
    bulkheads.forEach((name, b) -> manager.bulkhead(name, (int) b[0], (int) b[1], b[2]));
    retries.forEach(manager::retry);
  }

  private interface Entry {
    void accept(String name, JsonObject config);
  }

  private static void each(JsonObject json, String section, List<String> problems, Entry entry) {
    Object value = json.getValue(section);
    if (value == null) {
      return;
    }
    if (!(value instanceof JsonObject components)) {
      problems.add("\"resilience." + section + "\" must be an object of named components");
      return;
    }
    for (String name : new TreeSet<>(components.fieldNames())) {
      Object config = components.getValue(name);
      try {
        if (!(config instanceof JsonObject object)) {
          throw new IllegalArgumentException("must be an object");
        }
        entry.accept(name, object);
      } catch (IllegalArgumentException e) {
        problems.add("\"resilience." + section + "." + name + "\": " + e.getMessage());
      }
    }
  }

  private static CircuitBreakerConfig breaker(JsonObject c) {
    Reader r =
        new Reader(
            c,
            Set.of(
                "failureRateThreshold",
                "slowCallRateThreshold",
                "slowCallDurationMillis",
                "minRequests",
                "openMillis",
                "windowMillis",
                "buckets",
                "permittedProbes",
                "callTimeoutMillis",
                "shared",
                "critical"));
    BreakerSettings d = BreakerSettings.DEFAULTS;
    BreakerSettings policy =
        new BreakerSettings(
            r.decimal("failureRateThreshold", d.failureRateThreshold()),
            r.decimal("slowCallRateThreshold", d.slowCallRateThreshold()),
            r.number("slowCallDurationMillis", d.slowCallDurationMillis()),
            (int) r.number("minRequests", d.minRequests()),
            r.number("openMillis", d.openMillis()),
            r.number("windowMillis", d.windowMillis()),
            (int) r.number("buckets", d.buckets()),
            (int) r.number("permittedProbes", d.permittedProbes()));
    return new CircuitBreakerConfig(
        policy,
        r.number("callTimeoutMillis", CircuitBreakerConfig.DEFAULTS.callTimeoutMillis()),
        r.flag("shared", false),
        r.flag("critical", false));
  }

  private static ClusterRateLimiterConfig clusterLimiter(JsonObject c) {
    Reader r =
        new Reader(
            c,
            Set.of(
                "capacity",
                "refillPerSecond",
                "mode",
                "leaseSize",
                "leaseMillis",
                "idleTtlMillis",
                "roundTripTimeoutMillis",
                "failOpen"));
    long capacity = r.number("capacity", 100);
    ClusterRateLimiterConfig base =
        ClusterRateLimiterConfig.exact(capacity, r.number("refillPerSecond", 100));
    String mode = String.valueOf(c.getValue("mode", "EXACT"));
    ClusterRateLimiterConfig.Mode parsed;
    try {
      parsed = ClusterRateLimiterConfig.Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("\"mode\" must be EXACT or LEASED, got \"" + mode + "\"");
    }
    return new ClusterRateLimiterConfig(
        base.capacity(),
        base.refillPerSecond(),
        parsed,
        (int) r.number("leaseSize", base.leaseSize()),
        r.number("leaseMillis", base.leaseMillis()),
        r.number("idleTtlMillis", base.idleTtlMillis()),
        r.number("roundTripTimeoutMillis", base.roundTripTimeoutMillis()),
        r.flag("failOpen", base.failOpen()));
  }

  /** Reads optional typed fields, refusing unknown ones. */
  private static final class Reader {
    private final JsonObject json;

    Reader(JsonObject json, Set<String> known) {
      this.json = json;
      for (String key : json.fieldNames()) {
        if (!known.contains(key)) {
          throw new IllegalArgumentException(
              "unknown key \""
                  + key
                  + "\" (known: "
                  + String.join(", ", new TreeSet<>(known))
                  + ")");
        }
      }
    }

    long number(String key, long fallback) {
      Object value = json.getValue(key);
      if (value == null) {
        return fallback;
      }
      if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
        return n.longValue();
      }
      throw new IllegalArgumentException("\"" + key + "\" must be an integer, got " + value);
    }

    double decimal(String key, double fallback) {
      Object value = json.getValue(key);
      if (value == null) {
        return fallback;
      }
      if (value instanceof Number n) {
        return n.doubleValue();
      }
      throw new IllegalArgumentException("\"" + key + "\" must be a number, got " + value);
    }

    boolean flag(String key, boolean fallback) {
      Object value = json.getValue(key);
      if (value == null) {
        return fallback;
      }
      if (value instanceof Boolean b) {
        return b;
      }
      throw new IllegalArgumentException("\"" + key + "\" must be true or false, got " + value);
    }
  }
}
