package io.swarmcore.storage.core;

/** Size limits a block must respect to be stored. */
public record BlockLimits(int maxBlockBytes, int maxTransactions, int maxTransactionBytes) {
  /** 16 MiB blocks (the event-bus message limit), 100k transactions, 1 MiB per transaction. */
  public static final BlockLimits DEFAULT = new BlockLimits(16 * 1024 * 1024, 100_000, 1024 * 1024);

  public BlockLimits {
    if (maxBlockBytes <= 0 || maxTransactions <= 0 || maxTransactionBytes <= 0) {
      throw new IllegalArgumentException("block limits must be positive");
    }
  }
}
