package io.swarmcore.mempool;

import io.swarmcore.crypto.LinkKeys;
import io.swarmcore.crypto.PublicKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * What authenticates a gossip batch (a header): an HMAC under the link key the origin shares with
 * the one validator it publishes the batch to ({@link LinkKeys}), over a domain, both node ids and
 * the hashes of the batch's transactions, in order. The hashes bind the transactions' bytes
 * (SHA-256 is collision resistant), and both ends compute them anyway, so the MAC reads 32 bytes
 * per transaction instead of the whole batch, once per receiver. Any cluster member can publish on
 * a gossip address; only validators' batches are taken. A MAC, not a signature: the receiver is the
 * only one who must be convinced, and an Ed25519 signature and its check cost about a hundred times
 * more per batch.
 */
final class GossipMac {
  private static final byte[] DOMAIN =
      "swarm/v1/mempool-gossip-hashes\0".getBytes(StandardCharsets.US_ASCII);

  private GossipMac() {}

  /**
   * The tag (base64) {@code origin} puts on a batch of transactions with these hashes for {@code
   * recipient}.
   */
  static String seal(
      String origin,
      String recipient,
      List<byte[]> txHashes,
      LinkKeys links,
      PublicKey recipientKey) {
    return Base64.getEncoder()
        .encodeToString(links.mac(recipientKey, authenticated(origin, recipient, txHashes)));
  }

  /** Whether {@code tag} (base64, possibly null) is {@code origin}'s for this batch to us. */
  static boolean verify(
      String origin,
      String recipient,
      List<byte[]> txHashes,
      String tag,
      LinkKeys links,
      PublicKey originKey) {
    if (tag == null) {
      return false;
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(tag);
    } catch (IllegalArgumentException e) {
      return false;
    }
    try {
      return links.verify(originKey, authenticated(origin, recipient, txHashes), bytes);
    } catch (IllegalArgumentException noLink) {
      return false; // another id with this node's own key: no link, nothing to trust
    }
  }

  private static byte[] authenticated(String origin, String recipient, List<byte[]> txHashes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(txHashes.size() * 32 + 64);
    out.writeBytes(DOMAIN);
    writeId(out, origin);
    writeId(out, recipient);
    for (byte[] hash : txHashes) {
      out.writeBytes(hash); // each 32 bytes: the count follows from the length
    }
    return out.toByteArray();
  }

  /** Length-prefixed, so that no two id pairs give the same bytes. */
  static void writeId(ByteArrayOutputStream out, String id) {
    byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
    out.write(bytes.length);
    out.writeBytes(bytes);
  }
}
