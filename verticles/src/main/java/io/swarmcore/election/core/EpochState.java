package io.swarmcore.election.core;

import java.util.List;

/**
 * One epoch as every node sees it: its number, the height of its first block, its seed and its
 * validators; plus the validator changes its blocks carried that were refused (they have no effect,
 * and are reported rather than silently dropped).
 */
public record EpochState(
    long epoch,
    long firstHeight,
    byte[] seed,
    ValidatorSet validators,
    List<String> refusedChanges) {
  public EpochState {
    seed = seed.clone();
    refusedChanges = List.copyOf(refusedChanges);
  }

  @Override
  public byte[] seed() {
    return seed.clone();
  }
}
