package io.swarmcore.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class LinkKeysTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] MESSAGE = "batch".getBytes(StandardCharsets.US_ASCII);

  /** libsodium's test of {@code crypto_sign_ed25519_pk_to_curve25519} (ed25519_convert.c). */
  @Test
  void theMontgomeryFormMatchesLibsodium() {
    SigningKey key =
        SigningKey.fromSeed(
            HEX.parseHex("421151a459faeade3d247115f94aedae42318124095afabe4d1451a559faedee"));
    assertThat(HEX.formatHex(LinkKeys.montgomery(key.publicKey())))
        .isEqualTo("f1814f0e8ff1043d8a44d25babff3cedcae6c22c3edaa48f857ae70de2baae50");
  }

  @Test
  void theMontgomeryFormOfThePublicKeyIsTheSecretScalarTimesTheBasePoint() {
    for (int i = 0; i < 50; i++) {
      SigningKey key = SigningKey.generate(RANDOM);
      assertThat(LinkKeys.montgomery(key.publicKey()))
          .isEqualTo(LinkKeys.of(key).montgomeryPublicKey());
    }
  }

  @Test
  void bothEndsOfALinkComputeTheSameMac() {
    for (int i = 0; i < 20; i++) {
      SigningKey a = SigningKey.generate(RANDOM);
      SigningKey b = SigningKey.generate(RANDOM);
      byte[] tag = LinkKeys.of(a).mac(b.publicKey(), MESSAGE);
      assertThat(tag).hasSize(LinkKeys.MAC_LENGTH);
      assertThat(LinkKeys.of(b).verify(a.publicKey(), MESSAGE, tag)).isTrue();
    }
  }

  @Test
  void aThirdValidatorCannotMakeOrCheckTheMac() {
    SigningKey a = SigningKey.generate(RANDOM);
    SigningKey b = SigningKey.generate(RANDOM);
    SigningKey mallory = SigningKey.generate(RANDOM);
    byte[] tag = LinkKeys.of(a).mac(b.publicKey(), MESSAGE);
    // Mallory's own link with b gives another key; its link with a does not open a's tag to b.
    assertThat(LinkKeys.of(mallory).mac(b.publicKey(), MESSAGE)).isNotEqualTo(tag);
    assertThat(LinkKeys.of(b).verify(mallory.publicKey(), MESSAGE, tag)).isFalse();
    assertThat(LinkKeys.of(mallory).verify(a.publicKey(), MESSAGE, tag)).isFalse();
  }

  @Test
  void anyChangeToTheMessageOrTagIsRefused() {
    SigningKey a = SigningKey.generate(RANDOM);
    SigningKey b = SigningKey.generate(RANDOM);
    LinkKeys receiver = LinkKeys.of(b);
    byte[] tag = LinkKeys.of(a).mac(b.publicKey(), MESSAGE);
    byte[] otherMessage = MESSAGE.clone();
    otherMessage[0] ^= 1;
    assertThat(receiver.verify(a.publicKey(), otherMessage, tag)).isFalse();
    byte[] otherTag = tag.clone();
    otherTag[31] ^= 1;
    assertThat(receiver.verify(a.publicKey(), MESSAGE, otherTag)).isFalse();
    assertThat(receiver.verify(a.publicKey(), MESSAGE, null)).isFalse();
    assertThat(receiver.verify(a.publicKey(), MESSAGE, new byte[5])).isFalse();
  }

  @Test
  void aValidatorSharesNoKeyWithItself() {
    SigningKey a = SigningKey.generate(RANDOM);
    assertThatThrownBy(() -> LinkKeys.of(a).mac(a.publicKey(), MESSAGE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("itself");
  }

  @Test
  void theScalarNeverShowsInText() {
    SigningKey a = SigningKey.generate(RANDOM);
    assertThat(LinkKeys.of(a).toString()).isEqualTo("link keys of " + a.publicKey().hex());
  }
}
