package io.swarmcore.storage.core;

import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.merkle.MerkleHash;

/**
 * The end of the ledger that the next block must extend: how many blocks there are (the next
 * height, and the size of the ledger tree), the last block's hash, and the ledger tree's root.
 */
public record LedgerTip(long size, byte[] tipHash, byte[] ledgerRoot) {
  public static LedgerTip empty() {
    return new LedgerTip(0, LedgerHashes.noParent(), MerkleHash.emptyRoot());
  }

  /** Height of the last block; -1 for an empty ledger. */
  public long tipHeight() {
    return size - 1;
  }
}
