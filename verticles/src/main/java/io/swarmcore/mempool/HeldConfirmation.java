package io.swarmcore.mempool;

import com.google.protobuf.ByteString;
import io.swarmcore.crypto.PublicKey;
import io.swarmcore.crypto.SigningKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A validator's signed word that it holds transactions another validator gossiped to it: {@code
 * {"from", "hashes": [hex], "signature": base64}}, Ed25519 with the voting key over a domain, both
 * node ids and the hashes. Signed because any cluster member can publish on the address.
 */
public record HeldConfirmation(String from, List<ByteString> hashes) {
  private static final byte[] DOMAIN =
      "swarm/v1/mempool-held\0".getBytes(StandardCharsets.US_ASCII);
  private static final HexFormat HEX = HexFormat.of();
  private static final int HASH_BYTES = 32;

  /** The confirmation {@code from} sends to {@code origin}, signed with {@code key}. */
  public static JsonObject signed(
      String from, String origin, List<ByteString> hashes, SigningKey key) {
    JsonArray hex = new JsonArray(new ArrayList<>(hashes.size()));
    hashes.forEach(hash -> hex.add(HEX.formatHex(hash.toByteArray())));
    return new JsonObject()
        .put("from", from)
        .put("hashes", hex)
        .put(
            "signature",
            Base64.getEncoder().encodeToString(key.sign(signedBytes(from, origin, hashes))));
  }

  /**
   * The confirmation in {@code body}, sent to {@code self}, if well formed (at most {@code
   * maxHashes}, the gossip batch bound) and signed by the voting key {@code keyOf} gives for its
   * sender.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static HeldConfirmation verified(
      Object body, String self, int maxHashes, Function<String, Optional<PublicKey>> keyOf) {
    if (!(body instanceof JsonObject json)
        || !(json.getValue("from") instanceof String from)
        || !(json.getValue("hashes") instanceof JsonArray hexes)
        || !(json.getValue("signature") instanceof String signature)) {
      throw new IllegalArgumentException("expected {\"from\", \"hashes\", \"signature\"}");
    }
    if (hexes.size() > maxHashes) {
      throw new IllegalArgumentException(hexes.size() + " hashes, above " + maxHashes);
    }
    PublicKey key =
        keyOf
            .apply(from)
            .orElseThrow(() -> new IllegalArgumentException(from + " is not a validator"));
    List<ByteString> hashes = new ArrayList<>(hexes.size());
    for (Object hex : hexes) {
      if (!(hex instanceof String text) || text.length() != 2 * HASH_BYTES) {
        throw new IllegalArgumentException("a hash is not 64 hex digits");
      }
      hashes.add(ByteString.copyFrom(HEX.parseHex(text)));
    }
    byte[] signatureBytes;
    try {
      signatureBytes = Base64.getDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("signature is not base64");
    }
    if (!key.verify(signedBytes(from, self, hashes), signatureBytes)) {
      throw new IllegalArgumentException("bad signature for " + from);
    }
    return new HeldConfirmation(from, List.copyOf(hashes));
  }

  private static byte[] signedBytes(String from, String origin, List<ByteString> hashes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + hashes.size() * HASH_BYTES);
    out.writeBytes(DOMAIN);
    writeId(out, from);
    writeId(out, origin);
    hashes.forEach(hash -> out.writeBytes(hash.toByteArray()));
    return out.toByteArray();
  }

  /** Length-prefixed, so that no two id pairs sign the same bytes. */
  private static void writeId(ByteArrayOutputStream out, String id) {
    byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
    out.write(bytes.length);
    out.writeBytes(bytes);
  }
}
