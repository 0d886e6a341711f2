package io.swarmcore.pbft.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.pbft.core.ReplicaOutput.Finalize;
import io.swarmcore.pbft.core.ReplicaOutput.SendCommit;
import io.swarmcore.pbft.sim.SimBlock;
import io.swarmcore.pbft.sim.SimKeys;
import io.swarmcore.pbft.sim.SimSignature;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The commit grace waits for a fast quorum; when one has not formed for several blocks in a row (a
 * replica is down), a prepared replica commits at once, and waits again once blocks are fast.
 */
class AdaptiveCommitGraceTest {
  private static final long GRACE = 50;

  private final SimKeys keys = new SimKeys(4, 3);
  private final Quorums quorums = Quorums.of(4, 1);
  // Replica 1 follows leader 0; replica 3 is down, so no block gets the four PREPAREs.
  private final Replica<SimBlock, SimSignature> replica =
      new Replica<>(
          quorums,
          1,
          new Replica.Ports<>(v -> 0, SimBlock.FACTS, keys.signer(1), keys.verifier()),
          new Checkpoints<>(
              quorums, 16, 64, new Checkpoints.Stable<>(0, SimBlock.GENESIS, List.of())),
          new ProgressTimer(1_000, 8_000),
          new Replica.Start(0, 0, SimBlock.GENESIS),
          GRACE);
  private long now;
  private SimBlock parent;

  private SimSignature prepare(int signer, SimBlock block) {
    return keys.sign(signer, new SimKeys.Vote("PREPARE", 0, block.height(), block.digest()));
  }

  private SimSignature commit(int signer, SimBlock block) {
    return keys.sign(signer, new SimKeys.Vote("COMMIT", 0, block.height(), block.digest()));
  }

  /** Block {@code height} proposed and prepared with replicas 0, 1 and 2; what that produced. */
  private List<ReplicaOutput<SimBlock, SimSignature>> prepared(long height) {
    SimBlock block =
        new SimBlock(height, parent == null ? SimBlock.GENESIS : parent.digest(), "b" + height);
    parent = block;
    List<ReplicaOutput<SimBlock, SimSignature>> out = new ArrayList<>();
    out.addAll(replica.onTick(now));
    out.addAll(replica.onPrePrepare(0, 0, height, block));
    out.addAll(replica.onPrepare(0, 0, height, block.digest(), prepare(0, block)));
    out.addAll(replica.onPrepare(2, 0, height, block.digest(), prepare(2, block)));
    return out;
  }

  /** The others' COMMITs for the last block, after the grace: the block is final. */
  private List<ReplicaOutput<SimBlock, SimSignature>> committed(long height) {
    now += GRACE;
    List<ReplicaOutput<SimBlock, SimSignature>> out = new ArrayList<>(replica.onTick(now));
    out.addAll(replica.onCommit(0, 0, height, parent.digest(), commit(0, parent)));
    out.addAll(replica.onCommit(2, 0, height, parent.digest(), commit(2, parent)));
    now += 1;
    return out;
  }

  @Test
  void afterSeveralCommitPathBlocksAPreparedReplicaCommitsAtOnce() {
    for (long height = 1; height <= Replica.ADAPT_AFTER; height++) {
      assertThat(prepared(height))
          .as("block %d: COMMIT waits for the grace", height)
          .noneMatch(SendCommit.class::isInstance);
      assertThat(committed(height))
          .anyMatch(SendCommit.class::isInstance)
          .anySatisfy(
              o ->
                  assertThat(o)
                      .isInstanceOfSatisfying(
                          Finalize.class, f -> assertThat(f.path()).isEqualTo(Slot.Path.COMMIT)));
    }

    assertThat(prepared(Replica.ADAPT_AFTER + 1))
        .as("the fast quorum has not formed for %d blocks: no grace", Replica.ADAPT_AFTER)
        .anyMatch(SendCommit.class::isInstance);
  }

  @Test
  void everySixteenthCommitPathBlockWaitsTheGraceAgainSoThatASlowReplicaCanCatchUp() {
    for (long height = 1; height <= Replica.ADAPT_AFTER; height++) {
      prepared(height);
      committed(height);
    }
    long probe = 2L * Replica.ADAPT_AFTER;
    for (long height = Replica.ADAPT_AFTER + 1; height < probe; height++) {
      assertThat(prepared(height))
          .as("block %d: at once", height)
          .anyMatch(SendCommit.class::isInstance);
      committed(height);
    }
    assertThat(prepared(probe))
        .as("block %d waits the grace: the fast quorum may form again", probe)
        .noneMatch(SendCommit.class::isInstance);
  }

  @Test
  void aFastBlockBringsTheGraceBack() {
    for (long height = 1; height <= Replica.ADAPT_AFTER; height++) {
      prepared(height);
      committed(height);
    }
    long fast = Replica.ADAPT_AFTER + 1;
    prepared(fast);
    // Replica 3 is back: its PREPARE completes the fast quorum.
    List<ReplicaOutput<SimBlock, SimSignature>> out =
        replica.onPrepare(3, 0, fast, parent.digest(), prepare(3, parent));
    assertThat(out)
        .anySatisfy(
            o ->
                assertThat(o)
                    .isInstanceOfSatisfying(
                        Finalize.class, f -> assertThat(f.path()).isEqualTo(Slot.Path.FAST)));

    assertThat(prepared(fast + 1))
        .as("waiting for the fast quorum again")
        .noneMatch(SendCommit.class::isInstance);
  }

  @Test
  void theProbesFallOnTheSameSequencesAtEveryReplicaWhateverItsOwnStreak() {
    // A fast block at height 3 restarts this replica's streak, so that it is out of step with a
    // replica that saw every block on the commit path: the probes still fall on multiples of 16.
    for (long height = 1; height <= 3; height++) {
      prepared(height);
      if (height == 3) {
        replica.onPrepare(3, 0, height, parent.digest(), prepare(3, parent));
        now += 1;
      } else {
        committed(height);
      }
    }
    long probe = 2L * Replica.ADAPT_AFTER;
    for (long height = 4; height < probe; height++) {
      List<ReplicaOutput<SimBlock, SimSignature>> out = prepared(height);
      if (height >= 4 + Replica.ADAPT_AFTER) {
        assertThat(out).as("block %d: at once", height).anyMatch(SendCommit.class::isInstance);
      }
      committed(height);
    }
    assertThat(prepared(probe))
        .as("block %d, a multiple of %d: the grace again", probe, Replica.ADAPT_AFTER)
        .noneMatch(SendCommit.class::isInstance);
  }
}
