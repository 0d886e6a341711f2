package io.swarmcore.mempool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.swarmcore.crypto.LinkKeys;
import io.swarmcore.crypto.PublicKey;
import io.swarmcore.crypto.SigningKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A confirmation travels as packed hashes; the hex form of older builds is still understood. */
class HeldConfirmationTest {
  private final SecureRandom random = new SecureRandom();
  private final SigningKey holder = SigningKey.generate(random);
  private final SigningKey origin = SigningKey.generate(random);
  private final Map<String, PublicKey> validators =
      Map.of("h", holder.publicKey(), "o", origin.publicKey());

  private ByteString hash() {
    byte[] hash = new byte[32];
    random.nextBytes(hash);
    return ByteString.copyFrom(hash);
  }

  private HeldConfirmation verifiedAtOrigin(Object body, int maxHashes) {
    return HeldConfirmation.verified(
        body, "o", maxHashes, LinkKeys.of(origin), id -> Optional.ofNullable(validators.get(id)));
  }

  @Test
  void aSealedConfirmationIsVerifiedByItsOriginWithItsHashesInOrder() {
    List<ByteString> hashes = List.of(hash(), hash(), hash());
    JsonObject sealed =
        HeldConfirmation.sealed("h", "o", hashes, LinkKeys.of(holder), origin.publicKey());
    assertThat(sealed.containsKey("packed")).isTrue();
    HeldConfirmation confirmation = verifiedAtOrigin(sealed, 10);
    assertThat(confirmation.from()).isEqualTo("h");
    assertThat(confirmation.hashes()).containsExactlyElementsOf(hashes);
  }

  @Test
  void theHexFormOfOlderBuildsIsStillTakenWithTheSameMac() {
    List<ByteString> hashes = List.of(hash(), hash());
    JsonObject sealed =
        HeldConfirmation.sealed("h", "o", hashes, LinkKeys.of(holder), origin.publicKey());
    JsonArray hex = new JsonArray();
    hashes.forEach(hash -> hex.add(HexFormat.of().formatHex(hash.toByteArray())));
    JsonObject older =
        new JsonObject().put("from", "h").put("hashes", hex).put("mac", sealed.getString("mac"));
    assertThat(verifiedAtOrigin(older, 10).hashes()).containsExactlyElementsOf(hashes);
  }

  @Test
  void tooManyHashesBrokenPackingAndChangedHashesAreRefused() {
    List<ByteString> hashes = List.of(hash(), hash(), hash());
    JsonObject sealed =
        HeldConfirmation.sealed("h", "o", hashes, LinkKeys.of(holder), origin.publicKey());
    assertThatThrownBy(() -> verifiedAtOrigin(sealed, 2))
        .hasMessageContaining("more than 2 hashes");
    assertThatThrownBy(() -> verifiedAtOrigin(sealed.copy().put("packed", "AAAA"), 10))
        .hasMessageContaining("32-byte hashes");
    JsonObject reordered =
        HeldConfirmation.sealed(
                "h",
                "o",
                List.of(hashes.get(1), hashes.get(0)),
                LinkKeys.of(holder),
                origin.publicKey())
            .put("mac", sealed.getString("mac"));
    assertThatThrownBy(() -> verifiedAtOrigin(reordered, 10)).hasMessageContaining("bad mac");
    assertThatThrownBy(() -> verifiedAtOrigin(new JsonObject().put("from", "h").put("mac", ""), 10))
        .hasMessageContaining("expected");
  }
}
