package io.swarmcore.resilience.core;

/** The three states of a circuit breaker. */
public enum BreakerState {
  CLOSED(0),
  OPEN(1),
  HALF_OPEN(2);

  // Fixed here rather than taken from ordinal(): dashboards and alerts key on these numbers.
  private final int gaugeValue;

  BreakerState(int gaugeValue) {
    this.gaugeValue = gaugeValue;
  }

  /** The value exported as the state gauge: 0 closed, 1 open, 2 half-open. */
  public int gaugeValue() {
    return gaugeValue;
  }
}
