package io.swarmcore.storage;

import io.swarmcore.storage.StoreException.Kind;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a snapshot claims to hold: the ledger's size, tip hash and root, and every file with its
 * length and SHA-256. Stored as {@code manifest.json} beside the copied files.
 */
public record SnapshotManifest(
    int format, long size, String tipHash, String ledgerRoot, List<FileEntry> files) {
  public static final String FILE_NAME = "manifest.json";

  public record FileEntry(String name, long bytes, String sha256) {}

  public JsonObject toJson() {
    JsonArray entries = new JsonArray();
    files.forEach(
        f ->
            entries.add(
                new JsonObject()
                    .put("name", f.name())
                    .put("bytes", f.bytes())
                    .put("sha256", f.sha256())));
    return new JsonObject()
        .put("format", format)
        .put("size", size)
        .put("tipHash", tipHash)
        .put("ledgerRoot", ledgerRoot)
        .put("files", entries);
  }

  public static SnapshotManifest fromJson(JsonObject json) {
    try {
      List<FileEntry> files = new ArrayList<>();
      for (Object entry : json.getJsonArray("files")) {
        JsonObject file = (JsonObject) entry;
        files.add(
            new FileEntry(file.getString("name"), file.getLong("bytes"), file.getString("sha256")));
      }
      return new SnapshotManifest(
          json.getInteger("format"),
          json.getLong("size"),
          json.getString("tipHash"),
          json.getString("ledgerRoot"),
          List.copyOf(files));
    } catch (RuntimeException e) {
      throw new StoreException(Kind.SNAPSHOT_INVALID, "the snapshot manifest is malformed: " + e);
    }
  }

  void write(Path directory) {
    try {
      Files.writeString(directory.resolve(FILE_NAME), toJson().encodePrettily() + "\n");
    } catch (IOException e) {
      throw new StoreException(
          Kind.IO, "cannot write " + directory.resolve(FILE_NAME) + ": " + e, e);
    }
  }

  static SnapshotManifest read(Path directory) {
    Path file = directory.resolve(FILE_NAME);
    try {
      return fromJson(new JsonObject(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (NoSuchFileException e) {
      throw new StoreException(Kind.SNAPSHOT_INVALID, directory + " has no " + FILE_NAME);
    } catch (DecodeException e) {
      throw new StoreException(Kind.SNAPSHOT_INVALID, file + " is not JSON: " + e.getMessage());
    } catch (IOException e) {
      throw new StoreException(Kind.IO, "cannot read " + file + ": " + e, e);
    }
  }
}
