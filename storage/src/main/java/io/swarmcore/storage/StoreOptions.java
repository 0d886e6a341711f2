package io.swarmcore.storage;

import io.swarmcore.storage.core.BlockLimits;
import java.nio.file.Path;

/**
 * How a {@link BlockStore} opens its LMDB environment.
 *
 * @param directory where data.mdb and lock.mdb live
 * @param initialMapSize the map size a new store starts with; it doubles whenever it fills
 * @param maxMapSize the map never grows past this; at it, appends fail with {@code FULL}
 * @param noSync skip fsync on commit. Faster, but a machine crash (not a process crash) may lose
 *     the last commits or, with unlucky write ordering, corrupt the store. For benchmarks only.
 * @param limits size limits enforced on every block
 */
public record StoreOptions(
    Path directory, long initialMapSize, long maxMapSize, boolean noSync, BlockLimits limits) {

  public static final long DEFAULT_INITIAL_MAP_SIZE = 64L << 20;
  public static final long DEFAULT_MAX_MAP_SIZE = 1L << 40;

  public StoreOptions {
    if (initialMapSize <= 0 || maxMapSize < initialMapSize) {
      throw new IllegalArgumentException(
          "need 0 < initial map size <= max map size, got "
              + initialMapSize
              + " and "
              + maxMapSize);
    }
  }

  /** Durable, 64 MiB growing up to 1 TiB, default limits. */
  public static StoreOptions at(Path directory) {
    return new StoreOptions(
        directory, DEFAULT_INITIAL_MAP_SIZE, DEFAULT_MAX_MAP_SIZE, false, BlockLimits.DEFAULT);
  }

  public StoreOptions withMapSizes(long initial, long max) {
    return new StoreOptions(directory, initial, max, noSync, limits);
  }

  public StoreOptions withNoSync(boolean noSync) {
    return new StoreOptions(directory, initialMapSize, maxMapSize, noSync, limits);
  }

  public StoreOptions withLimits(BlockLimits limits) {
    return new StoreOptions(directory, initialMapSize, maxMapSize, noSync, limits);
  }
}
