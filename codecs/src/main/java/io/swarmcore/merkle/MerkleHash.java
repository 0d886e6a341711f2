package io.swarmcore.merkle;

import io.swarmcore.crypto.Sha256;

/** RFC 9162 §2.1.1 hashing: distinct prefixes keep leaves and interior nodes apart. */
public final class MerkleHash {
  public static final int LENGTH = Sha256.LENGTH;

  private static final byte[] LEAF_PREFIX = {0x00};
  private static final byte[] NODE_PREFIX = {0x01};

  /** MTH({}) = SHA-256 of the empty string. */
  private static final byte[] EMPTY_ROOT = Sha256.hash();

  private MerkleHash() {}

  public static byte[] emptyRoot() {
    return EMPTY_ROOT.clone();
  }

  /** SHA-256(0x00 || data). */
  public static byte[] leaf(byte[] data) {
    return Sha256.hash(LEAF_PREFIX, data);
  }

  /** SHA-256(0x01 || left || right). */
  public static byte[] node(byte[] left, byte[] right) {
    return Sha256.hash(NODE_PREFIX, left, right);
  }
}
