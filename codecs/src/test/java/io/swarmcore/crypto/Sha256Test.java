package io.swarmcore.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Sha256Test {
  private static final String ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; // FIPS 180-2, B.1

  @Test
  void hashesTheFipsVector() {
    assertThat(HexFormat.of().formatHex(Sha256.hash("abc".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo(ABC);
  }

  @Test
  void hashesPartsAsTheirConcatenation() {
    byte[] whole = Sha256.hash("abc".getBytes(StandardCharsets.US_ASCII));
    assertThat(Sha256.hash(new byte[] {'a'}, new byte[] {'b', 'c'})).isEqualTo(whole);
    assertThat(Sha256.hash(new byte[] {'x', 'a', 'b', 'c', 'y'}, 1, 3)).isEqualTo(whole);
  }
}
