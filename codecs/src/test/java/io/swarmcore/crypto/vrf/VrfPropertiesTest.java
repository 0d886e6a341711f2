package io.swarmcore.crypto.vrf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** Algebraic facts of ECVRF for both suites, over random keys and inputs. */
class VrfPropertiesTest {

  /** A key pair drawn by {@link Vrf#generate} from a DRBG seeded with {@code seed}. */
  static VrfKeyPair keyPair(VrfSuite suite, long seed) {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(ByteBuffer.allocate(Long.BYTES).putLong(seed).array()); // seeded: reproducible
      return suite.vrf().generate(random);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Property(tries = 60)
  void proveThenVerifyReturnsProofToHash(
      @ForAll VrfSuite suite, @ForAll long seed, @ForAll @Size(max = 200) byte[] alpha)
      throws VrfException {
    VrfKeyPair keys = keyPair(suite, seed);
    Vrf vrf = suite.vrf();
    byte[] pi = vrf.prove(keys.secretKey(), alpha);
    assertThat(pi).hasSize(suite.proofLength());
    byte[] beta = vrf.verify(keys.publicKey(), alpha, pi);
    assertThat(beta).hasSize(suite.hashLength()).isEqualTo(vrf.proofToHash(pi));
  }

  @Property(tries = 30)
  void provingIsDeterministicAndTheKeyPairIsConsistent(
      @ForAll VrfSuite suite, @ForAll long seed, @ForAll @Size(max = 64) byte[] alpha) {
    VrfKeyPair keys = keyPair(suite, seed);
    Vrf vrf = suite.vrf();
    assertThat(vrf.publicKey(keys.secretKey())).isEqualTo(keys.publicKey());
    assertThat(vrf.prove(keys.secretKey(), alpha)).isEqualTo(vrf.prove(keys.secretKey(), alpha));
  }

  @Property(tries = 60)
  void flippingAnyBitOfPiBreaksVerification(
      @ForAll VrfSuite suite,
      @ForAll long seed,
      @ForAll @Size(max = 64) byte[] alpha,
      @ForAll @IntRange(min = 0, max = 81 * 8 - 1) int bit) {
    VrfKeyPair keys = keyPair(suite, seed);
    byte[] pi = suite.vrf().prove(keys.secretKey(), alpha);
    int position = bit % (pi.length * 8);
    pi[position / 8] ^= (byte) (1 << (position % 8));
    assertThatThrownBy(() -> suite.vrf().verify(keys.publicKey(), alpha, pi))
        .isInstanceOf(VrfException.class);
  }

  @Property(tries = 60)
  void flippingAnyBitOfAlphaBreaksVerification(
      @ForAll VrfSuite suite,
      @ForAll long seed,
      @ForAll @Size(min = 1, max = 64) byte[] alpha,
      @ForAll @IntRange(min = 0, max = 64 * 8 - 1) int bit) {
    VrfKeyPair keys = keyPair(suite, seed);
    byte[] pi = suite.vrf().prove(keys.secretKey(), alpha);
    byte[] tampered = alpha.clone();
    int position = bit % (alpha.length * 8);
    tampered[position / 8] ^= (byte) (1 << (position % 8));
    assertThatThrownBy(() -> suite.vrf().verify(keys.publicKey(), tampered, pi))
        .isInstanceOf(VrfException.class)
        .hasMessage("challenge does not match");
  }

  @Property(tries = 60)
  void flippingAnyBitOfThePublicKeyBreaksVerification(
      @ForAll VrfSuite suite,
      @ForAll long seed,
      @ForAll @Size(max = 64) byte[] alpha,
      @ForAll @IntRange(min = 0, max = 33 * 8 - 1) int bit) {
    VrfKeyPair keys = keyPair(suite, seed);
    byte[] pi = suite.vrf().prove(keys.secretKey(), alpha);
    byte[] publicKey = keys.publicKey();
    int position = bit % (publicKey.length * 8);
    publicKey[position / 8] ^= (byte) (1 << (position % 8));
    assertThatThrownBy(() -> suite.vrf().verify(publicKey, alpha, pi))
        .isInstanceOf(VrfException.class);
  }

  @Property(tries = 30)
  void edwardsPublicKeysAreRfc8032PublicKeys(@ForAll @Size(32) byte[] seed) {
    byte[] expected = new byte[32];
    Ed25519.generatePublicKey(seed, 0, expected, 0);
    assertThat(VrfSuite.EDWARDS25519_SHA512_TAI.vrf().publicKey(seed)).isEqualTo(expected);
  }

  @Property(tries = 20)
  void differentAlphasGiveDifferentOutputs(
      @ForAll VrfSuite suite, @ForAll long seed, @ForAll @Size(max = 32) byte[] alpha)
      throws VrfException {
    VrfKeyPair keys = keyPair(suite, seed);
    Vrf vrf = suite.vrf();
    byte[] other = java.util.Arrays.copyOf(alpha, alpha.length + 1);
    assertThat(vrf.proofToHash(vrf.prove(keys.secretKey(), alpha)))
        .isNotEqualTo(vrf.proofToHash(vrf.prove(keys.secretKey(), other)));
  }
}
