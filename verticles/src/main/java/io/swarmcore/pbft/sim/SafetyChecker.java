package io.swarmcore.pbft.sim;

import com.google.protobuf.ByteString;
import io.swarmcore.pbft.core.Quorums;
import io.swarmcore.pbft.core.ReplicaOutput.Finalize;
import io.swarmcore.pbft.core.Slot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The simulator's safety checks on what honest replicas finalize: agreement (one block per height),
 * validity (the block was proposed and its certificate holds a quorum of valid signatures), and no
 * loss (every finalized block extends the one finalized below it, so nothing finalized earlier is
 * replaced later).
 */
final class SafetyChecker {
  private final Quorums quorums;
  private final SimKeys keys;
  private final Set<ByteString> proposed;
  private final Map<Long, ByteString> canonical = new HashMap<>();
  private final List<String> violations = new ArrayList<>();

  SafetyChecker(Quorums quorums, SimKeys keys, Set<ByteString> proposed, ByteString genesis) {
    this.quorums = quorums;
    this.keys = keys;
    this.proposed = proposed;
    canonical.put(0L, genesis);
  }

  List<String> violations() {
    return violations;
  }

  void finalized(int replica, Finalize<SimBlock, SimSignature> finalize) {
    long height = finalize.sequence();
    SimBlock block = finalize.block();
    ByteString digest = block.digest();
    agree(replica, height, digest, "finalized");
    ByteString below = canonical.get(height - 1);
    if (below != null && !below.equals(block.parent())) {
      violations.add(
          "replica "
              + replica
              + " finalized a block at "
              + height
              + " that does not extend the final block at "
              + (height - 1));
    }
    if (!proposed.contains(digest)) {
      violations.add("replica " + replica + " finalized a block at " + height + " nobody proposed");
    }
    checkCertificate(replica, height, digest, finalize.path(), finalize.certificate());
  }

  /** The highest height up to which honest replicas finalized every block, and its digest. */
  java.util.Map.Entry<Long, ByteString> finalTip() {
    long height = 0;
    while (canonical.containsKey(height + 1)) {
      height++;
    }
    return java.util.Map.entry(height, canonical.get(height));
  }

  ByteString digestAt(long height) {
    return canonical.get(height);
  }

  void fetched(int replica, long height, ByteString digest) {
    agree(replica, height, digest, "fetched");
  }

  private void agree(int replica, long height, ByteString digest, String how) {
    ByteString earlier = canonical.putIfAbsent(height, digest);
    if (earlier != null && !earlier.equals(digest)) {
      violations.add(
          "agreement: replica "
              + replica
              + " "
              + how
              + " "
              + hex(digest)
              + " at height "
              + height
              + ", another honest replica has "
              + hex(earlier));
    }
  }

  private void checkCertificate(
      int replica, long height, ByteString digest, Slot.Path path, List<SimSignature> proofs) {
    String kind = path == Slot.Path.FAST ? "PREPARE" : "COMMIT";
    int needed = path == Slot.Path.FAST ? quorums.fastQuorum() : quorums.slowQuorum();
    Set<Integer> signers = new HashSet<>();
    Long view = null;
    for (SimSignature proof : proofs) {
      if (!(proof.content() instanceof SimKeys.Vote vote)
          || !keys.verifies(proof, vote)
          || !vote.kind().equals(kind)
          || vote.sequence() != height
          || !vote.digest().equals(digest)
          || (view != null && vote.view() != view)) {
        violations.add(
            "replica " + replica + " holds an invalid " + path + " certificate at " + height);
        return;
      }
      view = vote.view();
      signers.add(proof.signer());
    }
    if (signers.size() < needed) {
      violations.add(
          "replica "
              + replica
              + "'s "
              + path
              + " certificate at "
              + height
              + " has "
              + signers.size()
              + " signers, needs "
              + needed);
    }
  }

  private static String hex(ByteString digest) {
    String hex = java.util.HexFormat.of().formatHex(digest.toByteArray());
    return hex.substring(0, Math.min(12, hex.length()));
  }
}
