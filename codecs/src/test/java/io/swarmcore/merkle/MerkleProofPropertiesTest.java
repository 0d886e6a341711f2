package io.swarmcore.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class MerkleProofPropertiesTest {
  private static final MerkleTree TREE = tree(1500);

  private static MerkleTree tree(int leaves) {
    MerkleTree tree = new MerkleTree();
    for (int i = 0; i < leaves; i++) {
      tree.appendData(("leaf-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return tree;
  }

  @Property(tries = 300)
  void anInclusionProofVerifiesAgainstItsRoot(
      @ForAll @IntRange(min = 1, max = 1500) int size,
      @ForAll @IntRange(min = 0, max = 1499) int i) {
    Assume.that(i < size);
    List<byte[]> path = TREE.inclusionProof(i, size);
    assertThat(MerkleVerifier.verifyInclusion(TREE.perfect(0, i), i, size, path, TREE.root(size)))
        .isTrue();
  }

  @Property(tries = 300)
  void aCorruptedOrMisplacedInclusionProofFails(
      @ForAll @IntRange(min = 2, max = 1500) int size,
      @ForAll @IntRange(min = 0, max = 1499) int i,
      @ForAll @IntRange(min = 0, max = 10_000) int corruption) {
    Assume.that(i < size);
    byte[] leaf = TREE.perfect(0, i);
    byte[] root = TREE.root(size);
    List<byte[]> path = TREE.inclusionProof(i, size);

    List<byte[]> corrupted = flipOneBit(path, corruption);
    assertThat(MerkleVerifier.verifyInclusion(leaf, i, size, corrupted, root)).isFalse();
    assertThat(MerkleVerifier.verifyInclusion(leaf, (i + 1) % size, size, path, root)).isFalse();
    // A size is only meaningful with its root (a certified checkpoint names both).
    assertThat(MerkleVerifier.verifyInclusion(leaf, i, size - 1, path, TREE.root(size - 1)))
        .isFalse();
    assertThat(MerkleVerifier.verifyInclusion(leaf, i, size, path, TREE.root(size - 1))).isFalse();
    assertThat(MerkleVerifier.verifyInclusion(TREE.perfect(0, (i + 1) % size), i, size, path, root))
        .isFalse();
  }

  @Property(tries = 300)
  void aConsistencyProofVerifies(
      @ForAll @IntRange(min = 1, max = 1500) int oldSize,
      @ForAll @IntRange(min = 1, max = 1500) int newSize) {
    Assume.that(oldSize <= newSize);
    List<byte[]> proof = TREE.consistencyProof(oldSize, newSize);
    assertThat(
            MerkleVerifier.verifyConsistency(
                oldSize, newSize, proof, TREE.root(oldSize), TREE.root(newSize)))
        .isTrue();
  }

  @Property(tries = 300)
  void aCorruptedOrMismatchedConsistencyProofFails(
      @ForAll @IntRange(min = 1, max = 1499) int oldSize,
      @ForAll @IntRange(min = 2, max = 1500) int newSize,
      @ForAll @IntRange(min = 0, max = 10_000) int corruption) {
    Assume.that(oldSize < newSize);
    byte[] oldRoot = TREE.root(oldSize);
    byte[] newRoot = TREE.root(newSize);
    List<byte[]> proof = TREE.consistencyProof(oldSize, newSize);

    assertThat(
            MerkleVerifier.verifyConsistency(
                oldSize, newSize, flipOneBit(proof, corruption), oldRoot, newRoot))
        .isFalse();
    assertThat(MerkleVerifier.verifyConsistency(oldSize, newSize, proof, newRoot, newRoot))
        .isFalse();
    assertThat(MerkleVerifier.verifyConsistency(oldSize, newSize, proof, oldRoot, oldRoot))
        .isFalse();
    // A size is only meaningful with its root (a certified checkpoint names both).
    assertThat(
            MerkleVerifier.verifyConsistency(
                oldSize + 1, newSize, proof, TREE.root(oldSize + 1), newRoot))
        .isFalse();
    assertThat(
            MerkleVerifier.verifyConsistency(
                oldSize, newSize - 1, proof, oldRoot, TREE.root(newSize - 1)))
        .isFalse();
  }

  @Property(tries = 100)
  void theFrontierRootEqualsTheRecursiveRoot(@ForAll @IntRange(min = 0, max = 1500) int size) {
    MerkleFrontier frontier = MerkleFrontier.restore(size, TREE);
    assertThat(frontier.root()).isEqualTo(TREE.root(size));
    if (size < 1500) {
      frontier.append(TREE.perfect(0, size));
      assertThat(frontier.root()).isEqualTo(TREE.root(size + 1));
    }
  }

  private static List<byte[]> flipOneBit(List<byte[]> hashes, int corruption) {
    List<byte[]> copy = new ArrayList<>();
    hashes.forEach(h -> copy.add(h.clone()));
    int bits = copy.size() * MerkleHash.LENGTH * 8;
    int bit = corruption % bits;
    copy.get(bit / (MerkleHash.LENGTH * 8))[(bit / 8) % MerkleHash.LENGTH] ^=
        (byte) (1 << (bit % 8));
    return copy;
  }
}
