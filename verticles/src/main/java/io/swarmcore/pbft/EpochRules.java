package io.swarmcore.pbft;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.pbft.wire.ValidatorKeys;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * What consensus needs of the election (docs/CONSENSUS-NODE.md, epochs): which block ends an epoch,
 * the proof of the next seed its proposer attaches, who votes in the epoch the stored ledger is in
 * and who leads each view. The stored ledger moves the election on (its storage guard); consensus
 * proposes no block of an epoch the ledger has not reached yet.
 */
public interface EpochRules {
  /** The voters of the current epoch, and the first height they hold since. */
  record Voters(long since, ValidatorKeys keys) {}

  /** One endless epoch with one set of voters: no block ends an epoch or carries a seed proof. */
  static EpochRules endless(ValidatorKeys keys, LongFunction<String> leaderOf) {
    Voters voters = new Voters(0, keys);
    return new EpochRules() {
      @Override
      public long epochOf(long height) {
        return 0;
      }

      @Override
      public long currentEpoch() {
        return 0;
      }

      @Override
      public boolean endsEpoch(long height) {
        return false;
      }

      @Override
      public long lastHeightOf(long epoch) {
        return Long.MAX_VALUE;
      }

      @Override
      public Optional<String> seedProofProblem(BlockHeader header) {
        return header.getVrfSeedProof().isEmpty()
            ? Optional.empty()
            : Optional.of("a seed proof, but this chain has one endless epoch");
      }

      @Override
      public ByteString proveSeed() {
        throw new IllegalStateException("no block ends an epoch");
      }

      @Override
      public boolean canProveSeed() {
        return false;
      }

      @Override
      public Voters voters() {
        return voters;
      }

      @Override
      public String leaderOf(long view) {
        return leaderOf.apply(view);
      }
    };
  }

  long epochOf(long height);

  /** The epoch of the next block the stored ledger takes. */
  long currentEpoch();

  boolean endsEpoch(long height);

  /** The height of the block that ends {@code epoch}. */
  long lastHeightOf(long epoch);

  /**
   * Why a block of the current epoch has a wrong seed proof (one where none belongs, none or an
   * invalid one where the epoch ends), or empty.
   */
  Optional<String> seedProofProblem(BlockHeader header);

  /** This node's proof of the next epoch's seed, for the block that ends the current epoch. */
  ByteString proveSeed();

  /** Whether this node holds what {@link #proveSeed} needs (its VRF secret key). */
  boolean canProveSeed();

  /** The voters of the epoch the stored ledger is in (ids and voting keys, in the set's order). */
  Voters voters();

  /** The id of the validator that leads {@code view} in the epoch the stored ledger is in. */
  String leaderOf(long view);
}
