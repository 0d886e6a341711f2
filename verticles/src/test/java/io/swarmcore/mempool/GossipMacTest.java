package io.swarmcore.mempool;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.crypto.LinkKeys;
import io.swarmcore.crypto.SigningKey;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A gossip MAC covers exactly its batch's transactions, in order, between its two validators. */
class GossipMacTest {
  private final SecureRandom random = new SecureRandom();
  private final SigningKey origin = SigningKey.generate(random);
  private final SigningKey recipient = SigningKey.generate(random);
  private final SigningKey third = SigningKey.generate(random);

  private byte[] hash() {
    byte[] hash = new byte[32];
    random.nextBytes(hash);
    return hash;
  }

  @Test
  void theMacFitsOnlyTheSameTransactionsInTheSameOrderFromTheSameOrigin() {
    byte[] first = hash();
    byte[] second = hash();
    String tag =
        GossipMac.seal(
            "o", "r", List.of(first, second), LinkKeys.of(origin), recipient.publicKey());
    LinkKeys recipientLinks = LinkKeys.of(recipient);

    assertThat(
            GossipMac.verify(
                "o", "r", List.of(first, second), tag, recipientLinks, origin.publicKey()))
        .isTrue();
    assertThat(
            GossipMac.verify(
                "o", "r", List.of(second, first), tag, recipientLinks, origin.publicKey()))
        .as("reordered")
        .isFalse();
    assertThat(
            GossipMac.verify(
                "o", "r", List.of(first, hash()), tag, recipientLinks, origin.publicKey()))
        .as("one transaction swapped")
        .isFalse();
    assertThat(GossipMac.verify("o", "r", List.of(first), tag, recipientLinks, origin.publicKey()))
        .as("one transaction dropped")
        .isFalse();
    assertThat(
            GossipMac.verify(
                "x", "r", List.of(first, second), tag, recipientLinks, origin.publicKey()))
        .as("another origin's name")
        .isFalse();
    assertThat(
            GossipMac.verify(
                "o", "r", List.of(first, second), tag, recipientLinks, third.publicKey()))
        .as("another origin's key")
        .isFalse();
    assertThat(
            GossipMac.verify(
                "o", "r", List.of(first, second), null, recipientLinks, origin.publicKey()))
        .as("no tag")
        .isFalse();
    assertThat(
            GossipMac.verify(
                "o", "r", List.of(first, second), "%%", recipientLinks, origin.publicKey()))
        .as("not base64")
        .isFalse();
  }
}
