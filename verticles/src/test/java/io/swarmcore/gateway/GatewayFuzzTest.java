package io.swarmcore.gateway;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.swarmcore.codecs.Codecs;
import io.swarmcore.codecs.ProtobufCodec;
import io.swarmcore.codecs.RejectedMessageException;
import io.swarmcore.codecs.proto.GetBlockRequest;
import io.swarmcore.codecs.proto.GetConsistencyProofRequest;
import io.swarmcore.codecs.proto.GetReceiptRequest;
import io.swarmcore.codecs.proto.SubmitRequest;
import io.swarmcore.fuzz.Findings;
import io.swarmcore.storage.SnapshotManifest;
import io.swarmcore.storage.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Fuzz targets for bytes from clients and cluster members: every event-bus codec, the gRPC requests
 * as the gateway hands them to {@link SwarmApi} (nobody answers behind it here, so every path ends
 * in a refusal, which must be an {@link ApiException}), snapshot manifests and chunks. See {@link
 * io.swarmcore.pbft.ConsensusFuzzTest} for the Short and Long variants.
 */
class GatewayFuzzTest {
  private static final Vertx VERTX = Vertx.vertx();
  private static final SwarmApi API =
      new SwarmApi(
          VERTX, "fuzz", () -> new SwarmApi.NodeFacts(0, List.of(), 4, true), JsonObject::new);

  // A checked snapshot index of two chunks (64 zero bytes, then 10), as an offer's check leaves it,
  // and a staging folder for the chunks.
  private static final JsonObject CHUNK_INDEX =
      new JsonObject()
          .put("chunkBytes", 64)
          .put(
              "chunks",
              new io.vertx.core.json.JsonArray()
                  .add(chunkEntry(new byte[64]))
                  .add(chunkEntry(new byte[10])));
  private static final java.nio.file.Path CHUNK_FOLDER;

  static {
    try {
      CHUNK_FOLDER = java.nio.file.Files.createTempDirectory("swarm-fuzz-chunks");
      CHUNK_FOLDER.toFile().deleteOnExit();
      CHUNK_FOLDER.resolve("data.mdb").toFile().deleteOnExit();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonObject chunkEntry(byte[] chunk) {
    return new JsonObject()
        .put("bytes", chunk.length)
        .put("sha256", java.util.HexFormat.of().formatHex(io.swarmcore.crypto.Sha256.hash(chunk)));
  }

  @org.junit.jupiter.api.AfterAll
  static void closeVertx() {
    VERTX.close();
  }

  static void codecs(FuzzedDataProvider data) throws Exception {
    List<ProtobufCodec<?>> all = Codecs.all();
    ProtobufCodec<?> codec = all.get(data.consumeInt(0, all.size() - 1));
    int position = data.consumeInt(0, 8);
    Buffer buffer = Buffer.buffer(data.consumeRemainingAsBytes());
    Findings.refusesOnlyWith(
        () -> codec.decodeFromWire(Math.min(position, buffer.length()), buffer),
        RejectedMessageException.class);
  }

  static void grpcRequest(FuzzedDataProvider data) throws Exception {
    int method = data.consumeInt(0, 4);
    byte[] bytes = data.consumeRemainingAsBytes();
    Future<?> answer;
    try {
      answer =
          switch (method) {
            case 0 -> API.submitAsync(SubmitRequest.parseFrom(bytes).getTransaction());
            case 1 -> API.receipt(GetReceiptRequest.parseFrom(bytes).getTxHash());
            case 2 -> API.block(GetBlockRequest.parseFrom(bytes));
            case 4 ->
                API.submitBatch(
                    io.swarmcore.codecs.proto.SubmitBatchRequest.parseFrom(bytes)
                        .getTransactionsList());
            default -> {
              GetConsistencyProofRequest request = GetConsistencyProofRequest.parseFrom(bytes);
              yield API.consistency(request.getOldSize(), request.getNewSize());
            }
          };
    } catch (InvalidProtocolBufferException e) {
      return; // gRPC refuses what does not parse before the gateway sees it
    }
    try {
      answer.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof ApiException)) {
        throw new IllegalStateException("not an ApiException: " + e.getCause(), e.getCause());
      }
    }
  }

  static void snapshotManifest(byte[] bytes) throws Exception {
    String json = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    JsonObject manifest;
    try {
      manifest = new JsonObject(json);
    } catch (DecodeException | ClassCastException e) {
      return;
    }
    Findings.refusesOnlyWith(() -> SnapshotManifest.fromJson(manifest), StoreException.class);
  }

  /** A peer's snapshot chunk, at any index, against a checked index: written only if it matches. */
  static void snapshotChunk(FuzzedDataProvider data) throws Exception {
    int index = data.consumeInt(-1, 2);
    byte[] chunk = data.consumeRemainingAsBytes();
    Findings.refusesOnlyWith(
        () -> io.swarmcore.storage.SnapshotChunks.write(CHUNK_FOLDER, CHUNK_INDEX, index, chunk),
        StoreException.class);
  }

  @FuzzTest(maxDuration = "2s")
  void snapshotChunkShort(FuzzedDataProvider data) throws Exception {
    snapshotChunk(data);
  }

  @FuzzTest(maxExecutions = 1_000_000, maxDuration = "60m")
  void snapshotChunkLong(FuzzedDataProvider data) throws Exception {
    snapshotChunk(data);
  }

  @FuzzTest(maxDuration = "2s")
  void codecsShort(FuzzedDataProvider data) throws Exception {
    codecs(data);
  }

  @FuzzTest(maxExecutions = 1_000_000, maxDuration = "60m")
  void codecsLong(FuzzedDataProvider data) throws Exception {
    codecs(data);
  }

  @FuzzTest(maxDuration = "2s")
  void grpcRequestShort(FuzzedDataProvider data) throws Exception {
    grpcRequest(data);
  }

  @FuzzTest(maxExecutions = 1_000_000, maxDuration = "60m")
  void grpcRequestLong(FuzzedDataProvider data) throws Exception {
    grpcRequest(data);
  }

  @FuzzTest(maxDuration = "2s")
  void snapshotManifestShort(byte[] bytes) throws Exception {
    snapshotManifest(bytes);
  }

  @FuzzTest(maxExecutions = 1_000_000, maxDuration = "60m")
  void snapshotManifestLong(byte[] bytes) throws Exception {
    snapshotManifest(bytes);
  }
}
