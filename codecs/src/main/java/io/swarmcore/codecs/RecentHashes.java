package io.swarmcore.codecs;

import com.google.protobuf.ByteString;
import io.swarmcore.crypto.Sha256;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SHA-256 of byte strings, remembering the latest answers in two generations: when the newer one
 * holds its budget of bytes it becomes the older, and the older is dropped. Memory stays bounded
 * (about twice the budget), and whatever was hashed lately is found. Safe for concurrent use; a
 * race at a generation change costs at most a digest computed again.
 *
 * <p>The inputs come from clients, and {@code ByteString.hashCode} is easy to collide on purpose:
 * keys are {@link Comparable}, so that a map bin full of collisions becomes a tree (lookups in
 * O(log n) comparisons, not O(n)).
 */
final class RecentHashes {
  // What an entry costs beyond its bytes: map node, key, ByteString, the 32-byte answer.
  private static final int ENTRY_OVERHEAD = 176;

  /** Bytes as a map key that is also ordered (unsigned lexicographic). */
  private record Key(ByteString bytes) implements Comparable<Key> {
    @Override
    public int compareTo(Key other) {
      return ByteString.unsignedLexicographicalComparator().compare(bytes, other.bytes);
    }
  }

  private record Generation(ConcurrentHashMap<Key, byte[]> hashes, AtomicLong bytes) {
    Generation() {
      this(new ConcurrentHashMap<>(), new AtomicLong());
    }
  }

  private final long budgetBytes;
  private final int largestRemembered;
  private volatile Generation newer = new Generation();
  private volatile Generation older = new Generation();
  private final AtomicLong digests = new AtomicLong();

  /**
   * @param budgetBytes what one generation may hold
   * @param largestRemembered larger inputs are hashed each time (their digest costs little next to
   *     what else a node does with them)
   */
  RecentHashes(long budgetBytes, int largestRemembered) {
    this.budgetBytes = budgetBytes;
    this.largestRemembered = largestRemembered;
  }

  byte[] hash(ByteString bytes) {
    if (bytes.size() > largestRemembered) {
      digests.incrementAndGet();
      return Sha256.hash(bytes.toByteArray());
    }
    Key key = new Key(bytes);
    Generation current = newer;
    byte[] known = current.hashes().get(key);
    if (known == null) {
      known = older.hashes().get(key);
      if (known == null) {
        known = Sha256.hash(bytes.toByteArray());
        digests.incrementAndGet();
      }
      if (current.bytes().addAndGet(bytes.size() + ENTRY_OVERHEAD) > budgetBytes) {
        rotate(current);
      }
      newer.hashes().put(key, known);
    }
    return known.clone();
  }

  /** Digests computed so far (not found remembered). */
  long digestsComputed() {
    return digests.get();
  }

  private synchronized void rotate(Generation full) {
    if (newer == full) {
      older = full;
      newer = new Generation();
    }
  }
}
