package io.swarmcore.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Key and value layouts. Numbers are big-endian so that LMDB's byte order is numeric order, which
 * lets height-ordered and position-ordered puts use MDB_APPEND.
 */
final class Keys {
  static final byte[] META_FORMAT = ascii("format");
  static final byte[] META_SIZE = ascii("size");
  static final byte[] META_TIP = ascii("tip");
  static final byte[] META_ROOT = ascii("root");
  static final byte[] META_CONSENSUS = ascii("consensus");

  private Keys() {}

  static byte[] height(long height) {
    return ByteBuffer.allocate(Long.BYTES).putLong(height).array();
  }

  static long readLong(byte[] bytes) {
    return ByteBuffer.wrap(bytes).getLong();
  }

  static byte[] txLocation(long height, int position) {
    return ByteBuffer.allocate(Long.BYTES + Integer.BYTES).putLong(height).putInt(position).array();
  }

  /**
   * A perfect subtree's key: the position of its last leaf, then its level. Appends complete
   * subtrees in exactly this order, so every node put is an MDB_APPEND.
   */
  static byte[] node(int level, long index) {
    long lastLeaf = ((index + 1) << level) - 1;
    return ByteBuffer.allocate(Long.BYTES + 1).putLong(lastLeaf).put((byte) level).array();
  }

  static byte[] integer(int value) {
    return ByteBuffer.allocate(Integer.BYTES).putInt(value).array();
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
