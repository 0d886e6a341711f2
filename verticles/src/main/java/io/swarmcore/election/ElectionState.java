package io.swarmcore.election;

import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.election.core.ElectionCore;
import io.swarmcore.election.core.ElectionRuleException;
import io.swarmcore.election.core.EpochState;
import io.swarmcore.election.core.Validator;
import io.swarmcore.ledger.LedgerGuard;
import io.swarmcore.storage.core.InvalidBlockException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The node's election core, shared by the storage writer (which feeds it every block it stores,
 * checking seed proofs first) and the election verticle (which answers leader queries).
 * Synchronized: the two run on different threads.
 */
public final class ElectionState implements LedgerGuard {
  private final ElectionCore core;
  private volatile Consumer<EpochState> epochListener = epoch -> {};

  public ElectionState(ElectionCore core) {
    this.core = core;
  }

  /** Called with every new epoch, on the storage writer's thread. */
  void onEpoch(Consumer<EpochState> listener) {
    this.epochListener = listener;
  }

  public synchronized io.swarmcore.election.core.ElectionParameters parameters() {
    return core.parameters();
  }

  public synchronized EpochState current() {
    return core.current();
  }

  /** The current epoch's validators and the first height these voters hold since. */
  public record Voters(
      long epoch, long since, io.swarmcore.election.core.ValidatorSet validators) {}

  /** The current voters, read under one lock with the height they hold since. */
  public synchronized Voters voters() {
    return new Voters(core.current().epoch(), core.membershipStart(), core.current().validators());
  }

  /** The leader of {@code view} in the current epoch, read under one lock with the epoch. */
  public synchronized Validator leaderNow(long view) {
    return core.leader(core.current().epoch(), view);
  }

  public synchronized Validator leader(long epoch, long view) {
    return core.leader(epoch, view);
  }

  @Override
  public synchronized void check(FinalizedBlock block) {
    try {
      core.check(header(block));
    } catch (ElectionRuleException e) {
      throw new InvalidBlockException(InvalidBlockException.Rule.WRONG_SEED_PROOF, e.getMessage());
    }
  }

  @Override
  public void applied(FinalizedBlock block) {
    Optional<EpochState> next;
    synchronized (this) {
      next = core.apply(header(block), block.getBlock().getTransactionsList());
    }
    next.ifPresent(epochListener);
  }

  @Override
  public long epochEnd(long height) {
    long length = core.parameters().epochLength(); // immutable: no lock needed
    return (height / length + 1) * length - 1;
  }

  private static BlockHeader header(FinalizedBlock block) {
    try {
      return BlockHeader.parseFrom(block.getBlock().getHeader());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new InvalidBlockException(
          InvalidBlockException.Rule.MALFORMED, "header does not parse");
    }
  }
}
