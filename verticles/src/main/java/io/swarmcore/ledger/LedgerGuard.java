package io.swarmcore.ledger;

import io.swarmcore.codecs.proto.FinalizedBlock;

/**
 * Rules beyond the store's own that a block must pass before it is stored, with the state they keep
 * (the election's seed chain). The storage verticle calls it on its single writer thread, in height
 * order: {@link #check} before appending, {@link #applied} after the commit, and {@link #applied}
 * for every stored block at start, to rebuild the state.
 */
public interface LedgerGuard {
  /**
   * @throws io.swarmcore.storage.core.InvalidBlockException to refuse the block
   */
  void check(FinalizedBlock block);

  void applied(FinalizedBlock block);

  /**
   * The height of the last block of the epoch that holds {@code height}: the validators who certify
   * a block certify every block up to it (no guard: one endless epoch).
   */
  default long epochEnd(long height) {
    return Long.MAX_VALUE;
  }
}
