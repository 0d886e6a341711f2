package io.swarmcore.pbft;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.swarmcore.codecs.CertificateVerifier;
import io.swarmcore.codecs.RejectedMessageException;
import io.swarmcore.codecs.SignedEnvelopes;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.SignedEnvelope;
import io.swarmcore.crypto.PublicKey;
import io.swarmcore.crypto.SigningKey;
import io.swarmcore.fuzz.Findings;
import io.swarmcore.pbft.wire.ConsensusWire;
import io.swarmcore.pbft.wire.ValidatorKeys;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzz targets for what validators send each other (docs/RELIABILITY.md, fuzzing): consensus
 * envelopes, raw and correctly signed with any payload, and snapshot offers. {@code Short} methods
 * fuzz for seconds (the build), {@code Long} ones for a million inputs ({@code -P long}); without
 * {@code JAZZER_FUZZ} both replay their seeds as regression tests.
 */
class ConsensusFuzzTest {
  private static final List<SigningKey> KEYS = new ArrayList<>();
  private static final ConsensusWire WIRE;
  private static final SnapshotSync SNAPSHOTS;

  static {
    List<ValidatorKeys.Entry> entries = new ArrayList<>();
    Map<String, PublicKey> voting = new LinkedHashMap<>();
    for (int i = 0; i < 4; i++) {
      byte[] seed = new byte[SigningKey.SEED_LENGTH];
      seed[0] = (byte) (i + 1);
      SigningKey key = SigningKey.fromSeed(seed);
      KEYS.add(key);
      entries.add(new ValidatorKeys.Entry("v" + i, key.publicKey()));
      voting.put("v" + i, key.publicKey());
    }
    WIRE = new ConsensusWire(new ValidatorKeys(entries), "v0", KEYS.get(0));
    SNAPSHOTS = new SnapshotSync(null, "v0", new CertificateVerifier(voting, 4, 3), null);
  }

  /** Any bytes as an envelope off the inbox. */
  static void rawEnvelope(byte[] bytes) throws Exception {
    Findings.refusesOnlyWith(
        () -> WIRE.decode(SignedEnvelope.parseFrom(bytes)),
        InvalidProtocolBufferException.class,
        RejectedMessageException.class);
    Findings.refusesOnlyWith(
        () -> ConsensusWire.unverifiedSequence(SignedEnvelope.parseFrom(bytes)),
        InvalidProtocolBufferException.class);
  }

  /**
   * A validator's correctly signed envelope of any type around any payload: the payload decoders.
   */
  static void signedEnvelope(FuzzedDataProvider data) throws Exception {
    MessageType[] types = MessageType.values();
    MessageType type = types[data.consumeInt(0, types.length - 1)];
    if (type == MessageType.UNRECOGNIZED) {
      return;
    }
    int signer = data.consumeInt(1, KEYS.size() - 1);
    byte[] payload = data.consumeRemainingAsBytes();
    Findings.refusesOnlyWith(
        () -> WIRE.decode(SignedEnvelopes.seal(type, payload, "v" + signer, KEYS.get(signer))),
        RejectedMessageException.class);
  }

  /** A peer's snapshot offer (its index JSON): every check before a chunk is fetched. */
  static void snapshotOffer(byte[] bytes) throws Exception {
    String json = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    JsonObject index;
    try {
      index = new JsonObject(json);
    } catch (DecodeException | ClassCastException e) {
      return; // the event bus hands the node a JsonObject: only those reach the checks
    }
    Findings.refusesOnlyWith(
        () -> SNAPSHOTS.checkedOffer("peer", index), IllegalStateException.class);
  }

  @FuzzTest(maxDuration = "2s")
  void rawEnvelopeShort(byte[] bytes) throws Exception {
    rawEnvelope(bytes);
  }

  @FuzzTest(maxExecutions = 1_000_000, maxDuration = "60m")
  void rawEnvelopeLong(byte[] bytes) throws Exception {
    rawEnvelope(bytes);
  }

  @FuzzTest(maxDuration = "2s")
  void signedEnvelopeShort(FuzzedDataProvider data) throws Exception {
    signedEnvelope(data);
  }

  @FuzzTest(maxExecutions = 1_000_000, maxDuration = "60m")
  void signedEnvelopeLong(FuzzedDataProvider data) throws Exception {
    signedEnvelope(data);
  }

  @FuzzTest(maxDuration = "2s")
  void snapshotOfferShort(byte[] bytes) throws Exception {
    snapshotOffer(bytes);
  }

  @FuzzTest(maxExecutions = 1_000_000, maxDuration = "60m")
  void snapshotOfferLong(byte[] bytes) throws Exception {
    snapshotOffer(bytes);
  }
}
