package io.swarmcore.crypto.vrf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VrfSuiteTest {

  @Test
  void suitesCarryTheirRfc9381Parameters() {
    VrfSuite p256 = VrfSuite.P256_SHA256_TAI;
    assertThat(p256.suiteString()).isEqualTo((byte) 0x01);
    assertThat(p256.publicKeyLength()).isEqualTo(33);
    assertThat(p256.secretKeyLength()).isEqualTo(32);
    assertThat(p256.proofLength()).isEqualTo(81);
    assertThat(p256.hashLength()).isEqualTo(32);
    VrfSuite edwards = VrfSuite.EDWARDS25519_SHA512_TAI;
    assertThat(edwards.suiteString()).isEqualTo((byte) 0x03);
    assertThat(edwards.publicKeyLength()).isEqualTo(32);
    assertThat(edwards.secretKeyLength()).isEqualTo(32);
    assertThat(edwards.proofLength()).isEqualTo(80);
    assertThat(edwards.hashLength()).isEqualTo(64);
  }

  @ParameterizedTest
  @EnumSource(VrfSuite.class)
  void eachSuiteHasItsOwnImplementation(VrfSuite suite) {
    assertThat(suite.vrf().suite()).isSameAs(suite);
    assertThat(suite.vrf()).isSameAs(suite.vrf());
  }

  @Test
  void namesAreMatchedIgnoringCase() {
    assertThat(VrfSuite.fromName("P256_SHA256_TAI")).isEqualTo(VrfSuite.P256_SHA256_TAI);
    assertThat(VrfSuite.fromName("p256_sha256_tai")).isEqualTo(VrfSuite.P256_SHA256_TAI);
    assertThat(VrfSuite.fromName("EDWARDS25519_SHA512_TAI"))
        .isEqualTo(VrfSuite.EDWARDS25519_SHA512_TAI);
    assertThat(VrfSuite.fromName("Edwards25519_Sha512_Tai"))
        .isEqualTo(VrfSuite.EDWARDS25519_SHA512_TAI);
  }

  @Test
  void unknownNamesListTheValidChoices() {
    assertThatThrownBy(() -> VrfSuite.fromName("EDWARDS25519_SHA512_ELL2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unknown VRF suite \"EDWARDS25519_SHA512_ELL2\"; valid suites are P256_SHA256_TAI,"
                + " EDWARDS25519_SHA512_TAI");
    assertThatThrownBy(() -> VrfSuite.fromName(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("P256_SHA256_TAI, EDWARDS25519_SHA512_TAI");
  }

  @ParameterizedTest
  @EnumSource(VrfSuite.class)
  void generatedKeyPairsHaveTheSuiteLengthsAndAgreeWithPublicKey(VrfSuite suite) {
    VrfKeyPair keys = suite.vrf().generate(new SecureRandom());
    assertThat(keys.suite()).isEqualTo(suite);
    assertThat(keys.secretKey()).hasSize(suite.secretKeyLength());
    assertThat(keys.publicKey())
        .hasSize(suite.publicKeyLength())
        .isEqualTo(suite.vrf().publicKey(keys.secretKey()));
  }

  @Test
  void keyPairsAreImmutableAndNeverPrintTheSecret() {
    byte[] secret = new byte[32];
    java.util.Arrays.fill(secret, (byte) 0x5A);
    byte[] publicKey = VrfSuite.P256_SHA256_TAI.vrf().publicKey(secret);
    VrfKeyPair keys = new VrfKeyPair(VrfSuite.P256_SHA256_TAI, secret, publicKey);
    secret[31] = 8;
    keys.secretKey()[31] = 9;
    assertThat(keys.secretKey()[31]).isEqualTo((byte) 0x5A);
    assertThat(keys.toString()).doesNotContain("5a5a5a").contains("P256_SHA256_TAI");
    assertThat(keys)
        .isEqualTo(new VrfKeyPair(VrfSuite.P256_SHA256_TAI, keys.secretKey(), publicKey));
  }

  @ParameterizedTest
  @EnumSource(VrfSuite.class)
  void implementationsAreSafeToShareBetweenThreads(VrfSuite suite) throws Exception {
    Vrf vrf = suite.vrf();
    List<byte[]> secretKeys =
        IntStream.range(0, 16).mapToObj(i -> vrf.generate(new SecureRandom()).secretKey()).toList();
    List<String> sequential = secretKeys.stream().map(sk -> proveAndVerify(vrf, sk)).toList();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> parallel = new ArrayList<>();
      for (int round = 0; round < 4; round++) {
        for (byte[] sk : secretKeys) {
          parallel.add(pool.submit(() -> proveAndVerify(vrf, sk)));
        }
      }
      for (int i = 0; i < parallel.size(); i++) {
        assertThat(parallel.get(i).get()).isEqualTo(sequential.get(i % secretKeys.size()));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static String proveAndVerify(Vrf vrf, byte[] secretKey) {
    byte[] alpha = {1, 2, 3};
    try {
      byte[] beta = vrf.verify(vrf.publicKey(secretKey), alpha, vrf.prove(secretKey, alpha));
      return HexFormat.of().formatHex(beta);
    } catch (VrfException e) {
      throw new AssertionError(e);
    }
  }
}
