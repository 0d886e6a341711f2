package io.swarmcore.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Verifies inclusion and consistency proofs (RFC 9162 §2.1.3.2 and §2.1.4.2) from the proof alone:
 * no store, no trust in whoever produced it. Clients and the receipt verifier use this.
 */
public final class MerkleVerifier {
  private MerkleVerifier() {}

  /**
   * Checks that {@code leafHash} is leaf {@code index} of the tree of {@code size} whose root is
   * {@code root}.
   *
   * @throws ProofException saying which check failed
   */
  public static void checkInclusion(
      byte[] leafHash, long index, long size, List<byte[]> path, byte[] root)
      throws ProofException {
    if (index < 0 || index >= size) {
      throw new ProofException("leaf index " + index + " is outside a tree of size " + size);
    }
    checkHashes(path);
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : path) {
      if (sn == 0) {
        throw new ProofException("the path is longer than a tree of size " + size + " allows");
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = MerkleHash.node(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = MerkleHash.node(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      throw new ProofException("the path is shorter than a tree of size " + size + " needs");
    }
    if (!Arrays.equals(r, root)) {
      throw new ProofException("the path leads to a different root");
    }
  }

  public static boolean verifyInclusion(
      byte[] leafHash, long index, long size, List<byte[]> path, byte[] root) {
    try {
      checkInclusion(leafHash, index, size, path, root);
      return true;
    } catch (ProofException e) {
      return false;
    }
  }

  /**
   * Checks that the tree of {@code oldSize} with root {@code oldRoot} is a prefix of the tree of
   * {@code newSize} with root {@code newRoot}.
   *
   * @throws ProofException saying which check failed
   */
  public static void checkConsistency(
      long oldSize, long newSize, List<byte[]> proof, byte[] oldRoot, byte[] newRoot)
      throws ProofException {
    if (oldSize < 0 || oldSize > newSize) {
      throw new ProofException(
          "sizes must satisfy 0 <= old <= new, got " + oldSize + " and " + newSize);
    }
    checkHashes(proof);
    if (oldSize == newSize || oldSize == 0) {
      if (!proof.isEmpty()) {
        throw new ProofException("the proof must be empty for old size " + oldSize);
      }
      byte[] expected = oldSize == 0 ? MerkleHash.emptyRoot() : newRoot;
      if (!Arrays.equals(oldRoot, expected)) {
        throw new ProofException(
            oldSize == 0
                ? "the old root is not the empty root"
                : "equal sizes with different roots");
      }
      return;
    }
    if (proof.isEmpty()) {
      throw new ProofException("the proof is empty");
    }
    List<byte[]> path = new ArrayList<>(proof);
    if (Long.bitCount(oldSize) == 1) {
      path.add(0, oldRoot);
    }
    long fn = oldSize - 1;
    long sn = newSize - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    for (byte[] c : path.subList(1, path.size())) {
      if (sn == 0) {
        throw new ProofException("the proof is longer than the sizes allow");
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = MerkleHash.node(c, fr);
        sr = MerkleHash.node(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        sr = MerkleHash.node(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      throw new ProofException("the proof is shorter than the sizes need");
    }
    if (!Arrays.equals(fr, oldRoot)) {
      throw new ProofException("the proof does not lead to the old root");
    }
    if (!Arrays.equals(sr, newRoot)) {
      throw new ProofException("the proof does not lead to the new root");
    }
  }

  public static boolean verifyConsistency(
      long oldSize, long newSize, List<byte[]> proof, byte[] oldRoot, byte[] newRoot) {
    try {
      checkConsistency(oldSize, newSize, proof, oldRoot, newRoot);
      return true;
    } catch (ProofException e) {
      return false;
    }
  }

  private static void checkHashes(List<byte[]> hashes) throws ProofException {
    for (int i = 0; i < hashes.size(); i++) {
      if (hashes.get(i) == null || hashes.get(i).length != MerkleHash.LENGTH) {
        throw new ProofException("proof hash " + i + " is not " + MerkleHash.LENGTH + " bytes");
      }
    }
  }
}
