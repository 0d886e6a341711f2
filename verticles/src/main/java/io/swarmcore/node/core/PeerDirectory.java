package io.swarmcore.node.core;

import io.swarmcore.codecs.proto.Hello;
import io.swarmcore.crypto.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The peers this node has heard from, with their pinned keys. Time is an input (milliseconds of the
 * caller's clock). Thread-safe: the peer verticle writes, health checks read.
 */
public final class PeerDirectory {
  /**
   * A known peer. {@code verifiedReply} is true once the peer answered our signed HELLO with a
   * signed HELLO echoing our nonce: it holds the key and is alive now, not replaying.
   */
  public record Peer(
      String nodeId, PublicKey key, int httpPort, long lastSeenMillis, boolean verifiedReply) {}

  private final Map<String, Peer> peers = new HashMap<>();

  public synchronized Optional<PublicKey> keyOf(String nodeId) {
    return Optional.ofNullable(peers.get(nodeId)).map(Peer::key);
  }

  /** Records a verified HELLO from its sender. */
  public synchronized void heard(Hello hello, PublicKey key, long nowMillis) {
    Peer previous = peers.get(hello.getNodeId());
    boolean verified = previous != null && previous.verifiedReply();
    peers.put(
        hello.getNodeId(),
        new Peer(hello.getNodeId(), key, hello.getHttpPort(), nowMillis, verified));
  }

  /** Records that {@code nodeId} answered our HELLO correctly. */
  public synchronized void confirmed(String nodeId, long nowMillis) {
    Peer peer = peers.get(nodeId);
    if (peer != null) {
      peers.put(nodeId, new Peer(nodeId, peer.key(), peer.httpPort(), nowMillis, true));
    }
  }

  public synchronized boolean needsHandshake(String nodeId) {
    Peer peer = peers.get(nodeId);
    return peer == null || !peer.verifiedReply();
  }

  /** Peers heard from within {@code freshMillis}, by id. */
  public synchronized List<Peer> up(long nowMillis, long freshMillis) {
    List<Peer> up = new ArrayList<>();
    for (Peer peer : peers.values()) {
      if (nowMillis - peer.lastSeenMillis() <= freshMillis) {
        up.add(peer);
      }
    }
    up.sort(Comparator.comparing(Peer::nodeId));
    return up;
  }
}
