package io.swarmcore.merkle;

/**
 * Where the hashes of perfect subtrees come from: memory, or the block store's LMDB database. The
 * subtree at {@code level}, {@code index} covers leaves {@code [index * 2^level, (index + 1) *
 * 2^level)}; level 0 holds leaf hashes. Only subtrees of the tree built so far are asked for.
 */
@FunctionalInterface
public interface SubtreeSource {
  byte[] perfect(int level, long index);
}
