package io.swarmcore.storage.core;

/** A block the ledger refuses; the message says which rule it broke and with which values. */
public final class InvalidBlockException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Which rule was broken: lets callers map refusals to reply codes. */
  public enum Rule {
    MALFORMED,
    WRONG_HEIGHT,
    WRONG_PARENT,
    WRONG_LEDGER_ROOT,
    WRONG_TX_ROOT,
    TOO_LARGE,
    DUPLICATE_TRANSACTION,
    WRONG_CERTIFICATE,
    /** The epoch seed proof is missing, unexpected or invalid (checked by the election). */
    WRONG_SEED_PROOF
  }

  private final Rule rule;

  public InvalidBlockException(Rule rule, String message) {
    super(message);
    this.rule = rule;
  }

  public Rule rule() {
    return rule;
  }
}
