package io.swarmcore.node.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.codecs.proto.Hello;
import io.swarmcore.crypto.SigningKey;
import org.junit.jupiter.api.Test;

class PeerDirectoryTest {
  private final PeerDirectory directory = new PeerDirectory();
  private final SigningKey key = SigningKey.fromSeed(new byte[32]);

  @Test
  void aPeerNeedsAHandshakeUntilItAnsweredOne() {
    Hello hello = Hello.newBuilder().setNodeId("b").setHttpPort(8081).build();
    assertThat(directory.needsHandshake("b")).isTrue();

    directory.heard(hello, key.publicKey(), 1_000);
    assertThat(directory.needsHandshake("b")).isTrue();
    assertThat(directory.keyOf("b")).contains(key.publicKey());

    directory.confirmed("b", 1_100);
    directory.heard(hello, key.publicKey(), 1_200);
    assertThat(directory.needsHandshake("b")).isFalse();
  }

  @Test
  void onlyRecentlyHeardPeersAreUp() {
    directory.heard(Hello.newBuilder().setNodeId("old").build(), key.publicKey(), 1_000);
    directory.heard(Hello.newBuilder().setNodeId("new").build(), key.publicKey(), 5_000);

    assertThat(directory.up(6_000, 2_000))
        .extracting(PeerDirectory.Peer::nodeId)
        .containsExactly("new");
    assertThat(directory.up(5_500, 5_000))
        .extracting(PeerDirectory.Peer::nodeId)
        .containsExactly("new", "old");
  }
}
