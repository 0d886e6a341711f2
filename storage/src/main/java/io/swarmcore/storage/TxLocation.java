package io.swarmcore.storage;

/** Where a transaction is in the ledger: its block's height and its position in that block. */
public record TxLocation(long height, int position) {}
