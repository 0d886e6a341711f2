package io.swarmcore.storage;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.lmdbjava.Dbi;
import org.lmdbjava.PutFlags;
import org.lmdbjava.Txn;

/**
 * One LMDB database seen through byte arrays. Keys go through a per-thread direct buffer and values
 * are written straight into LMDB's pages ({@code MDB_RESERVE}) or copied out of them, so no call
 * allocates native memory (lmdbjava's byte-array proxy allocates on every call).
 */
final class Table {
  private static final ThreadLocal<ByteBuffer> KEY =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(511));

  private final Dbi<ByteBuffer> dbi;

  Table(Dbi<ByteBuffer> dbi) {
    this.dbi = dbi;
  }

  /** The value under {@code key}, copied out of the map; null when absent. */
  byte[] get(Txn<ByteBuffer> txn, byte[] key) {
    ByteBuffer value = dbi.get(txn, key(key));
    if (value == null) {
      return null;
    }
    byte[] bytes = new byte[value.remaining()];
    value.get(bytes);
    return bytes;
  }

  /** Stores {@code value} under {@code key}; false when MDB_NOOVERWRITE found the key taken. */
  boolean put(Txn<ByteBuffer> txn, byte[] key, byte[] value, PutFlags... flags) {
    try {
      dbi.reserve(txn, key(key), value.length, flags).put(value);
      return true;
    } catch (Dbi.KeyExistsException taken) {
      return false;
    }
  }

  /** Serializes {@code message} straight into LMDB's pages: no intermediate byte array. */
  void put(Txn<ByteBuffer> txn, byte[] key, MessageLite message, PutFlags... flags) {
    ByteBuffer target = dbi.reserve(txn, key(key), message.getSerializedSize(), flags);
    CodedOutputStream out = CodedOutputStream.newInstance(target);
    try {
      message.writeTo(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("serializing into a reserved LMDB value", e);
    }
  }

  private static ByteBuffer key(byte[] key) {
    ByteBuffer buffer = KEY.get();
    buffer.clear();
    buffer.put(key).flip();
    return buffer;
  }
}
