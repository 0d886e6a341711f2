package io.swarmcore.pbft.sim;

/**
 * A simulated signature: who signed, what, and a tag only the signer's {@link SimKeys} entry can
 * produce. Verifying compares all three, so a replayed signature verifies only for its own content
 * and a forged one (wrong tag) never does, at the cost of an equality check instead of a curve
 * operation.
 */
public record SimSignature(int signer, Object content, long tag) {}
