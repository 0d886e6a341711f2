package io.swarmcore.pbft;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.proto.BlockHeader;
import java.util.Optional;

/**
 * What consensus needs of the election at epoch boundaries (docs/CONSENSUS-NODE.md, epochs): which
 * block ends an epoch, the proof of the next seed its proposer attaches, and whether the validator
 * set stays the one consensus runs with. The stored ledger moves the election on (its storage
 * guard); consensus proposes no block of an epoch the ledger has not reached yet.
 */
public interface EpochRules {
  /** One endless epoch: no block ends one, none carries a seed proof. */
  EpochRules NONE =
      new EpochRules() {
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
        public boolean validatorsUnchanged() {
          return true;
        }

        @Override
        public boolean canProveSeed() {
          return false;
        }
      };

  long epochOf(long height);

  /** The epoch of the next block the stored ledger takes. */
  long currentEpoch();

  boolean endsEpoch(long height);

  /**
   * Why a block of the current epoch has a wrong seed proof (one where none belongs, none or an
   * invalid one where the epoch ends), or empty.
   */
  Optional<String> seedProofProblem(BlockHeader header);

  /** This node's proof of the next epoch's seed, for the block that ends the current epoch. */
  ByteString proveSeed();

  /** Whether the current epoch's validators are those consensus started with. */
  boolean validatorsUnchanged();

  /** Whether this node holds what {@link #proveSeed} needs (its VRF secret key). */
  boolean canProveSeed();
}
