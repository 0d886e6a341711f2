package io.swarmcore.pbft;

import java.util.Locale;

/**
 * How a validator misbehaves on purpose, for the demo and fault tests (config {@code
 * consensus.faultInjection}; {@code none} unless set): never in a real deployment. The node warns
 * at start when it is on.
 */
public enum FaultInjection {
  /** An honest validator. */
  NONE,
  /** Sends no consensus message at all (a crashed or partitioned validator that still runs). */
  SILENT,
  /**
   * As leader, sends one proposal to half of the others and a conflicting one (same transactions,
   * another header) to the rest.
   */
  EQUIVOCATE,
  /** Signs every message it sends as another validator (whose key it does not have). */
  FORGE,
  /** Sends, with each message, older ones again: its own and others' it received. */
  REPLAY,
  /** Never sends PREPARE votes: the fast path (all n) cannot complete while it is there. */
  WITHHOLD;

  /** Parses a configuration value: none, silent, equivocate, forge, replay or withhold. */
  public static FaultInjection of(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
