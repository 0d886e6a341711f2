package io.swarmcore.storage;

import io.swarmcore.merkle.MerkleFrontier;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps Merkle subtrees that every proof reads out of LMDB: the right edge of the current tree (the
 * frontier, replaced after each commit) and a bounded set of high-level subtrees (the top of the
 * tree, shared by all proofs). Perfect subtrees never change once written, so nothing here is ever
 * stale. Memory is bounded: at most {@value #CAPACITY} cached subtrees whatever the chain length.
 */
final class SubtreeCache {
  static final int CAPACITY = 1 << 16;
  private static final int LOWEST_CACHED_LEVEL = 8;

  /** The frontier's subtrees, largest first, with where each starts. */
  private record Edge(long size, List<byte[]> hashes) {}

  private final ConcurrentHashMap<Long, byte[]> high = new ConcurrentHashMap<>();
  private volatile Edge edge = new Edge(0, List.of());

  /** Publishes the frontier after a commit. */
  void edge(MerkleFrontier frontier) {
    edge = new Edge(frontier.size(), frontier.subtreeHashes());
  }

  /** A cached subtree, or null. */
  byte[] get(int level, long index) {
    byte[] fromEdge = fromEdge(level, index);
    if (fromEdge != null) {
      return fromEdge;
    }
    return level >= LOWEST_CACHED_LEVEL ? high.get(key(level, index)) : null;
  }

  /** Offers a subtree read from LMDB; kept if it is high enough and there is room. */
  void offer(int level, long index, byte[] hash) {
    if (level >= LOWEST_CACHED_LEVEL && high.size() < CAPACITY) {
      high.putIfAbsent(key(level, index), hash);
    }
  }

  private byte[] fromEdge(int level, long index) {
    Edge current = edge;
    long start = 0;
    int position = 0;
    for (int bit = 63; bit >= 0; bit--) {
      if ((current.size() & (1L << bit)) != 0) {
        if (bit == level && start == index << level) {
          return current.hashes().get(position);
        }
        start += 1L << bit;
        position++;
      }
    }
    return null;
  }

  private static long key(int level, long index) {
    return ((long) level << 58) | index;
  }
}
