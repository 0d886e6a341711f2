package io.swarmcore.mempool;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import io.swarmcore.crypto.PublicKey;
import io.swarmcore.crypto.SigningKey;
import io.swarmcore.fuzz.Findings;
import io.swarmcore.mempool.core.Mempool;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;

/**
 * Fuzz targets for what reaches a mempool from outside: a client's transaction (protobuf bytes, as
 * the gRPC gateway and the event bus hand it over, or JSON), and another validator's confirmation.
 * See {@link io.swarmcore.pbft.ConsensusFuzzTest} for the Short and Long variants.
 */
class MempoolFuzzTest {
  private static final SigningKey HOLDER = SigningKey.fromSeed(new byte[SigningKey.SEED_LENGTH]);
  private static final Map<String, PublicKey> VALIDATORS = Map.of("b", HOLDER.publicKey());
  private static final io.swarmcore.crypto.LinkKeys LINKS_OF_A =
      io.swarmcore.crypto.LinkKeys.of(
          SigningKey.fromSeed(
              new byte[] {
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32
              }));

  /** Submissions: the pool classifies any bytes; JSON is converted or refused as malformed. */
  static void transaction(FuzzedDataProvider data) throws Exception {
    Mempool pool = new Mempool(new Mempool.Limits(10, 1 << 20, 4096, 10));
    boolean json = data.consumeBoolean();
    byte[] bytes = data.consumeRemainingAsBytes();
    if (!json) {
      Mempool.Added added = pool.add(ByteString.copyFrom(bytes), false);
      if (added.outcome() == null) {
        throw new IllegalStateException("no outcome");
      }
      return;
    }
    JsonObject body;
    try {
      body = new JsonObject(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
    } catch (DecodeException | ClassCastException e) {
      return;
    }
    Findings.refusesOnlyWith(
        () -> pool.add(MempoolVerticle.transactionBytes(body), false),
        IllegalArgumentException.class);
  }

  /** A confirmation that another validator holds transactions. */
  static void confirmation(byte[] bytes) throws Exception {
    String json = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    Object body;
    try {
      body = new JsonObject(json);
    } catch (DecodeException | ClassCastException e) {
      body = json;
    }
    Object message = body;
    Findings.refusesOnlyWith(
        () ->
            HeldConfirmation.verified(
                message, "a", 2_000, LINKS_OF_A, id -> Optional.ofNullable(VALIDATORS.get(id))),
        IllegalArgumentException.class);
  }

  @FuzzTest(maxDuration = "2s")
  void transactionShort(FuzzedDataProvider data) throws Exception {
    transaction(data);
  }

  @FuzzTest(maxExecutions = 1_000_000, maxDuration = "60m")
  void transactionLong(FuzzedDataProvider data) throws Exception {
    transaction(data);
  }

  @FuzzTest(maxDuration = "2s")
  void confirmationShort(byte[] bytes) throws Exception {
    confirmation(bytes);
  }

  @FuzzTest(maxExecutions = 1_000_000, maxDuration = "60m")
  void confirmationLong(byte[] bytes) throws Exception {
    confirmation(bytes);
  }
}
