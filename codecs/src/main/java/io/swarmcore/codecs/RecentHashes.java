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
 */
final class RecentHashes {
  // What an entry costs beyond its bytes: map node, ByteString, the 32-byte answer.
  private static final int ENTRY_OVERHEAD = 160;

  private record Generation(ConcurrentHashMap<ByteString, byte[]> hashes, AtomicLong bytes) {
    Generation() {
      this(new ConcurrentHashMap<>(), new AtomicLong());
    }
  }

  private final long budgetBytes;
  private final int largestRemembered;
  private volatile Generation newer = new Generation();
  private volatile Generation older = new Generation();

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
      return Sha256.hash(bytes.toByteArray());
    }
    Generation current = newer;
    byte[] known = current.hashes().get(bytes);
    if (known == null) {
      known = older.hashes().get(bytes);
      if (known == null) {
        known = Sha256.hash(bytes.toByteArray());
      }
      if (current.bytes().addAndGet(bytes.size() + ENTRY_OVERHEAD) > budgetBytes) {
        rotate(current);
      }
      newer.hashes().put(bytes, known);
    }
    return known.clone();
  }

  private synchronized void rotate(Generation full) {
    if (newer == full) {
      older = full;
      newer = new Generation();
    }
  }
}
