package io.swarmcore.storage;

import io.swarmcore.crypto.Sha256;
import io.swarmcore.storage.StoreException.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;

/**
 * A snapshot's data file seen as chunks of at most 16 MiB, each with its SHA-256, for transfer
 * between nodes: the sender indexes and reads chunks in place, the receiver checks each chunk
 * against the index and writes it in place (in any order), then adds the manifest; {@link
 * Snapshots#verify} checks the whole.
 */
public final class SnapshotChunks {
  public static final int MAX_CHUNK_BYTES = 16 * 1024 * 1024;
  private static final HexFormat HEX = HexFormat.of();

  private SnapshotChunks() {}

  /**
   * {@code {manifest, chunkBytes, chunks: [{bytes, sha256}]}} for the snapshot in {@code snapshot}
   * as it is on disk (one read of its data file).
   */
  public static JsonObject index(Path snapshot, int chunkBytes) {
    requireChunkSize(chunkBytes);
    SnapshotManifest manifest = SnapshotManifest.read(snapshot);
    JsonArray chunks = new JsonArray();
    try (FileChannel data = FileChannel.open(snapshot.resolve(Snapshots.DATA_FILE))) {
      long size = data.size();
      for (long offset = 0; offset < size; offset += chunkBytes) {
        byte[] chunk = read(data, offset, (int) Math.min(chunkBytes, size - offset));
        chunks.add(
            new JsonObject()
                .put("bytes", chunk.length)
                .put("sha256", HEX.formatHex(Sha256.hash(chunk))));
      }
    } catch (IOException e) {
      throw new StoreException(Kind.IO, "cannot index " + snapshot + ": " + e, e);
    }
    return new JsonObject()
        .put("manifest", manifest.toJson())
        .put("chunkBytes", chunkBytes)
        .put("chunks", chunks);
  }

  /** Chunk {@code index} of the snapshot's data file cut in chunks of {@code chunkBytes}. */
  public static byte[] read(Path snapshot, int chunkBytes, int index) {
    requireChunkSize(chunkBytes);
    try (FileChannel data = FileChannel.open(snapshot.resolve(Snapshots.DATA_FILE))) {
      long offset = (long) index * chunkBytes;
      if (index < 0 || offset >= data.size()) {
        throw new IllegalArgumentException(
            "the snapshot has no chunk " + index + " of " + chunkBytes + " bytes");
      }
      return read(data, offset, (int) Math.min(chunkBytes, data.size() - offset));
    } catch (IOException e) {
      throw new StoreException(Kind.IO, "cannot read " + snapshot + ": " + e, e);
    }
  }

  /**
   * Checks chunk {@code index} against {@code snapshotIndex} (length and SHA-256) and writes it in
   * place into the data file in {@code folder}.
   *
   * @throws StoreException SNAPSHOT_INVALID when it does not match; nothing is written
   */
  public static void write(Path folder, JsonObject snapshotIndex, int index, byte[] chunk) {
    JsonArray chunks = snapshotIndex.getJsonArray("chunks");
    if (index < 0 || index >= chunks.size()) {
      throw invalid("the index has no chunk " + index);
    }
    JsonObject entry = chunks.getJsonObject(index);
    if (chunk.length != entry.getInteger("bytes")) {
      throw invalid(
          "chunk "
              + index
              + " is "
              + chunk.length
              + " bytes, the index says "
              + entry.getInteger("bytes"));
    }
    if (!HEX.formatHex(Sha256.hash(chunk)).equals(entry.getString("sha256"))) {
      throw invalid("chunk " + index + " does not match its hash (tampered or corrupted)");
    }
    long offset = (long) index * snapshotIndex.getInteger("chunkBytes");
    try (FileChannel data =
        FileChannel.open(
            folder.resolve(Snapshots.DATA_FILE),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE)) {
      ByteBuffer bytes = ByteBuffer.wrap(chunk);
      while (bytes.hasRemaining()) {
        data.write(bytes, offset + bytes.position());
      }
    } catch (IOException e) {
      throw new StoreException(
          Kind.IO, "cannot write chunk " + index + " into " + folder + ": " + e, e);
    }
  }

  /**
   * Writes the manifest of {@code snapshotIndex} next to the chunks written into {@code folder}.
   */
  public static void complete(Path folder, JsonObject snapshotIndex) {
    SnapshotManifest.fromJson(snapshotIndex.getJsonObject("manifest")).write(folder);
  }

  private static byte[] read(FileChannel data, long offset, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (data.read(buffer, offset + buffer.position()) < 0) {
        throw new IOException("the data file ended early");
      }
    }
    return buffer.array();
  }

  private static void requireChunkSize(int chunkBytes) {
    if (chunkBytes <= 0 || chunkBytes > MAX_CHUNK_BYTES) {
      throw new IllegalArgumentException(
          "chunk size must be 1.." + MAX_CHUNK_BYTES + " bytes, got " + chunkBytes);
    }
  }

  private static StoreException invalid(String message) {
    return new StoreException(Kind.SNAPSHOT_INVALID, "invalid chunks: " + message);
  }
}
