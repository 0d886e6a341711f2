package io.swarmcore.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class SignatureTamperTest {
  private static final SigningKey KEY = SigningKey.fromSeed(new byte[32]);

  @Provide
  Arbitrary<byte[]> payloads() {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(512);
  }

  @Property(tries = 300)
  void flippingAnyPayloadBitBreaksTheSignature(
      @ForAll("payloads") byte[] payload, @ForAll @IntRange(min = 0, max = 4095) int bit) {
    byte[] signature = KEY.sign(payload);
    byte[] tampered = payload.clone();
    int position = bit % (payload.length * 8);
    tampered[position / 8] ^= (byte) (1 << (position % 8));
    assertThat(KEY.publicKey().verify(tampered, signature)).isFalse();
  }

  @Property(tries = 300)
  void flippingAnySignatureBitBreaksTheSignature(
      @ForAll("payloads") byte[] payload, @ForAll @IntRange(min = 0, max = 511) int bit) {
    byte[] signature = KEY.sign(payload);
    signature[bit / 8] ^= (byte) (1 << (bit % 8));
    assertThat(KEY.publicKey().verify(payload, signature)).isFalse();
  }

  @Property(tries = 300)
  void flippingAnyPublicKeyBitBreaksTheSignature(
      @ForAll("payloads") byte[] payload, @ForAll @IntRange(min = 0, max = 255) int bit) {
    byte[] signature = KEY.sign(payload);
    byte[] keyBytes = KEY.publicKey().bytes();
    keyBytes[bit / 8] ^= (byte) (1 << (bit % 8));
    boolean verified;
    try {
      verified = PublicKey.of(keyBytes).verify(payload, signature);
    } catch (IllegalArgumentException notAPoint) {
      verified = false; // the flipped encoding is not even a curve point
    }
    assertThat(verified).isFalse();
  }

  @Property(tries = 50)
  void aSignatureOfOneKeyNeverVerifiesUnderAnother(
      @ForAll @Size(32) byte[] seed, @ForAll("payloads") byte[] payload) {
    SigningKey other = SigningKey.fromSeed(seed);
    if (other.publicKey().equals(KEY.publicKey())) {
      return;
    }
    assertThat(other.publicKey().verify(payload, KEY.sign(payload))).isFalse();
  }

  @Property(tries = 20)
  void freshKeysSignAndVerify(@ForAll long seed, @ForAll("payloads") byte[] payload) {
    SigningKey key = SigningKey.generate(new java.security.SecureRandom(longBytes(seed)));
    assertThat(key.publicKey().verify(payload, key.sign(payload))).isTrue();
  }

  private static byte[] longBytes(long value) {
    byte[] bytes = new byte[8];
    new Random(value).nextBytes(bytes);
    return bytes;
  }
}
