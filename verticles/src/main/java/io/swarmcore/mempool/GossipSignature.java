package io.swarmcore.mempool;

import io.swarmcore.crypto.PublicKey;
import io.swarmcore.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The signature a validator puts on its gossip batches (a header): Ed25519 with its voting key over
 * a domain, its node id and SHA-256 of the serialized batch. Any cluster member can publish on a
 * gossip address; only validators' batches are taken.
 */
final class GossipSignature {
  private static final byte[] DOMAIN =
      "swarm/v1/mempool-gossip\0".getBytes(StandardCharsets.US_ASCII);

  private GossipSignature() {}

  static String sign(String origin, byte[] batch, SigningKey key) {
    return Base64.getEncoder().encodeToString(key.sign(signedBytes(origin, batch)));
  }

  /** Whether {@code signature} (base64, possibly null) is {@code key}'s over this batch. */
  static boolean verify(String origin, byte[] batch, String signature, PublicKey key) {
    if (signature == null) {
      return false;
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return key.verify(signedBytes(origin, batch), bytes);
  }

  private static byte[] signedBytes(String origin, byte[] batch) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime must provide SHA-256", e);
    }
    sha256.update(DOMAIN);
    byte[] id = origin.getBytes(StandardCharsets.UTF_8);
    sha256.update((byte) id.length);
    sha256.update(id);
    sha256.update(batch);
    return sha256.digest();
  }
}
