package io.swarmcore.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swarmcore.crypto.Sha256;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecentHashesTest {
  private static ByteString random(Random random, int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return ByteString.copyFrom(bytes);
  }

  @Test
  void everyAnswerIsTheDigestAcrossGenerationChanges() {
    // A budget of a few entries: the generations turn over many times.
    RecentHashes hashes = new RecentHashes(1_000, 300);
    Random random = new Random(11);
    List<ByteString> inputs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      inputs.add(random(random, random.nextInt(400)));
    }
    for (int round = 0; round < 3; round++) {
      for (ByteString input : inputs) {
        assertThat(hashes.hash(input)).isEqualTo(Sha256.hash(input.toByteArray()));
      }
    }
  }

  @Test
  void anEqualCopyIsFoundAndTheAnswerCannotBeChangedByACaller() {
    RecentHashes hashes = new RecentHashes(1 << 20, 4_096);
    ByteString original = ByteString.copyFromUtf8("a transaction");
    byte[] first = hashes.hash(original);
    first[0] ^= 1; // a careless caller
    byte[] again = hashes.hash(ByteString.copyFrom(original.toByteArray()));
    assertThat(again).isEqualTo(Sha256.hash(original.toByteArray()));
    assertThat(hashes.digestsComputed()).as("the copy was found, not hashed").isEqualTo(1);
  }

  @Test
  void largeInputsAreHashedEachTimeAndOldOnesAreForgotten() {
    RecentHashes hashes = new RecentHashes(1_000, 300);
    ByteString large = ByteString.copyFrom(new byte[301]);
    hashes.hash(large);
    hashes.hash(large);
    assertThat(hashes.digestsComputed()).isEqualTo(2);
    ByteString first = ByteString.copyFromUtf8("first");
    hashes.hash(first);
    Random random = new Random(1);
    for (int i = 0; i < 20; i++) {
      hashes.hash(random(random, 100)); // two generations' worth and more
    }
    long before = hashes.digestsComputed();
    hashes.hash(first);
    assertThat(hashes.digestsComputed()).as("forgotten: hashed again").isEqualTo(before + 1);
  }

  @Test
  void inputsWithCollidingHashCodesAreStillFoundAndAnsweredRight() {
    // ByteString.hashCode is h*31+b: raising one byte by 1 and lowering the next by 31 keeps it.
    RecentHashes hashes = new RecentHashes(64 << 20, 4_096);
    List<ByteString> colliding = new ArrayList<>();
    for (int i = 0; i < 2_187; i++) { // 3^7: a step of 0, 1 or 2 at each of 7 byte pairs
      byte[] bytes = new byte[128];
      java.util.Arrays.fill(bytes, (byte) 64);
      int steps = i;
      for (int pair = 0; pair < 7; pair++, steps /= 3) {
        bytes[2 * pair] += (byte) (steps % 3);
        bytes[2 * pair + 1] -= (byte) (31 * (steps % 3));
      }
      colliding.add(ByteString.copyFrom(bytes));
    }
    assertThat(colliding.stream().map(ByteString::hashCode).distinct().count()).isEqualTo(1);
    for (ByteString input : colliding) {
      assertThat(hashes.hash(input)).isEqualTo(Sha256.hash(input.toByteArray()));
    }
    long computed = hashes.digestsComputed();
    for (ByteString input : colliding) {
      hashes.hash(input);
    }
    assertThat(hashes.digestsComputed()).isEqualTo(computed);
  }

  @Test
  void theLedgerHashOfATransactionIsSha256OfItsBytes() {
    ByteString transaction = random(new Random(5), 128);
    assertThat(LedgerHashes.transaction(transaction))
        .isEqualTo(Sha256.hash(transaction.toByteArray()))
        .isEqualTo(LedgerHashes.transaction(transaction));
  }

  @Test
  void aRememberedTxRootIsTheTreeRootOfItsHashes() {
    for (int round = 0; round < 2; round++) {
      for (int size : new int[] {0, 1, 2, 3, 7, 64, 100}) {
        Random sized = new Random(size);
        List<byte[]> hashes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
          byte[] hash = new byte[32];
          sized.nextBytes(hash);
          hashes.add(hash);
        }
        byte[] root = LedgerHashes.txRoot(hashes);
        assertThat(root).isEqualTo(io.swarmcore.merkle.MerkleTree.of(hashes).root());
        root[0] ^= 1; // a careless caller changes nothing remembered
      }
    }
    // Not a list of 32-byte hashes: computed as it is.
    List<byte[]> odd = List.of(new byte[] {1}, new byte[] {2, 3});
    assertThat(LedgerHashes.txRoot(odd)).isEqualTo(io.swarmcore.merkle.MerkleTree.of(odd).root());
  }
}
