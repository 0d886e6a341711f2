package io.swarmcore.election.core;

import io.swarmcore.crypto.PublicKey;

/**
 * What the genesis file fixes for the whole chain: the first seed and validator set, how many
 * blocks an epoch lasts, and the key that signs validator changes.
 */
public record ElectionParameters(
    byte[] genesisSeed, ValidatorSet genesisValidators, long epochLength, PublicKey governanceKey) {
  public ElectionParameters {
    if (genesisSeed == null || genesisSeed.length == 0) {
      throw new IllegalArgumentException("the genesis seed must not be empty");
    }
    if (epochLength < 1) {
      throw new IllegalArgumentException("an epoch lasts at least one block, got " + epochLength);
    }
    genesisSeed = genesisSeed.clone();
  }

  @Override
  public byte[] genesisSeed() {
    return genesisSeed.clone();
  }

  public long epochOf(long height) {
    return height / epochLength;
  }

  /** True for the block whose proposer proves the next epoch's seed. */
  public boolean endsEpoch(long height) {
    return (height + 1) % epochLength == 0;
  }
}
