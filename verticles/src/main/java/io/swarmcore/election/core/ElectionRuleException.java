package io.swarmcore.election.core;

/** A block that breaks an election rule (height order, seed proof); the message says which. */
public final class ElectionRuleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ElectionRuleException(String message) {
    super(message);
  }
}
