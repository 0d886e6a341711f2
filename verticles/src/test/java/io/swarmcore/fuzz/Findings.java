package io.swarmcore.fuzz;

import java.util.Set;

/**
 * What a decoder of outside bytes may do with garbage: refuse it with one of the exception types
 * its contract names. Anything else (a NullPointerException, a ClassCastException, an index out of
 * bounds, an error) escapes, and the fuzzer reports it as a finding.
 */
public final class Findings {
  private Findings() {}

  /** A decoding step that may throw. */
  @FunctionalInterface
  public interface Step {
    void run() throws Exception;
  }

  /** Runs {@code step}; a refusal of an allowed type (or a subtype) is the expected outcome. */
  @SafeVarargs
  public static void refusesOnlyWith(Step step, Class<? extends Throwable>... allowed)
      throws Exception {
    try {
      step.run();
    } catch (Exception e) {
      for (Class<? extends Throwable> type : Set.of(allowed)) {
        if (type.isInstance(e)) {
          return;
        }
      }
      throw e;
    }
  }
}
