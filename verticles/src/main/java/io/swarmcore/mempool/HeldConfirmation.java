package io.swarmcore.mempool;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.HashLists;
import io.swarmcore.crypto.LinkKeys;
import io.swarmcore.crypto.PublicKey;
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
 * A validator's word that it holds transactions another validator gossiped to it: {@code {"from",
 * "packed": base64 of the 32-byte hashes end to end, "mac": base64}} (or, from builds before
 * 2026-11-28, {@code "hashes": [hex]} instead of {@code "packed"}), an HMAC under the link key the
 * two validators share ({@link LinkKeys}) over a domain, both node ids and the hashes.
 * Authenticated because any cluster member can publish on the address; a MAC because only the
 * origin must be convinced.
 */
public record HeldConfirmation(String from, List<ByteString> hashes) {
  private static final byte[] DOMAIN =
      "swarm/v1/mempool-held\0".getBytes(StandardCharsets.US_ASCII);
  private static final HexFormat HEX = HexFormat.of();
  private static final int HASH_BYTES = 32;

  /**
   * The confirmation {@code from} sends to {@code origin}, whose voting key is {@code originKey}.
   */
  public static JsonObject sealed(
      String from, String origin, List<ByteString> hashes, LinkKeys links, PublicKey originKey) {
    return new JsonObject()
        .put("from", from)
        .put("packed", Base64.getEncoder().encodeToString(HashLists.pack(hashes)))
        .put(
            "mac",
            Base64.getEncoder()
                .encodeToString(links.mac(originKey, authenticated(from, origin, hashes))));
  }

  /**
   * The confirmation in {@code body}, sent to {@code self}, if well formed (at most {@code
   * maxHashes}, the gossip batch bound) and authenticated by its sender, whose voting key {@code
   * keyOf} gives, under the link key it shares with {@code links}' owner.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static HeldConfirmation verified(
      Object body,
      String self,
      int maxHashes,
      LinkKeys links,
      Function<String, Optional<PublicKey>> keyOf) {
    if (!(body instanceof JsonObject json)
        || !(json.getValue("from") instanceof String from)
        || !(json.getValue("mac") instanceof String mac)) {
      throw new IllegalArgumentException("expected {\"from\", \"packed\", \"mac\"}");
    }
    PublicKey key =
        keyOf
            .apply(from)
            .orElseThrow(() -> new IllegalArgumentException(from + " is not a validator"));
    List<ByteString> hashes = hashesOf(json, maxHashes);
    byte[] tag;
    try {
      tag = Base64.getDecoder().decode(mac);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("mac is not base64");
    }
    if (!links.verify(key, authenticated(from, self, hashes), tag)) {
      throw new IllegalArgumentException("bad mac for " + from);
    }
    return new HeldConfirmation(from, List.copyOf(hashes));
  }

  /** The confirmed hashes, packed or (from older builds) in hex, at most {@code maxHashes}. */
  private static List<ByteString> hashesOf(JsonObject json, int maxHashes) {
    if (json.getValue("packed") instanceof String packed) {
      // Checked before decoding: base64 takes 4 characters for every 3 bytes.
      if (packed.length() > 4L * ((long) maxHashes * HASH_BYTES + 2) / 3) {
        throw new IllegalArgumentException("more than " + maxHashes + " hashes");
      }
      try {
        return HashLists.unpack(Base64.getDecoder().decode(packed));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("packed is not base64 of 32-byte hashes");
      }
    }
    if (!(json.getValue("hashes") instanceof JsonArray hexes)) {
      throw new IllegalArgumentException("expected {\"from\", \"packed\", \"mac\"}");
    }
    if (hexes.size() > maxHashes) {
      throw new IllegalArgumentException(hexes.size() + " hashes, above " + maxHashes);
    }
    List<ByteString> hashes = new ArrayList<>(hexes.size());
    for (Object hex : hexes) {
      if (!(hex instanceof String text) || text.length() != 2 * HASH_BYTES) {
        throw new IllegalArgumentException("a hash is not 64 hex digits");
      }
      try {
        hashes.add(ByteString.copyFrom(HEX.parseHex(text)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("a hash is not 64 hex digits");
      }
    }
    return hashes;
  }

  private static byte[] authenticated(String from, String origin, List<ByteString> hashes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + hashes.size() * HASH_BYTES);
    out.writeBytes(DOMAIN);
    GossipMac.writeId(out, from);
    GossipMac.writeId(out, origin);
    hashes.forEach(hash -> out.writeBytes(hash.toByteArray()));
    return out.toByteArray();
  }
}
