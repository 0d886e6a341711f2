package io.swarmcore.election.core;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.crypto.vrf.VrfException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The election as a pure state machine over the finalized chain. Fed every finalized block in
 * height order, it checks each one's seed proof, gathers validator changes, and at every epoch's
 * last block derives the next epoch: its seed from the block's VRF proof, its validators from the
 * changes. Every node feeding the same blocks reaches the same epochs at the same heights.
 */
public final class ElectionCore {
  private final ElectionParameters parameters;
  private EpochState current;
  private long nextHeight;
  private long membershipStart;
  private final List<PendingChange> pending = new ArrayList<>();

  private record PendingChange(long height, int position, ValidatorChanges.Found found) {}

  public ElectionCore(ElectionParameters parameters) {
    this.parameters = parameters;
    this.current =
        new EpochState(0, 0, parameters.genesisSeed(), parameters.genesisValidators(), List.of());
  }

  private ElectionCore(ElectionCore other) {
    this.parameters = other.parameters;
    this.current = other.current;
    this.nextHeight = other.nextHeight;
    this.membershipStart = other.membershipStart;
    this.pending.addAll(other.pending);
  }

  /** An independent copy, to check a batch of blocks before committing to them. */
  public ElectionCore copy() {
    return new ElectionCore(this);
  }

  public ElectionParameters parameters() {
    return parameters;
  }

  /** The epoch the next block belongs to. */
  public EpochState current() {
    return current;
  }

  public long nextHeight() {
    return nextHeight;
  }

  /**
   * The first height of the epoch where the current voters (ids and voting keys) took over: 0 for
   * the genesis set. Consensus starts a new replica there, from the block below as its genesis.
   */
  public long membershipStart() {
    return membershipStart;
  }

  /**
   * The leader of {@code view} in {@code epoch}, which must be the current epoch (earlier epochs'
   * leaders no longer matter; later ones are not knowable yet, which is the point).
   */
  public Validator leader(long epoch, long view) {
    if (epoch != current.epoch()) {
      throw new IllegalArgumentException(
          "the leader of epoch "
              + epoch
              + " is not available: the current epoch is "
              + current.epoch());
    }
    return LeaderSchedule.leader(current.validators(), current.seed(), view);
  }

  /**
   * Checks a block's election rules without changing anything.
   *
   * @throws ElectionRuleException naming the broken rule
   */
  public void check(BlockHeader header) {
    seedOf(header);
  }

  /**
   * Takes in the next finalized block.
   *
   * @return the new epoch when this block ended one
   * @throws ElectionRuleException when the block breaks a rule (nothing changes then)
   */
  public Optional<EpochState> apply(BlockHeader header, List<ByteString> transactions) {
    byte[] nextSeed = seedOf(header);
    for (int position = 0; position < transactions.size(); position++) {
      int at = position;
      ValidatorChanges.find(transactions.get(position), parameters.governanceKey())
          .ifPresent(found -> pending.add(new PendingChange(header.getHeight(), at, found)));
    }
    nextHeight++;
    if (nextSeed == null) {
      return Optional.empty();
    }
    List<Validator> validators = new ArrayList<>(current.validators().members());
    List<String> refused = new ArrayList<>();
    for (PendingChange change : pending) {
      String refusal =
          change.found().refusal() != null
              ? change.found().refusal()
              : ValidatorChanges.apply(validators, change.found().change());
      if (refusal != null) {
        refused.add(
            "block " + change.height() + " transaction " + change.position() + ": " + refusal);
      }
    }
    pending.clear();
    ValidatorSet next = ValidatorSet.of(validators);
    if (!next.sameVoters(current.validators())) {
      membershipStart = header.getHeight() + 1;
    }
    current = new EpochState(current.epoch() + 1, header.getHeight() + 1, nextSeed, next, refused);
    return Optional.of(current);
  }

  /** The next epoch's seed if {@code header} ends the epoch; null otherwise. */
  private byte[] seedOf(BlockHeader header) {
    long height = header.getHeight();
    if (height != nextHeight) {
      throw new ElectionRuleException(
          "block height " + height + " is not the next one the election expects, " + nextHeight);
    }
    byte[] proof = header.getVrfSeedProof().toByteArray();
    if (!parameters.endsEpoch(height)) {
      if (proof.length != 0) {
        throw new ElectionRuleException(
            "block " + height + " carries a seed proof but does not end an epoch");
      }
      return null;
    }
    if (proof.length == 0) {
      throw new ElectionRuleException(
          "block " + height + " ends epoch " + current.epoch() + " but carries no seed proof");
    }
    Validator proposer =
        current
            .validators()
            .byId(header.getProposer())
            .orElseThrow(
                () ->
                    new ElectionRuleException(
                        "block "
                            + height
                            + " proposer "
                            + header.getProposer()
                            + " is not a validator of epoch "
                            + current.epoch()));
    try {
      return EpochSeeds.verify(proposer, current.seed(), current.epoch() + 1, proof);
    } catch (VrfException e) {
      throw new ElectionRuleException(
          "block "
              + height
              + " has an invalid seed proof from "
              + proposer.id()
              + ": "
              + e.getMessage());
    }
  }
}
