package io.swarmcore.storage;

import io.swarmcore.storage.core.LedgerTip;

/** A store's state at one moment, for operators and status replies. */
public record StoreStatus(
    LedgerTip tip, long mapSize, long maxMapSize, long bytesOnDisk, int formatVersion) {}
