package io.swarmcore.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.crypto.Sha256;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every section of the RFC 9162 / Certificate Transparency vectors, byte for byte. */
class Rfc9162VectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static JsonObject vectors;
  private static JsonObject ct8;
  private static MerkleTree tree8;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in = Rfc9162VectorsTest.class.getResourceAsStream("/vectors/rfc9162.json")) {
      vectors = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    ct8 = vectors.getJsonObject("ct8");
    tree8 = MerkleTree.of(hexList(ct8.getJsonArray("leaves_hex")));
  }

  @Test
  void hasherKnownAnswers() {
    JsonObject hasher = vectors.getJsonObject("hasher");
    assertThat(HEX.formatHex(MerkleHash.emptyRoot())).isEqualTo(hasher.getString("empty_root"));
    for (JsonObject leaf : objects(hasher.getJsonArray("leaf_hashes"))) {
      assertThat(HEX.formatHex(MerkleHash.leaf(HEX.parseHex(leaf.getString("input")))))
          .isEqualTo(leaf.getString("output"));
    }
    for (JsonObject node : objects(hasher.getJsonArray("node_hashes"))) {
      byte[] hash =
          MerkleHash.node(
              HEX.parseHex(node.getString("left")), HEX.parseHex(node.getString("right")));
      assertThat(HEX.formatHex(hash)).isEqualTo(node.getString("output"));
    }
  }

  @Test
  void rootsOfEverySize() {
    JsonArray roots = ct8.getJsonArray("roots_by_size");
    assertThat(HEX.formatHex(MerkleHash.emptyRoot())).isEqualTo(ct8.getString("empty_root"));
    for (int size = 0; size < roots.size(); size++) {
      assertThat(HEX.formatHex(tree8.root(size)))
          .as("root of size %d", size)
          .isEqualTo(roots.getString(size));
    }
  }

  @Test
  void nodeHashesByLevel() {
    JsonArray levels = ct8.getJsonObject("node_hashes_by_level").getJsonArray("levels");
    for (int level = 0; level < levels.size(); level++) {
      JsonArray nodes = levels.getJsonArray(level);
      for (int index = 0; index < nodes.size(); index++) {
        assertThat(HEX.formatHex(tree8.perfect(level, index))).isEqualTo(nodes.getString(index));
      }
    }
  }

  @Test
  void compactRangesAreTheFrontier() {
    JsonArray levels = ct8.getJsonObject("node_hashes_by_level").getJsonArray("levels");
    JsonArray bySize = ct8.getJsonObject("compact_ranges").getJsonArray("by_size");
    for (int size = 0; size < bySize.size(); size++) {
      List<String> expected = new ArrayList<>();
      for (Object position : bySize.getJsonArray(size)) {
        JsonArray at = (JsonArray) position;
        expected.add(levels.getJsonArray(at.getInteger(0)).getString(at.getInteger(1)));
      }
      MerkleFrontier frontier = MerkleFrontier.restore(size, tree8);
      assertThat(frontier.subtreeHashes())
          .extracting(HEX::formatHex)
          .containsExactlyElementsOf(expected);
    }
  }

  @Test
  void levelCounts() {
    JsonArray counts = ct8.getJsonObject("level_counts").getJsonArray("sizes_1_to_8");
    for (int size = 1; size <= counts.size(); size++) {
      assertThat(Subtrees.levelCount(size))
          .as("levels of size %d", size)
          .isEqualTo(counts.getInteger(size - 1));
    }
  }

  @Test
  void inclusionProofs() throws ProofException {
    JsonArray roots = ct8.getJsonArray("roots_by_size");
    for (JsonObject vector : objects(ct8.getJsonArray("inclusion_proofs"))) {
      long index = vector.getLong("index");
      long size = vector.getLong("tree_size");
      List<byte[]> expected = hexList(vector.getJsonArray("proof"));
      List<byte[]> proof = tree8.inclusionProof(index, size);
      assertThat(proof).extracting(HEX::formatHex).containsExactlyElementsOf(hexStrings(expected));
      MerkleVerifier.checkInclusion(
          tree8.perfect(0, index),
          index,
          size,
          expected,
          HEX.parseHex(roots.getString((int) size)));
    }
  }

  @Test
  void consistencyProofs() throws ProofException {
    JsonArray roots = ct8.getJsonArray("roots_by_size");
    for (JsonObject vector : objects(ct8.getJsonArray("consistency_proofs"))) {
      long first = vector.getLong("first");
      long second = vector.getLong("second");
      List<byte[]> expected = hexList(vector.getJsonArray("proof"));
      assertThat(tree8.consistencyProof(first, second))
          .extracting(HEX::formatHex)
          .containsExactlyElementsOf(hexStrings(expected));
      MerkleVerifier.checkConsistency(
          first,
          second,
          expected,
          HEX.parseHex(roots.getString((int) first)),
          HEX.parseHex(roots.getString((int) second)));
    }
  }

  @Test
  void rollingSubtreeHashes() {
    JsonObject rolling = vectors.getJsonObject("mtc_subtree_rolling");
    MerkleTree tree = rollingTree(rolling.getInteger("max_leaves"));
    int max = rolling.getInteger("max_leaves");
    StringBuilder lines = new StringBuilder();
    for (long end = 1; end <= max; end++) {
      for (long start = 0; start < end; start++) {
        if (Subtrees.isValid(start, end)) {
          lines.append('[').append(start).append(", ").append(end).append(") ");
          lines.append(HEX.formatHex(Subtrees.hash(start, end, tree))).append('\n');
        }
      }
    }
    assertThat(digest(lines)).isEqualTo(rolling.getJsonObject("subtree_hash").getString("want"));
  }

  @Test
  void rollingSubtreeInclusionProofs() {
    JsonObject rolling = vectors.getJsonObject("mtc_subtree_rolling");
    int max = rolling.getInteger("max_leaves");
    MerkleTree tree = rollingTree(max);
    StringBuilder lines = new StringBuilder();
    for (long end = 1; end <= max; end++) {
      for (long start = 0; start < end; start++) {
        if (!Subtrees.isValid(start, end)) {
          continue;
        }
        for (long index = start; index < end; index++) {
          lines.append(index).append(" [").append(start).append(", ").append(end).append(')');
          appendHashes(lines, MerkleProofs.subtreeInclusion(index, start, end, tree));
        }
      }
    }
    assertThat(digest(lines))
        .isEqualTo(rolling.getJsonObject("subtree_inclusion_proof").getString("want"));
  }

  @Test
  void rollingConsistencyProofsUpTo130() {
    JsonObject rolling = vectors.getJsonObject("mtc_subtree_rolling");
    int max = rolling.getInteger("max_leaves");
    MerkleTree tree = rollingTree(max);
    StringBuilder lines = new StringBuilder();
    for (long n = 0; n <= max; n++) {
      for (long end = 1; end <= n; end++) {
        for (long start = 0; start < end; start++) {
          if (!Subtrees.isValid(start, end)) {
            continue;
          }
          lines.append('[').append(start).append(", ").append(end).append(") ").append(n);
          appendHashes(lines, MerkleProofs.subtreeConsistency(start, end, n, tree));
        }
      }
    }
    assertThat(digest(lines))
        .isEqualTo(rolling.getJsonObject("subtree_consistency_proof").getString("want"));
  }

  private static MerkleTree rollingTree(int leaves) {
    MerkleTree tree = new MerkleTree();
    for (int i = 0; i < leaves; i++) {
      tree.appendData(new byte[] {(byte) i});
    }
    return tree;
  }

  private static void appendHashes(StringBuilder lines, List<byte[]> hashes) {
    for (byte[] hash : hashes) {
      lines.append(' ').append(HEX.formatHex(hash));
    }
    lines.append('\n');
  }

  private static String digest(StringBuilder lines) {
    return HEX.formatHex(Sha256.hash(lines.toString().getBytes(StandardCharsets.US_ASCII)));
  }

  private static List<JsonObject> objects(JsonArray array) {
    return array.stream().map(JsonObject.class::cast).toList();
  }

  private static List<byte[]> hexList(JsonArray array) {
    return array.stream().map(String.class::cast).map(HEX::parseHex).toList();
  }

  private static List<String> hexStrings(List<byte[]> hashes) {
    return hashes.stream().map(HEX::formatHex).toList();
  }
}
