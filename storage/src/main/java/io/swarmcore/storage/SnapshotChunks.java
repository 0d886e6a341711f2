package io.swarmcore.storage;

import io.swarmcore.crypto.Sha256;
import io.swarmcore.storage.StoreException.Kind;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Splits a snapshot into chunks of at most 16 MiB, each with its SHA-256, for transfer between
 * nodes, and puts them back together, checking every chunk and then the whole snapshot.
 */
public final class SnapshotChunks {
  public static final int MAX_CHUNK_BYTES = 16 * 1024 * 1024;
  public static final String INDEX_FILE = "chunks.json";
  private static final HexFormat HEX = HexFormat.of();

  private SnapshotChunks() {}

  /** Writes {@code snapshot} (checked first) as chunks into the empty {@code out} folder. */
  public static JsonObject export(Path snapshot, Path out, int chunkBytes) {
    if (chunkBytes <= 0 || chunkBytes > MAX_CHUNK_BYTES) {
      throw new IllegalArgumentException(
          "chunk size must be 1.." + MAX_CHUNK_BYTES + " bytes, got " + chunkBytes);
    }
    SnapshotManifest manifest = Snapshots.verify(snapshot);
    Snapshots.prepareEmpty(out);
    JsonArray chunks = new JsonArray();
    try (InputStream in = Files.newInputStream(snapshot.resolve(Snapshots.DATA_FILE))) {
      for (int index = 0; ; index++) {
        byte[] chunk = in.readNBytes(chunkBytes);
        if (chunk.length == 0) {
          break;
        }
        String name = String.format("chunk-%06d.bin", index);
        Files.write(out.resolve(name), chunk);
        chunks.add(
            new JsonObject()
                .put("name", name)
                .put("bytes", chunk.length)
                .put("sha256", HEX.formatHex(Sha256.hash(chunk))));
      }
    } catch (IOException e) {
      throw new StoreException(Kind.IO, "cannot export chunks to " + out + ": " + e, e);
    }
    JsonObject index =
        new JsonObject()
            .put("manifest", manifest.toJson())
            .put("chunkBytes", chunkBytes)
            .put("chunks", chunks);
    try {
      Files.writeString(out.resolve(INDEX_FILE), index.encodePrettily() + "\n");
    } catch (IOException e) {
      throw new StoreException(Kind.IO, "cannot write " + out.resolve(INDEX_FILE) + ": " + e, e);
    }
    return index;
  }

  /**
   * Reassembles the chunks in {@code in} into a snapshot in the empty {@code snapshot} folder,
   * refusing any chunk that is missing, resized or altered, then checks the snapshot as a whole.
   */
  public static SnapshotManifest importChunks(Path in, Path snapshot) {
    JsonObject index = readIndex(in);
    SnapshotManifest manifest = SnapshotManifest.fromJson(index.getJsonObject("manifest"));
    Snapshots.prepareEmpty(snapshot);
    try (OutputStream data = Files.newOutputStream(snapshot.resolve(Snapshots.DATA_FILE))) {
      JsonArray chunks = index.getJsonArray("chunks");
      for (int i = 0; i < chunks.size(); i++) {
        JsonObject entry = chunks.getJsonObject(i);
        Path file = in.resolve(entry.getString("name")).normalize();
        if (!file.getParent().equals(in.normalize())) {
          throw invalid("chunk " + i + " names a file outside the folder");
        }
        byte[] chunk;
        try {
          chunk = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
          throw invalid("chunk " + i + " (" + entry.getString("name") + ") is missing");
        }
        if (chunk.length != entry.getInteger("bytes")) {
          throw invalid(
              "chunk "
                  + i
                  + " is "
                  + chunk.length
                  + " bytes, the index says "
                  + entry.getInteger("bytes"));
        }
        if (!HEX.formatHex(Sha256.hash(chunk)).equals(entry.getString("sha256"))) {
          throw invalid("chunk " + i + " does not match its hash (tampered or corrupted)");
        }
        data.write(chunk);
      }
    } catch (IOException e) {
      throw new StoreException(Kind.IO, "cannot import chunks from " + in + ": " + e, e);
    }
    manifest.write(snapshot);
    return Snapshots.verify(snapshot);
  }

  private static JsonObject readIndex(Path in) {
    try {
      return new JsonObject(Files.readString(in.resolve(INDEX_FILE)));
    } catch (NoSuchFileException e) {
      throw invalid(in + " has no " + INDEX_FILE);
    } catch (DecodeException | ClassCastException e) {
      throw invalid(INDEX_FILE + " is not a JSON object");
    } catch (IOException e) {
      throw new StoreException(Kind.IO, "cannot read " + in.resolve(INDEX_FILE) + ": " + e, e);
    }
  }

  private static StoreException invalid(String message) {
    return new StoreException(Kind.SNAPSHOT_INVALID, "invalid chunks: " + message);
  }
}
