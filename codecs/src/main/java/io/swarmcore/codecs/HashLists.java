package io.swarmcore.codecs;

import com.google.protobuf.ByteString;
import io.swarmcore.crypto.Sha256;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists of 32-byte hashes as one byte array, end to end: how a node's own verticles hand each other
 * transaction hashes (a block's worth at a time) without hex strings and JSON.
 */
public final class HashLists {
  private HashLists() {}

  public static byte[] pack(List<ByteString> hashes) {
    byte[] packed = new byte[hashes.size() * Sha256.LENGTH];
    for (int i = 0; i < hashes.size(); i++) {
      ByteString hash = hashes.get(i);
      if (hash.size() != Sha256.LENGTH) {
        throw new IllegalArgumentException(
            "hash " + i + " is " + hash.size() + " bytes, not " + Sha256.LENGTH);
      }
      hash.copyTo(packed, i * Sha256.LENGTH);
    }
    return packed;
  }

  /** The hashes in {@code packed}; refused unless it is a whole number of 32-byte hashes. */
  public static List<ByteString> unpack(byte[] packed) {
    if (packed.length % Sha256.LENGTH != 0) {
      throw new IllegalArgumentException(
          "a hash list is a multiple of " + Sha256.LENGTH + " bytes, got " + packed.length);
    }
    List<ByteString> hashes = new ArrayList<>(packed.length / Sha256.LENGTH);
    for (int offset = 0; offset < packed.length; offset += Sha256.LENGTH) {
      hashes.add(ByteString.copyFrom(packed, offset, Sha256.LENGTH));
    }
    return hashes;
  }
}
