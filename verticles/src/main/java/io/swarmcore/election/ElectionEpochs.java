package io.swarmcore.election;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.crypto.vrf.VrfException;
import io.swarmcore.election.core.ElectionParameters;
import io.swarmcore.election.core.EpochSeeds;
import io.swarmcore.election.core.EpochState;
import io.swarmcore.election.core.Validator;
import io.swarmcore.pbft.EpochRules;
import io.swarmcore.pbft.wire.ValidatorKeys;
import java.util.Optional;

/**
 * The election's epoch rules as consensus sees them: the storage guard moves {@link ElectionState}
 * as blocks are stored; this reads it, checks seed proofs ahead of the stored tip (for a proposal
 * of the current epoch) and makes this node's proof when it proposes an epoch's last block.
 */
public final class ElectionEpochs implements EpochRules {
  private final ElectionState state;
  private final ElectionParameters parameters;
  private final String selfId;
  private final Optional<byte[]> vrfSecretKey;

  /**
   * @param vrfSecretKey this node's VRF secret key (a validator without one cannot end an epoch:
   *     proposing that block fails with a clear error)
   */
  public ElectionEpochs(
      ElectionState state,
      ElectionParameters parameters,
      String selfId,
      Optional<byte[]> vrfSecretKey) {
    this.state = state;
    this.parameters = parameters;
    this.selfId = selfId;
    this.vrfSecretKey = vrfSecretKey.map(byte[]::clone);
  }

  @Override
  public long epochOf(long height) {
    return parameters.epochOf(height);
  }

  @Override
  public long currentEpoch() {
    return state.current().epoch();
  }

  @Override
  public boolean endsEpoch(long height) {
    return parameters.endsEpoch(height);
  }

  @Override
  public Optional<String> seedProofProblem(BlockHeader header) {
    long height = header.getHeight();
    byte[] proof = header.getVrfSeedProof().toByteArray();
    if (!parameters.endsEpoch(height)) {
      return proof.length == 0
          ? Optional.empty()
          : Optional.of("block " + height + " carries a seed proof but does not end an epoch");
    }
    EpochState current = state.current();
    if (parameters.epochOf(height) != current.epoch()) {
      return Optional.of(
          "block "
              + height
              + " ends epoch "
              + parameters.epochOf(height)
              + ", not the current "
              + current.epoch());
    }
    if (proof.length == 0) {
      return Optional.of("block " + height + " ends an epoch but carries no seed proof");
    }
    Optional<Validator> proposer = current.validators().byId(header.getProposer());
    if (proposer.isEmpty()) {
      return Optional.of(
          "block " + height + " proposer " + header.getProposer() + " is no validator");
    }
    try {
      EpochSeeds.verify(proposer.get(), current.seed(), current.epoch() + 1, proof);
      return Optional.empty();
    } catch (VrfException e) {
      return Optional.of("block " + height + " has an invalid seed proof: " + e.getMessage());
    }
  }

  @Override
  public ByteString proveSeed() {
    EpochState current = state.current();
    Validator self =
        current
            .validators()
            .byId(selfId)
            .orElseThrow(() -> new IllegalStateException(selfId + " is not a validator"));
    byte[] secret =
        vrfSecretKey.orElseThrow(
            () ->
                new IllegalStateException(
                    selfId
                        + " has no VRF key in its key file and cannot end epoch "
                        + current.epoch()));
    return ByteString.copyFrom(EpochSeeds.prove(secret, self, current.seed(), current.epoch() + 1));
  }

  @Override
  public boolean canProveSeed() {
    return vrfSecretKey.isPresent();
  }

  @Override
  public long lastHeightOf(long epoch) {
    return (epoch + 1) * parameters.epochLength() - 1;
  }

  @Override
  public Voters voters() {
    ElectionState.Voters voters = state.voters();
    return new Voters(
        voters.since(),
        new ValidatorKeys(
            voters.validators().members().stream()
                .map(v -> new ValidatorKeys.Entry(v.id(), v.votingKey()))
                .toList()));
  }

  @Override
  public String leaderOf(long view) {
    return state.leaderNow(view).id();
  }
}
