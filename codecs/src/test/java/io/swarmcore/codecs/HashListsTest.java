package io.swarmcore.codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HashListsTest {
  @Test
  void packedHashesUnpackInOrder() {
    Random random = new Random(3);
    List<ByteString> hashes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      byte[] hash = new byte[32];
      random.nextBytes(hash);
      hashes.add(ByteString.copyFrom(hash));
    }
    byte[] packed = HashLists.pack(hashes);
    assertThat(packed).hasSize(160);
    assertThat(HashLists.unpack(packed)).containsExactlyElementsOf(hashes);
    assertThat(HashLists.unpack(HashLists.pack(List.of()))).isEmpty();
  }

  @Test
  void anythingButWholeHashesIsRefused() {
    assertThatThrownBy(() -> HashLists.unpack(new byte[33]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multiple of 32 bytes, got 33");
    assertThatThrownBy(() -> HashLists.pack(List.of(ByteString.copyFromUtf8("short"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hash 0 is 5 bytes");
  }
}
