package io.swarmcore.pbft;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.CertificateVerifier;
import io.swarmcore.codecs.InboundMessages;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.RejectedMessageException;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.codecs.proto.BlockRange;
import io.swarmcore.codecs.proto.Certificate;
import io.swarmcore.codecs.proto.CertificateKind;
import io.swarmcore.codecs.proto.CertificateSignature;
import io.swarmcore.codecs.proto.ConsensusState;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.Prepare;
import io.swarmcore.codecs.proto.SignedEnvelope;
import io.swarmcore.codecs.proto.TransactionBatch;
import io.swarmcore.crypto.SigningKey;
import io.swarmcore.ledger.StorageVerticle;
import io.swarmcore.mempool.MempoolVerticle;
import io.swarmcore.merkle.MerkleFrontier;
import io.swarmcore.pbft.core.Batcher;
import io.swarmcore.pbft.core.Checkpoints;
import io.swarmcore.pbft.core.ProgressTimer;
import io.swarmcore.pbft.core.Quorums;
import io.swarmcore.pbft.core.Replica;
import io.swarmcore.pbft.core.ReplicaOutput;
import io.swarmcore.pbft.core.Slot;
import io.swarmcore.pbft.wire.ConsensusWire;
import io.swarmcore.pbft.wire.EnvelopeSigner;
import io.swarmcore.pbft.wire.EnvelopeVerifier;
import io.swarmcore.pbft.wire.LedgerRoots;
import io.swarmcore.pbft.wire.NodeBlock;
import io.swarmcore.pbft.wire.ValidatorKeys;
import io.swarmcore.resilience.ResilienceManager;
import io.swarmcore.storage.core.BlockLimits;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the PBFT replica of one validator over the event bus (docs/CONSENSUS-NODE.md): inbound
 * envelopes are verified in a worker pool, then handed to the replica; its outputs become publishes
 * to the other validators' inboxes, storage appends, mempool updates and timers. The leader builds
 * blocks from mempool batches. Deploy it as a worker verticle: the replica, and the signing it asks
 * for, then run off the event loop.
 *
 * <p>A validator that is behind fetches the blocks it lacks from its peers ({@link BlockSync}); a
 * restarted one resumes from the view and stable checkpoint it saved next to its ledger.
 */
public final class PbftVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PbftVerticle.class);
  private static final HexFormat HEX = HexFormat.of();

  /**
   * How the replica is tuned; defaults in {@link #defaults()}.
   *
   * @param pipelineDepth proposals the leader keeps in flight (proposed, not yet final) at most:
   *     under load transactions gather while these finish, so blocks fill up instead of many tiny
   *     blocks each paying a full vote round; must be at most the window
   * @param syncVerifiesEverySignature whether a catch-up checks the signatures of every fetched
   *     certificate, or those of the last block of each range (which proves the blocks below it
   *     through their parent hashes) and the shape of the others; see {@link BlockSync}
   * @param snapshotSyncMinBlocks a validator with an empty ledger at least this many blocks behind
   *     installs a peer's snapshot before fetching the rest block by block ({@link SnapshotSync});
   *     0: never
   */
  public record Settings(
      long checkpointInterval,
      long window,
      long baseTimeoutMs,
      long maxTimeoutMs,
      Batcher.Limits blockLimits,
      int verifyThreads,
      long commitGraceMs,
      int pipelineDepth,
      boolean syncVerifiesEverySignature,
      long snapshotSyncMinBlocks) {
    public Settings {
      if (pipelineDepth < 1 || pipelineDepth > window) {
        throw new IllegalArgumentException(
            "pipeline depth must be 1 to the window (" + window + "), got " + pipelineDepth);
      }
    }

    /**
     * These settings with the commit grace, pipeline depth and snapshot-sync threshold of the
     * node's configuration.
     */
    public Settings tuned(long commitGraceMs, int pipelineDepth, long snapshotSyncMinBlocks) {
      return new Settings(
          checkpointInterval,
          window,
          baseTimeoutMs,
          maxTimeoutMs,
          blockLimits,
          verifyThreads,
          commitGraceMs,
          pipelineDepth,
          syncVerifiesEverySignature,
          snapshotSyncMinBlocks);
    }

    public static Settings defaults() {
      return new Settings(
          16, 64, 2_000, 30_000, new Batcher.Limits(2_000, 4L << 20, 5), 2, 150, 4, false, 10_000);
    }
  }

  private final String selfId;
  private final SigningKey key;
  private final IntFunction<Quorums> quorumsFor;
  private final Settings settings;
  private final ResilienceManager resilience;
  private final EpochRules epochs;
  private FaultInjection fault = FaultInjection.NONE;
  private Misbehaviour misbehaviour;

  // The voters consensus runs with (docs/CONSENSUS-NODE.md, validator-set changes), replaced where
  // the election's set changes; self is -1 and the replica null while this node is not one of
  // them (it observes: follows the chain, votes on nothing).
  private ValidatorKeys validators;
  private Quorums quorums;
  private long votersSince;
  private int self = -1;
  private ConsensusWire wire;
  private Replica<NodeBlock, SignedEnvelope> replica;
  private boolean switching;
  // Envelopes that may only make sense to the next voters (unknown signers or keys, messages naming
  // heights of the next epoch), by signer: decoded again once the stored ledger enters it. Bounded
  // per signer (the oldest go first), in signers and in bytes.
  private final java.util.Map<String, java.util.ArrayDeque<SignedEnvelope>> early =
      new java.util.LinkedHashMap<>();
  private long earlyBytes;
  private static final int EARLY_SIGNERS = 64;
  private static final long EARLY_BYTES = 32L << 20;
  private Future<Long> catching;
  private ByteString storedTip;
  private LedgerRoots roots;
  private WorkerExecutor verifiers;
  private long timer = -1;
  private long pollTimer = -1;
  private long lagTimer = -1;
  private long lastProgressMs;
  private boolean workPending;
  private static final int MAX_VERIFYING = 10_000;
  // A resend after a view timeout within it is dropped too: harmless when the first copy arrived,
  // and the resends after it (the timeouts double) get through.
  private static final long REPLAY_WINDOW_NANOS = 5_000_000_000L;
  private static final int REMEMBERED_ENVELOPES = 100_000;
  private io.swarmcore.pbft.wire.InboundGuard guard;
  private final java.util.concurrent.atomic.AtomicLong verifications =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong replayed =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong rateLimited =
      new java.util.concurrent.atomic.AtomicLong();

  private boolean proposing;
  private boolean halted;
  private final io.swarmcore.node.NodeClock clock;
  private long storedTipTimestampMs;
  // Halted because the store refused final blocks (they wait in pendingFinals for a retry).
  private boolean storeFailing;
  private long retryTimer = -1;
  private static final long STORE_RETRY_MS = 5_000;
  private int verifying;
  private final java.util.concurrent.atomic.AtomicLong overloaded =
      new java.util.concurrent.atomic.AtomicLong();
  private int heldCount;
  private final java.util.Map<ByteString, List<Held>> held = new java.util.HashMap<>();

  /**
   * A proposal waiting for its parent or its epoch, with the envelope it came in and whether that
   * was held for the next voters before.
   */
  private record Held(ConsensusWire.Inbound call, SignedEnvelope envelope, boolean retried) {}

  private Future<?> storing = Future.succeededFuture();
  // Final blocks waiting for the append in progress: stored together next (group commit).
  private List<ReplicaOutput.Finalize<NodeBlock, SignedEnvelope>> pendingFinals = new ArrayList<>();
  private long storedHeight;
  // This node's own proposals not yet final, by height: their transactions go back to the
  // mempool if a view change abandons them.
  private final java.util.TreeMap<Long, NodeBlock> ownProposals = new java.util.TreeMap<>();
  private BlockSync sync;
  private SnapshotSync snapshots;
  private Checkpoints<SignedEnvelope> checkpoints;
  private long installedView;
  private long epochAtLastStore;
  private boolean warnedNoVrfKey;
  // The installed view last saved durably: a leader proposes only in a view saved as entered.
  private long savedView = -1;
  private SignedEnvelope sealedCheckpoint;
  private long sealedCheckpointSequence;
  private Future<Void> saving;
  private boolean saveAgain;
  private final java.util.concurrent.atomic.AtomicLong syncedBlocks =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong snapshotBlocks =
      new java.util.concurrent.atomic.AtomicLong();

  /** When each block this replica finalized became final (epoch ms), until it is announced. */
  private final java.util.TreeMap<Long, Long> finalizedAtMs = new java.util.TreeMap<>();

  // Read by the metrics scrape from another thread.
  private final java.util.concurrent.atomic.AtomicLong finalizedTransactions =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong viewChanges =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong heardHeight =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong finalizedBlocks =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong fastBlocks =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong rejected =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile long height;
  private volatile long view;

  /**
   * @param quorumsFor the quorums of n voters (the election's set decides n, epoch by epoch)
   * @param epochs the election: epochs, voters and leaders
   */
  public PbftVerticle(
      String selfId,
      SigningKey key,
      IntFunction<Quorums> quorumsFor,
      Settings settings,
      ResilienceManager resilience,
      EpochRules epochs) {
    this.epochs = epochs;
    this.selfId = selfId;
    this.resilience = resilience;
    this.key = key;
    this.quorumsFor = quorumsFor;
    this.settings = settings;
    this.clock = io.swarmcore.node.NodeClock.forNode(selfId);
    limitingInbound(DEFAULT_INBOUND_PER_SIGNER);
  }

  /**
   * Envelopes a second each signer may have verified unless configured otherwise: far above what an
   * honest validator sends, well below what the verification pool can check.
   */
  public static final long DEFAULT_INBOUND_PER_SIGNER = 5_000;

  /** Makes this validator misbehave as {@code fault} (demo and fault tests only). */
  public PbftVerticle misbehaving(FaultInjection fault) {
    this.fault = fault;
    this.misbehaviour =
        fault == FaultInjection.NONE
            ? null
            : new Misbehaviour(fault, this::otherThan, selfId.hashCode());
    return this;
  }

  /**
   * Where each node publishes the blocks it made final and stored: a {@code FinalizedBlock} with
   * the header and certificate (transactions left out; fetch them from storage by height).
   */
  public static final String FINALIZED = "swarm.blocks.finalized";

  /** The {@link #FINALIZED} header saying when the block became final here (epoch ms). */
  public static final String FINALIZED_AT_HEADER = "finalized-at-ms";

  /** What the node's /metrics shows of consensus; safe to read from any thread. */
  /**
   * @param replayed inbox envelopes dropped unverified as replays: seen within the last five
   *     seconds, or votes at or below the stable checkpoint
   * @param rateLimited inbox envelopes dropped because their claimed signer sent beyond its rate
   * @param transactions transactions in the blocks this node finalized
   * @param viewChanges views this node moved on from
   * @param heardHeight the highest height a verified message from a voter named (how far the chain
   *     is known to reach: a node catching up is behind it)
   */
  public record Stats(
      long height,
      long view,
      long finalized,
      long fastPath,
      long rejected,
      long overloaded,
      long replayed,
      long rateLimited,
      long synced,
      long fromSnapshot,
      long transactions,
      long viewChanges,
      long heardHeight,
      long verified) {}

  public Stats stats() {
    return new Stats(
        height,
        view,
        finalizedBlocks.get(),
        fastBlocks.get(),
        rejected.get(),
        overloaded.get(),
        replayed.get(),
        rateLimited.get(),
        syncedBlocks.get(),
        snapshotBlocks.get(),
        finalizedTransactions.get(),
        viewChanges.get(),
        Math.max(heardHeight.get(), height),
        verifications.get());
  }

  /** {@code swarm.pbft.<nodeId>.<verb>}. */
  public static String address(String nodeId, String verb) {
    return "swarm.pbft." + nodeId + "." + verb;
  }

  @Override
  public Future<?> start() {
    verifiers =
        vertx.createSharedWorkerExecutor("swarm-pbft-verify-" + selfId, settings.verifyThreads());
    EpochRules.Voters voters = epochs.voters();
    adoptVoters(voters);
    Future<JsonObject> tip =
        vertx
            .eventBus()
            .<JsonObject>request(StorageVerticle.address(selfId, "frontier"), new JsonObject())
            .map(reply -> reply.body());
    Future<JsonObject> saved =
        vertx
            .eventBus()
            .<JsonObject>request(
                StorageVerticle.address(selfId, "consensus-state"), new JsonObject())
            .map(reply -> reply.body());
    Future<Optional<FinalizedBlock>> below = blockBelow(voters.since());
    return Future.all(tip, saved, below)
        .compose(all -> startReplica(tip.result(), saved.result(), below.result()))
        .compose(ignored -> register());
  }

  /**
   * Takes {@code voters} as the set consensus runs with: their quorums, the wire that checks their
   * signatures, and catch-up from them.
   */
  private void adoptVoters(EpochRules.Voters voters) {
    validators = voters.keys();
    votersSince = voters.since();
    quorums = quorumsFor.apply(validators.size());
    self = validators.indexOf(selfId).orElse(-1);
    wire = new ConsensusWire(validators, selfId, key);
    List<String> peers = new ArrayList<>();
    java.util.Map<String, io.swarmcore.crypto.PublicKey> keys = new java.util.HashMap<>();
    for (int i = 0; i < validators.size(); i++) {
      keys.put(validators.idOf(i), validators.keyOf(i));
      if (i != self) {
        peers.add(validators.idOf(i));
      }
    }
    CertificateVerifier certificates =
        new CertificateVerifier(keys, quorums.fastQuorum(), quorums.slowQuorum());
    snapshots = new SnapshotSync(vertx, selfId, certificates, verifiers);
    sync =
        new BlockSync(
            vertx,
            selfId,
            peers,
            certificates,
            resilience,
            verifiers,
            settings.syncVerifiesEverySignature(),
            quorums.faulty(),
            this::storeSynced);
  }

  /**
   * The block below the height the voters hold since, with its certificate: their genesis (none:
   * the chain's).
   */
  private Future<Optional<FinalizedBlock>> blockBelow(long since) {
    if (since == 0) {
      return Future.succeededFuture(Optional.empty());
    }
    return vertx
        .eventBus()
        .<FinalizedBlock>request(
            StorageVerticle.address(selfId, "block"), new JsonObject().put("height", since - 1))
        .map(reply -> Optional.of(reply.body()));
  }

  /**
   * The checkpoint the voters start from, proof-free: the chain's genesis, or the block that ended
   * the previous voters' last epoch (every voter holds it in its own ledger before it starts).
   */
  private static Checkpoints.Stable<SignedEnvelope> genesisCheckpoint(
      Optional<FinalizedBlock> below) {
    return below
        .map(finalized -> NodeBlock.of(finalized.getBlock()))
        .map(
            block ->
                new Checkpoints.Stable<SignedEnvelope>(block.height(), block.hash(), List.of()))
        .orElseGet(
            () ->
                new Checkpoints.Stable<>(
                    -1, ByteString.copyFrom(LedgerHashes.noParent()), List.of()));
  }

  /**
   * The view new voters start in: the one their genesis block was certified in, which every node
   * reads from its own ledger (a node's own view may be elsewhere: part way through a view change,
   * or never followed while it observed). Views go on across epochs.
   */
  private static long startViewOf(Optional<FinalizedBlock> below) {
    return below.map(block -> block.getCertificate().getView()).orElse(0L);
  }

  private Replica<NodeBlock, SignedEnvelope> newReplica(
      long startView,
      long sequence,
      ByteString digest,
      Checkpoints.Stable<SignedEnvelope> genesis,
      boolean restarted) {
    return new Replica<>(
        quorums,
        self,
        new Replica.Ports<>(
            this::leaderIndex,
            NodeBlock.FACTS,
            new EnvelopeSigner(selfId, key, s -> Optional.empty()),
            new EnvelopeVerifier(wire)),
        checkpoints,
        new ProgressTimer(settings.baseTimeoutMs(), settings.maxTimeoutMs()),
        new Replica.Start(startView, sequence, digest),
        settings.commitGraceMs(),
        genesis,
        restarted);
  }

  /**
   * The index among the current voters of the validator that leads {@code view}. Between the store
   * of an epoch's last block (which moves the election) and the switch to the next voters, the
   * election may name a leader the current voters lack: a stand-in is named then (only liveness
   * depends on the leader, and no height is left to decide in the ending epoch).
   */
  private int leaderIndex(long view) {
    java.util.OptionalInt index = validators.indexOf(epochs.leaderOf(view));
    return index.isPresent() ? index.getAsInt() : (int) Math.floorMod(view, validators.size());
  }

  /**
   * Starts the replica where the ledger and the saved consensus state stand: a node that saved a
   * state before was restarted, and proposes nothing in the view it restarts in (it may have
   * proposed there before and no longer knows what). A node that is not one of the voters starts no
   * replica: it observes.
   */
  private Future<Void> startReplica(
      JsonObject tip, JsonObject saved, Optional<FinalizedBlock> below) {
    long size = tip.getLong("size");
    storedHeight = size;
    ByteString tipHash =
        size == 0
            ? ByteString.copyFrom(LedgerHashes.noParent())
            : ByteString.copyFrom(HEX.parseHex(tip.getString("tipHash")));
    storedTip = tipHash;
    if (size > 0) {
      vertx
          .eventBus()
          .<FinalizedBlock>request(
              StorageVerticle.address(selfId, "block"), new JsonObject().put("height", size - 1))
          .onSuccess(
              block -> {
                if (storedHeight == size) { // nothing stored meanwhile
                  storedTipTimestampMs =
                      headerOf(NodeBlock.of(block.body().getBlock())).getTimestampMs();
                }
              });
    }
    roots = ledgerRoots(tip, tipHash);
    Checkpoints.Stable<SignedEnvelope> genesis = genesisCheckpoint(below);
    Checkpoints.Stable<SignedEnvelope> stable = genesis;
    long startView = startViewOf(below);
    boolean restarted = saved.containsKey("state");
    if (restarted) {
      try {
        ConsensusState state = ConsensusState.parseFrom(saved.getBinary("state"));
        startView = Math.max(startView, state.getView());
        // A checkpoint of earlier voters (at or below their last block) is not this set's.
        if (state.getStableSequence() > genesis.sequence()) {
          stable =
              new Checkpoints.Stable<>(
                  state.getStableSequence(),
                  state.getStableBlockHash(),
                  state.getStableProofList());
        }
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        return Future.failedFuture(
            new IllegalStateException("the saved consensus state does not parse", e));
      }
    }
    installedView = startView;
    checkpoints =
        new Checkpoints<>(quorums, settings.checkpointInterval(), settings.window(), stable);
    replica = self < 0 ? null : newReplica(startView, size - 1, tipHash, genesis, restarted);
    height = size;
    epochAtLastStore = epochs.currentEpoch();
    view = startView;
    if (replica == null) {
      LOG.info(
          "node {} is not one of the {} validators of epoch {}: it observes from height {}",
          selfId,
          validators.size(),
          epochAtLastStore,
          size);
    } else {
      LOG.info(
          "node {} consensus {} at height {}, view {}, stable checkpoint {}, as validator {} of {}",
          selfId,
          restarted ? "restarts" : "starts",
          size,
          startView,
          stable.sequence(),
          self,
          validators.size());
    }
    // Saved before the first message goes out: from now on a restart is known as one.
    return saveState();
  }

  /** The ledger roots as the storage's {@code frontier} reply {@code tip} stands. */
  private LedgerRoots ledgerRoots(JsonObject tip, ByteString tipHash) {
    long size = tip.getLong("size");
    List<byte[]> subtrees = new ArrayList<>();
    tip.getJsonArray("subtrees").forEach(h -> subtrees.add(HEX.parseHex((String) h)));
    return new LedgerRoots(tipHash, size - 1, MerkleFrontier.of(size, subtrees), settings.window());
  }

  private Future<?> register() {
    var inbox =
        vertx
            .eventBus()
            .consumer(
                address(selfId, "inbox"),
                InboundMessages.guarded(
                    SignedEnvelope.class, (m, e) -> fromInbox(e), r -> rejected.incrementAndGet()));
    var status = vertx.eventBus().consumer(address(selfId, "status"), this::status);
    var checkpoint =
        vertx
            .eventBus()
            .consumer(
                address(selfId, "checkpoint"),
                message -> {
                  if (checkpoints.stable().proof().isEmpty()) {
                    message.fail(404, "no proven stable checkpoint yet");
                  } else {
                    message.reply(sealedStableCheckpoint());
                  }
                });
    pollTimer =
        vertx.setPeriodic(Math.max(1, settings.blockLimits().maxDelay()), id -> pollMempool());
    // A replica that missed proposals (it joined late, a message was lost) would time out and ask
    // for a view change alone, which keeps it from voting: catching up early prevents that.
    long lagAfter = Math.max(1, settings.baseTimeoutMs() / 4);
    lastProgressMs = now();
    lagTimer =
        vertx.setPeriodic(
            lagAfter,
            id -> {
              // An observer follows the chain on this timer: it hears of no proposals.
              if (replica == null || workPending && now() - lastProgressMs >= lagAfter) {
                catchUp();
              }
            });
    // The cluster-wide registrations must be known before the node counts as started.
    return Future.all(inbox.completion(), status.completion(), checkpoint.completion())
        .onSuccess(ready -> catchUp());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    vertx.cancelTimer(pollTimer);
    vertx.cancelTimer(lagTimer);
    vertx.cancelTimer(retryTimer);
    return verifiers.close();
  }

  private long now() {
    return System.nanoTime() / 1_000_000;
  }

  /**
   * Verifies off the event loop, in a pool with a bounded queue (a flood is dropped and counted,
   * not queued without end); hands the call to the replica after.
   */
  private void inbound(SignedEnvelope envelope) {
    inbound(envelope, false);
  }

  /**
   * What any cluster member may publish on the inbox: replays and floods beyond a signer's rate are
   * dropped (and counted) before they cost a signature check.
   */
  private void fromInbox(SignedEnvelope envelope) {
    java.util.OptionalLong sequence = ConsensusWire.unverifiedSequence(envelope);
    if (sequence.isPresent()
        && checkpoints != null
        && sequence.getAsLong() <= checkpoints.lowWatermark()) {
      replayed.incrementAndGet(); // a vote at or below the stable checkpoint changes nothing
      return;
    }
    switch (guard.admit(envelope.getSigner(), envelope.getSignature(), System.nanoTime())) {
      case REPLAYED -> replayed.incrementAndGet();
      case RATE_LIMITED -> rateLimited.incrementAndGet();
      case ADMIT -> inbound(envelope, false);
    }
  }

  /** Caps what each claimed signer may make this node verify (the node's configuration). */
  public PbftVerticle limitingInbound(long perSignerPerSecond) {
    guard =
        new io.swarmcore.pbft.wire.InboundGuard(
            id -> validators != null && validators.indexOf(id).isPresent(),
            perSignerPerSecond,
            REPLAY_WINDOW_NANOS,
            REMEMBERED_ENVELOPES);
    return this;
  }

  /**
   * @param retried whether the envelope was held for the next voters before: it is not held again
   */
  private void inbound(SignedEnvelope envelope, boolean retried) {
    if (halted) {
      return;
    }
    if (misbehaviour != null) {
      misbehaviour.heard(envelope);
    }
    if (replica == null || switching) {
      holdEarly(envelope, retried);
      return;
    }
    if (verifying >= MAX_VERIFYING) {
      overloaded.incrementAndGet();
      return;
    }
    verifying++;
    verifications.incrementAndGet();
    ConsensusWire decoding = wire;
    verifiers
        .executeBlocking(() -> decoding.decode(envelope), false)
        .onComplete(done -> verifying--)
        .onSuccess(
            call -> {
              guard.verified(envelope.getSignature(), System.nanoTime());
              if (decoding != wire || replica == null || switching) {
                inbound(envelope, retried); // the voters changed meanwhile: their numbering too
              } else if (call.type() == MessageType.MESSAGE_TYPE_PRE_PREPARE) {
                checkedProposal(new Held(call, envelope, retried));
              } else if (call.highestHeight() > epochs.lastHeightOf(storedEpoch())) {
                // It names a height of the next epoch, whose voters may differ: it waits for them.
                holdEarly(envelope, retried);
              } else {
                // Within the window: one faulty voter cannot pin the gauge far ahead.
                heardHeight.accumulateAndGet(
                    Math.min(call.highestHeight(), checkpoints.highWatermark()), Math::max);
                call.blocks().forEach(roots::saw);
                input(call.call());
                // Proposals that waited for one of these blocks as their parent can be judged.
                call.blocks().forEach(block -> releaseChildren(block.hash()));
              }
            })
        .onFailure(
            failure -> {
              if (decoding != wire) {
                inbound(envelope, retried);
                return;
              }
              if (failure instanceof RejectedMessageException rejectedMessage
                  && (rejectedMessage.code() == io.swarmcore.codecs.RejectCode.UNKNOWN_SIGNER
                      || rejectedMessage.code() == io.swarmcore.codecs.RejectCode.BAD_SIGNATURE)) {
                // Perhaps a voter of the next epoch (or a new key), which this node has not
                // reached yet.
                holdEarly(envelope, retried);
                return;
              }
              rejected.incrementAndGet();
              if (!(failure instanceof RejectedMessageException)) {
                LOG.warn(
                    "consensus message from {} failed: {}",
                    envelope.getSigner(),
                    failure.toString());
              }
            });
  }

  /** The epoch of the next block the ledger takes, as this verticle has seen it stored. */
  private long storedEpoch() {
    return epochs.epochOf(storedHeight);
  }

  /**
   * Keeps an envelope for the next voters, if it was not kept before and there is room: a signer
   * beyond its share pushes out its own oldest.
   */
  private void holdEarly(SignedEnvelope envelope, boolean retried) {
    java.util.ArrayDeque<SignedEnvelope> bySigner = early.get(envelope.getSigner());
    int bytes = envelope.getSerializedSize();
    if (retried
        || bySigner == null && early.size() >= EARLY_SIGNERS
        || earlyBytes + bytes > EARLY_BYTES) {
      rejected.incrementAndGet();
      return;
    }
    if (bySigner == null) {
      bySigner = new java.util.ArrayDeque<>();
      early.put(envelope.getSigner(), bySigner);
    }
    if (bySigner.size() >= settings.window()) {
      earlyBytes -= bySigner.pollFirst().getSerializedSize();
      rejected.incrementAndGet();
    }
    bySigner.addLast(envelope);
    earlyBytes += bytes;
  }

  /** Takes out every envelope kept for the next voters. */
  private List<SignedEnvelope> takeEarly() {
    List<SignedEnvelope> all = new ArrayList<>();
    early.values().forEach(all::addAll);
    early.clear();
    earlyBytes = 0;
    return all;
  }

  /** Decodes the envelopes kept for the next voters again, now that the ledger entered an epoch. */
  private void releaseEarly() {
    takeEarly().forEach(envelope -> inbound(envelope, true));
  }

  /**
   * A proposal counts only if its block is valid where it stands (docs/CONSENSUS-NODE.md); one
   * whose parent is not known yet waits for it (bounded), since its ledger root cannot be checked.
   */
  private void checkedProposal(Held proposal) {
    if (replica == null || switching) {
      holdEarly(proposal.envelope(), proposal.retried());
      return;
    }
    ConsensusWire.Inbound call = proposal.call();
    NodeBlock block = call.blocks().get(0);
    Optional<ByteString> expectedRoot = roots.rootAfter(block.parentHash());
    BlockHeader header = headerOf(block);
    long proposalView = header.getView();
    // The header names its proposer and view: they must be the message's, or a leader could
    // reuse another's seed proof, or a validator fill the held space with made-up views.
    if (!validators.idOf(call.sender()).equals(header.getProposer())
        || proposalView < replica.view()
        || proposalView > replica.view() + 1) {
      rejected.incrementAndGet();
      return;
    }
    if (epochs.epochOf(block.height()) > storedEpoch()) {
      // The first blocks of the next epoch, from its leader, may arrive before this node stored
      // the block that ends the current one (which moves the election, and so the schedule): they
      // wait for it, a few at most from each validator.
      boolean nextEpochStart =
          epochs.epochOf(block.height()) == storedEpoch() + 1
              && epochs.epochOf(block.height() - settings.pipelineDepth() - 1) <= storedEpoch();
      hold(proposal, nextEpochStart && heldFrom(call.sender()) <= settings.pipelineDepth());
      return;
    }
    boolean fromLeader = leaderIndex(proposalView) == call.sender();
    if (expectedRoot.isEmpty()) {
      // Only a proposal its view's leader could have made, for this view or the next, may wait:
      // anything else would let one validator fill the bounded space.
      hold(proposal, fromLeader);
      return;
    }
    if (!fromLeader) {
      // The replica would refuse it too; refused here before it costs a ledger read.
      rejected.incrementAndGet();
      return;
    }
    String problem =
        blockProblem(
            block, expectedRoot.get(), roots.transactionsDownFrom(block.parentHash()), epochs);
    if (problem != null) {
      rejected.incrementAndGet();
      LOG.debug("proposal {} refused: {}", block.height(), problem);
      return;
    }
    Replica<NodeBlock, SignedEnvelope> judging = replica;
    // A transaction already final far below would make storage refuse the block once final: a
    // leader could stop every honest node that way. Refuse the proposal instead.
    knownFinal(block.transactionHashes())
        .onComplete(
            known -> {
              if (known.failed() || !known.result().isEmpty()) {
                rejected.incrementAndGet();
                LOG.debug(
                    "proposal {} refused: {}",
                    block.height(),
                    known.failed()
                        ? "the ledger could not be asked: " + known.cause()
                        : "a transaction already final");
                return;
              }
              if (judging != replica || switching) {
                // The voters changed meanwhile: decoded again with theirs.
                inbound(proposal.envelope(), proposal.retried());
                return;
              }
              roots.saw(block);
              input(call.call());
              releaseChildren(block.hash());
            });
  }

  /**
   * A new view abandons this node's proposals that are not final: their transactions become
   * proposable again (the mempool would otherwise keep them as proposed for good). If the new view
   * re-proposes one of those blocks, its transactions become final with it, and a later proposal of
   * this node leaves out what the blocks below it hold.
   */
  private void returnOwnProposals() {
    ownProposals.headMap(storedHeight).clear();
    if (ownProposals.isEmpty()) {
      return;
    }
    List<ByteString> abandoned = new ArrayList<>();
    ownProposals.values().forEach(own -> abandoned.addAll(own.transactionHashes()));
    ownProposals.clear();
    vertx.eventBus().request(MempoolVerticle.address(selfId, "unproposed"), hashes(abandoned));
  }

  private int heldFrom(int sender) {
    int count = 0;
    for (List<Held> waiting : held.values()) {
      for (Held proposal : waiting) {
        if (proposal.call().sender() == sender) {
          count++;
        }
      }
    }
    return count;
  }

  /** Keeps a proposal until its parent (or its epoch) arrives, if allowed and there is room. */
  private void hold(Held proposal, boolean allowed) {
    if (allowed && heldCount < settings.window()) {
      held.computeIfAbsent(proposal.call().blocks().get(0).parentHash(), p -> new ArrayList<>())
          .add(proposal);
      heldCount++;
    } else {
      rejected.incrementAndGet();
    }
  }

  /** Forgets the held proposals {@code unwanted} picks. */
  private void dropHeld(java.util.function.Predicate<Held> unwanted) {
    heldCount = 0;
    held.values()
        .forEach(
            waiting -> {
              waiting.removeIf(unwanted);
              heldCount += waiting.size();
            });
    held.values().removeIf(List::isEmpty);
  }

  /** Takes every held proposal out, in no particular order. */
  private List<Held> takeHeld() {
    List<Held> waiting = new ArrayList<>();
    held.values().forEach(waiting::addAll);
    held.clear();
    heldCount = 0;
    return waiting;
  }

  private static BlockHeader headerOf(NodeBlock block) {
    try {
      return BlockHeader.parseFrom(block.block().getHeader());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("a decoded block's header does not parse", e);
    }
  }

  private void releaseChildren(ByteString parent) {
    List<Held> children = held.remove(parent);
    if (children != null) {
      heldCount -= children.size();
      children.forEach(this::checkedProposal);
    }
  }

  /**
   * Storage's rules for a block where it stands (docs/CONSENSUS-NODE.md), so that nothing the
   * replicas finalize can be refused by storage. Header against body was checked on decoding.
   */
  static String blockProblem(
      NodeBlock block, ByteString expectedRoot, java.util.Set<ByteString> onTheChainBelow) {
    return blockProblem(
        block,
        expectedRoot,
        onTheChainBelow,
        EpochRules.endless(new ValidatorKeys(List.of()), view -> ""));
  }

  static String blockProblem(
      NodeBlock block,
      ByteString expectedRoot,
      java.util.Set<ByteString> onTheChainBelow,
      EpochRules epochs) {
    BlockLimits limits = BlockLimits.DEFAULT;
    try {
      BlockHeader header = BlockHeader.parseFrom(block.block().getHeader());
      if (!expectedRoot.equals(header.getLedgerRoot())) {
        return "ledger root does not extend its parent";
      }
      Optional<String> seed = epochs.seedProofProblem(header);
      if (seed.isPresent()) {
        return seed.get();
      }
      if (block.block().getSerializedSize() > limits.maxBlockBytes()
          || block.block().getTransactionsCount() > limits.maxTransactions()) {
        return "block over the size or transaction limits";
      }
      for (ByteString tx : block.block().getTransactionsList()) {
        if (tx.size() > limits.maxTransactionBytes()) {
          return "a transaction over " + limits.maxTransactionBytes() + " bytes";
        }
      }
      java.util.Set<ByteString> inBlock = new java.util.HashSet<>();
      for (ByteString hash : block.transactionHashes()) {
        if (!inBlock.add(hash) || onTheChainBelow.contains(hash)) {
          return "a transaction twice";
        }
      }
      return null;
    } catch (Exception e) {
      return "header does not parse";
    }
  }

  /** Every input is preceded by the time, so the replica's timers run on the real clock. */
  private void input(
      java.util.function.Function<
              Replica<NodeBlock, SignedEnvelope>, List<ReplicaOutput<NodeBlock, SignedEnvelope>>>
          call) {
    if (halted || replica == null || switching) {
      return;
    }
    step(replica.onTick(now()));
    step(call.apply(replica));
  }

  private void step(List<ReplicaOutput<NodeBlock, SignedEnvelope>> outputs) {
    if (halted || replica == null || switching) {
      return;
    }
    if (replica.deliveredSequence() + 1 != height) {
      lastProgressMs = now();
    }
    height = replica.deliveredSequence() + 1;
    if (replica.view() > view) {
      viewChanges.incrementAndGet();
    }
    view = replica.view();
    for (ReplicaOutput<NodeBlock, SignedEnvelope> output : outputs) {
      Optional<SignedEnvelope> envelope = wire.encode(output);
      if (envelope.isPresent()
          && fault == FaultInjection.EQUIVOCATE
          && output instanceof ReplicaOutput.SendPrePrepare<NodeBlock, SignedEnvelope> proposal) {
        equivocate(envelope.get(), proposal);
      } else if (envelope.isPresent()) {
        broadcast(envelope.get());
      } else if (output instanceof ReplicaOutput.Finalize<NodeBlock, SignedEnvelope> f) {
        store(f);
      } else if (output instanceof ReplicaOutput.CheckpointStable<NodeBlock, SignedEnvelope>) {
        saveState();
      } else if (output instanceof ReplicaOutput.SetTimer<NodeBlock, SignedEnvelope> t) {
        vertx.cancelTimer(timer);
        timer = vertx.setTimer(Math.max(1, t.at() - now()), id -> input(r -> List.of()));
      } else if (output instanceof ReplicaOutput.CancelTimer<NodeBlock, SignedEnvelope>) {
        vertx.cancelTimer(timer);
      } else if (output instanceof ReplicaOutput.ViewInstalled<NodeBlock, SignedEnvelope> v) {
        // The old views' proposals are refused now anyway; those of the new view stay: its
        // leader's proposals may arrive before the NEW-VIEW that installs it here.
        dropHeld(proposal -> headerOf(proposal.call().blocks().get(0)).getView() < v.view());
        returnOwnProposals();
        installedView = v.view();
        saveState();
        LOG.info(
            "node {} entered view {} (leader {})", selfId, v.view(), validators.idOf(v.leader()));
      } else if (output instanceof ReplicaOutput.Rejected<NodeBlock, SignedEnvelope> r) {
        rejected.incrementAndGet();
        LOG.debug("refused from {}: {}", r.sender(), r.reason());
      } else if (output instanceof ReplicaOutput.Evidence<NodeBlock, SignedEnvelope> e) {
        LOG.warn("evidence against {}: {}", validators.idOf(e.validator()), e.what());
      } else if (output instanceof ReplicaOutput.CatchUp<NodeBlock, SignedEnvelope>
          || output instanceof ReplicaOutput.FetchState<NodeBlock, SignedEnvelope>) {
        catchUp();
      }
    }
    propose();
  }

  /**
   * Fault injection: the proposal to the first half of the others, a conflicting one (the same
   * transactions under another header: a later timestamp) to the rest.
   */
  private void equivocate(
      SignedEnvelope honest, ReplicaOutput.SendPrePrepare<NodeBlock, SignedEnvelope> proposal) {
    BlockHeader header = headerOf(proposal.block());
    NodeBlock twin =
        NodeBlock.of(
            proposal.block().block().toBuilder()
                .setHeader(
                    header.toBuilder()
                        .setTimestampMs(header.getTimestampMs() + 1)
                        .build()
                        .toByteString())
                .build());
    SignedEnvelope conflicting =
        wire.encode(
                new ReplicaOutput.SendPrePrepare<NodeBlock, SignedEnvelope>(
                    proposal.view(), proposal.sequence(), twin))
            .orElseThrow();
    int sent = 0;
    for (int i = 0; i < validators.size(); i++) {
      String id = validators.idOf(i);
      if (!id.equals(selfId)) {
        vertx
            .eventBus()
            .publish(
                address(id, "inbox"), sent++ < (validators.size() - 1) / 2 ? honest : conflicting);
      }
    }
  }

  private void broadcast(SignedEnvelope envelope) {
    List<SignedEnvelope> sending =
        misbehaviour == null ? List.of(envelope) : misbehaviour.outbound(envelope);
    for (SignedEnvelope message : sending) {
      for (int i = 0; i < validators.size(); i++) {
        String id = validators.idOf(i);
        if (!id.equals(selfId)) {
          vertx.eventBus().publish(address(id, "inbox"), message);
        }
      }
    }
  }

  /** A validator of the current set other than {@code id}: whom a forger poses as. */
  private String otherThan(String id) {
    for (int i = 0; i < validators.size(); i++) {
      if (!validators.idOf(i).equals(id)) {
        return validators.idOf(i);
      }
    }
    return id;
  }

  /**
   * Queues a final block for storage. Blocks that become final while an append runs are stored
   * together by the next one (group commit: one write transaction, one sync).
   */
  private void store(ReplicaOutput.Finalize<NodeBlock, SignedEnvelope> finalized) {
    finalizedAtMs.put(finalized.sequence(), clock.millis());
    pendingFinals.add(finalized);
    if (pendingFinals.size() == 1) {
      serially(this::storeFinals)
          .onFailure(
              failure -> {
                if (storeFailing) {
                  return; // one retry loop at a time
                }
                // Never append past a block that is not stored: stop, say so, and try again now
                // and then (a full disk may get room back).
                halted = true;
                storeFailing = true;
                vertx.cancelTimer(timer);
                LOG.error(
                    "node {} could not store final blocks from height {} and stops consensus: {}."
                        + " It tries again every {} s and resumes (catching up) once the store"
                        + " takes them: free disk space, or raise storage.maxMapSizeBytes and"
                        + " restart the node",
                    selfId,
                    storedHeight,
                    failure.getMessage().replaceAll("[.\\s]+$", ""),
                    STORE_RETRY_MS / 1000);
                retryTimer = vertx.setTimer(STORE_RETRY_MS, id -> retryStore());
              });
    }
  }

  /** While the store refuses final blocks: tries them again; on success consensus resumes. */
  private void retryStore() {
    if (!storeFailing) {
      return;
    }
    serially(this::storeFinals)
        .onSuccess(
            stored -> {
              storeFailing = false;
              halted = false;
              lastProgressMs = now();
              LOG.info(
                  "node {} stores again (ledger at height {}): consensus resumes",
                  selfId,
                  storedHeight);
              catchUp(); // the others went on meanwhile
            })
        .onFailure(
            failure -> {
              LOG.debug("node {} still cannot store: {}", selfId, failure.getMessage());
              retryTimer = vertx.setTimer(STORE_RETRY_MS, id -> retryStore());
            });
  }

  /**
   * After storing up to {@code last}: if the epoch moved, consensus goes on with its voters. Where
   * they change, a new replica starts (see {@link #switchVoters}); otherwise proposals of the new
   * epoch that waited for this block are judged now.
   */
  private void afterEpochBoundary(NodeBlock last) {
    if (epochs.currentEpoch() == epochAtLastStore) {
      return;
    }
    epochAtLastStore = epochs.currentEpoch();
    EpochRules.Voters voters = epochs.voters();
    if (voters.since() != votersSince) {
      switching = true;
      LOG.info(
          "node {} entered epoch {} at height {}: its validators change to {}",
          selfId,
          epochAtLastStore,
          last.height() + 1,
          idsOf(voters.keys()));
      vertx.runOnContext(ignored -> switchVoters(voters));
      return;
    }
    LOG.info("node {} entered epoch {} at height {}", selfId, epochAtLastStore, last.height() + 1);
    vertx.runOnContext(
        ignored -> {
          // Every proposal held for the new epoch is judged again, whatever parent it names.
          // Held proposals at heights the ledger holds can never be needed.
          dropHeld(proposal -> proposal.call().blocks().get(0).height() < storedHeight);
          takeHeld().forEach(this::checkedProposal);
          releaseEarly();
          // A view change under way may now be this node's to lead.
          input(Replica::onLeadersChanged);
        });
  }

  /**
   * Starts consensus with new voters, from the ledger's tip: a replica (if this node is one of
   * them) whose proof-free genesis checkpoint is the block that ended the previous voters' epoch,
   * in the view that block was certified in (views go on across epochs). Proposals and votes held
   * meanwhile are decoded again with the new voters' keys and numbering. The old replica's votes
   * die with it: heights belong to one epoch, and every height of the old one is final here.
   */
  private void switchVoters(EpochRules.Voters voters) {
    switchVoters(voters, 1);
  }

  private void switchVoters(EpochRules.Voters voters, int attempt) {
    blockBelow(voters.since())
        .onFailure(
            failure -> {
              if (attempt < 5) {
                LOG.warn(
                    "node {} could not read block {}, where its new validators start ({}): tries"
                        + " again",
                    selfId,
                    voters.since() - 1,
                    failure.getMessage());
                vertx.setTimer(1_000L * attempt, id -> switchVoters(voters, attempt + 1));
              } else {
                haltSwitch(voters, failure);
              }
            })
        .onSuccess(
            below -> {
              try {
                startVoters(voters, below);
              } catch (RuntimeException e) {
                haltSwitch(voters, e);
              }
            });
  }

  private void haltSwitch(EpochRules.Voters voters, Throwable failure) {
    halted = true;
    vertx.cancelTimer(timer);
    LOG.error(
        "node {} could not start consensus with its new validators from height {} and stops"
            + " consensus: {}",
        selfId,
        voters.since(),
        failure.toString());
  }

  private void startVoters(EpochRules.Voters voters, Optional<FinalizedBlock> below) {
    vertx.cancelTimer(timer);
    returnOwnProposals();
    Checkpoints.Stable<SignedEnvelope> genesis = genesisCheckpoint(below);
    long startView = startViewOf(below);
    List<SignedEnvelope> again = new ArrayList<>();
    takeHeld().forEach(proposal -> again.add(proposal.envelope()));
    again.addAll(takeEarly());
    adoptVoters(voters);
    checkpoints =
        new Checkpoints<>(quorums, settings.checkpointInterval(), settings.window(), genesis);
    replica = self < 0 ? null : newReplica(startView, storedHeight - 1, storedTip, genesis, false);
    installedView = startView;
    view = startView;
    switching = false;
    LOG.info(
        "node {} runs consensus from height {} with {} validators {} (f={}) in view {}, {}",
        selfId,
        storedHeight,
        validators.size(),
        idsOf(validators),
        quorums.faulty(),
        startView,
        replica == null ? "as an observer" : "as validator " + self);
    saveState();
    again.forEach(envelope -> inbound(envelope, true));
    input(r -> List.of());
    catchUp();
  }

  private static List<String> idsOf(ValidatorKeys keys) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      ids.add(keys.idOf(i));
    }
    return ids;
  }

  /** Runs storage work after the work queued before it, whatever its outcome. */
  private <T> Future<T> serially(java.util.function.Supplier<Future<T>> work) {
    Future<T> result = storing.transform(ignored -> work.get());
    storing = result.otherwiseEmpty();
    return result;
  }

  private Future<Void> storeFinals() {
    List<ReplicaOutput.Finalize<NodeBlock, SignedEnvelope>> batch = pendingFinals;
    pendingFinals = new ArrayList<>();
    // Blocks a catch-up stored meanwhile are skipped: the certificates prove them the same.
    List<ReplicaOutput.Finalize<NodeBlock, SignedEnvelope>> fresh =
        batch.stream().filter(f -> f.sequence() >= storedHeight).toList();
    if (fresh.isEmpty()) {
      return Future.succeededFuture();
    }
    if (fresh.get(0).sequence() != storedHeight) {
      return Future.failedFuture(
          "block " + fresh.get(0).sequence() + " is final but the ledger ends at " + storedHeight);
    }
    BlockRange.Builder range = BlockRange.newBuilder();
    for (ReplicaOutput.Finalize<NodeBlock, SignedEnvelope> f : fresh) {
      range.addBlocks(
          FinalizedBlock.newBuilder().setBlock(f.block().block()).setCertificate(certificate(f)));
    }
    return appendAndAnnounce(range.build(), fresh.stream().map(f -> f.block()).toList())
        .onFailure(
            failure -> {
              // Kept, in order, for the next try.
              List<ReplicaOutput.Finalize<NodeBlock, SignedEnvelope>> again =
                  new ArrayList<>(fresh);
              again.addAll(pendingFinals);
              pendingFinals = again;
            })
        .onSuccess(
            done -> {
              finalizedBlocks.addAndGet(fresh.size());
              finalizedTransactions.addAndGet(
                  fresh.stream().mapToLong(f -> f.block().transactionHashes().size()).sum());
              fastBlocks.addAndGet(fresh.stream().filter(f -> f.path() == Slot.Path.FAST).count());
              fresh.forEach(f -> input(r -> r.onStored(f.sequence(), f.block().hash())));
            });
  }

  /**
   * Appends consecutive blocks (group commit), then announces them, moves the ledger roots and the
   * epoch on, and tells the mempool their transactions are final, before the leader may cut another
   * block. Completes once the mempool has heard; fails if the append does.
   */
  private Future<Void> appendAndAnnounce(BlockRange range, List<NodeBlock> blocks) {
    return append(range)
        .compose(
            stored -> {
              NodeBlock last = blocks.get(blocks.size() - 1);
              storedTipTimestampMs = headerOf(last).getTimestampMs();
              storedHeight = last.height() + 1;
              storedTip = last.hash();
              if (replica == null) {
                height = storedHeight; // an observer's height is its ledger's
              }
              // A stored block that is not this node's proposal at its height (a view change it
              // never saw, a catch-up past it) overtakes that proposal and every one above it
              // (they extend it): all their transactions are offered again once the stored ones
              // are final (the mempool ignores those, which are no longer pending).
              List<ByteString> overtaken = new ArrayList<>();
              boolean lost =
                  blocks.stream()
                      .anyMatch(
                          block -> {
                            NodeBlock own = ownProposals.get(block.height());
                            return own != null && !own.hash().equals(block.hash());
                          });
              if (lost) {
                ownProposals.values().forEach(own -> overtaken.addAll(own.transactionHashes()));
                ownProposals.clear();
              } else {
                ownProposals.headMap(storedHeight).clear();
              }
              afterEpochBoundary(last);
              List<ByteString> transactions = new ArrayList<>();
              for (int i = 0; i < blocks.size(); i++) {
                announce(range.getBlocks(i), finalizedAtMs.remove(blocks.get(i).height()));
                roots.finalized(blocks.get(i));
                transactions.addAll(blocks.get(i).transactionHashes());
              }
              // Blocks a catch-up stored instead are never announced from here.
              finalizedAtMs.headMap(storedHeight).clear();
              return mempoolFinalized(transactions)
                  .compose(done -> overtaken.isEmpty() ? done() : mempoolUnproposed(overtaken));
            });
  }

  private Future<Void> append(BlockRange blocks) {
    return vertx
        .eventBus()
        .request(
            StorageVerticle.address(selfId, "append-range"),
            blocks,
            new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(120_000))
        .mapEmpty();
  }

  /**
   * Publishes a stored block on {@link #FINALIZED}: header and certificate, no transactions, with
   * headers naming this node and (for a block this node's replica finalized, not one fetched) when
   * it became final here, in epoch milliseconds: what a transaction's trace needs.
   */
  private void announce(FinalizedBlock block, Long finalizedAt) {
    io.vertx.core.eventbus.DeliveryOptions headers =
        new io.vertx.core.eventbus.DeliveryOptions().addHeader("node", selfId);
    if (finalizedAt != null) {
      headers.addHeader(FINALIZED_AT_HEADER, Long.toString(finalizedAt));
    }
    vertx
        .eventBus()
        .publish(
            FINALIZED,
            block.toBuilder().setBlock(block.getBlock().toBuilder().clearTransactions()).build(),
            headers);
  }

  private static Future<Void> done() {
    return Future.succeededFuture();
  }

  private Future<Void> mempoolUnproposed(List<ByteString> transactions) {
    return vertx
        .eventBus()
        .request(MempoolVerticle.address(selfId, "unproposed"), hashes(transactions))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  private Future<Void> mempoolFinalized(List<ByteString> transactions) {
    return vertx
        .eventBus()
        .request(MempoolVerticle.address(selfId, "finalized"), hashes(transactions))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  /**
   * Fetches what peers have finalized beyond this node's ledger, one epoch at a time (the next
   * epoch's voters, who certify its blocks, are known once this one's last block is stored); one
   * run at a time, and none while the voters change.
   */
  private void catchUp() {
    if (halted || switching || catching != null) {
      return;
    }
    long from = storedHeight;
    Future<Long> start =
        from == 0 && settings.snapshotSyncMinBlocks() > 0
            ? snapshotFirst()
            : Future.succeededFuture(from);
    catching =
        start.compose(
            reached ->
                halted || switching
                    ? Future.succeededFuture(reached)
                    : sync.catchUp(reached, endOfCurrentEpoch()));
    catching
        .onComplete(done -> catching = null)
        .onSuccess(
            reached -> {
              if (reached > from) {
                LOG.info("node {} caught up to height {}", selfId, reached);
                if (replica != null) {
                  askStableCheckpoints();
                }
                // More may be there: the run stopped at an epoch's end, or peers moved on.
                vertx.runOnContext(again -> catchUp());
              }
            })
        .onFailure(
            failure -> LOG.warn("node {} catch-up stopped: {}", selfId, failure.getMessage()));
  }

  /** The height after the current epoch's last block (no end: the largest height). */
  private long endOfCurrentEpoch() {
    long last = epochs.lastHeightOf(storedEpoch());
    return last == Long.MAX_VALUE ? last : last + 1;
  }

  /**
   * An empty ledger at least {@code snapshotSyncMinBlocks} behind the trusted tip installs a peer's
   * snapshot first ({@link SnapshotSync}); completes with the height reached either way (a failed
   * snapshot leaves the ledger empty, and block catch-up does it all).
   */
  private Future<Long> snapshotFirst() {
    return sync.peerTips()
        .compose(
            tips -> {
              long target = sync.trustedTip(tips);
              if (target < settings.snapshotSyncMinBlocks()) {
                return Future.succeededFuture(storedHeight);
              }
              LOG.info(
                  "node {} has an empty ledger {} blocks behind: it installs a peer's snapshot",
                  selfId,
                  target);
              // Whatever the install's outcome, the ledger is then taken as storage has it (an
              // install whose reply was lost may still have happened).
              return serially(
                      () ->
                          snapshots
                              .install(tips, settings.snapshotSyncMinBlocks())
                              .transform(outcome -> adoptStoredLedger()))
                  .map(ignored -> storedHeight);
            });
  }

  /**
   * After a snapshot install the ledger jumped from empty to what storage now holds: roots, epoch,
   * replica and the saved consensus state follow. Blocks from a snapshot are not announced on
   * {@link #FINALIZED} one by one; storage serves them.
   */
  private Future<Void> adoptStoredLedger() {
    return vertx
        .eventBus()
        .<JsonObject>request(StorageVerticle.address(selfId, "frontier"), new JsonObject())
        .compose(
            frontier -> {
              long size = frontier.body().getLong("size");
              if (size <= storedHeight) {
                return Future.<Void>succeededFuture();
              }
              return vertx
                  .eventBus()
                  .<FinalizedBlock>request(
                      StorageVerticle.address(selfId, "block"),
                      new JsonObject().put("height", size - 1))
                  .compose(last -> adopt(frontier.body(), NodeBlock.of(last.body().getBlock())));
            });
  }

  private Future<Void> adopt(JsonObject frontier, NodeBlock last) {
    long size = frontier.getLong("size");
    if (last.height() != size - 1
        || !HEX.formatHex(last.hash().toByteArray()).equals(frontier.getString("tipHash"))) {
      return Future.failedFuture("storage's tip moved while consensus read it: " + frontier);
    }
    long gained = size - storedHeight;
    storedHeight = size;
    storedTip = last.hash();
    storedTipTimestampMs = headerOf(last).getTimestampMs();
    roots = ledgerRoots(frontier, last.hash());
    syncedBlocks.addAndGet(gained);
    snapshotBlocks.addAndGet(gained);
    afterEpochBoundary(last);
    input(r -> r.onStateFetched(last.height(), last.hash()));
    releaseChildren(last.hash());
    LOG.info("node {} installed a snapshot up to height {}", selfId, last.height());
    return saveState();
  }

  /** The stable checkpoint as a signed envelope, sealed once per checkpoint (signing costs). */
  private SignedEnvelope sealedStableCheckpoint() {
    Checkpoints.Stable<SignedEnvelope> stable = checkpoints.stable();
    if (sealedCheckpoint == null || sealedCheckpointSequence != stable.sequence()) {
      sealedCheckpoint =
          wire.encode(new ReplicaOutput.SendStableCheckpoint<>(stable)).orElseThrow();
      sealedCheckpointSequence = stable.sequence();
    }
    return sealedCheckpoint;
  }

  /**
   * After a catch-up the replica's window may still sit at an old checkpoint: each peer's proven
   * stable checkpoint (a signed envelope, checked like any consensus message) moves it up to where
   * the others vote.
   */
  private void askStableCheckpoints() {
    for (int i = 0; i < validators.size(); i++) {
      String peer = validators.idOf(i);
      if (!peer.equals(selfId)) {
        vertx
            .eventBus()
            .<SignedEnvelope>request(
                address(peer, "checkpoint"),
                new JsonObject(),
                new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(2_000))
            .onSuccess(reply -> inbound(reply.body()));
      }
    }
  }

  /**
   * Stores blocks fetched from peers (verified by {@link BlockSync}), then tells the replica the
   * state it now has, and signs the checkpoints among them as for blocks it finalized itself.
   */
  private Future<Void> storeSynced(List<BlockSync.Verified> blocks) {
    return serially(
        () -> {
          List<BlockSync.Verified> fresh =
              blocks.stream().filter(b -> b.block().height() >= storedHeight).toList();
          if (fresh.isEmpty() || halted) {
            return Future.succeededFuture();
          }
          BlockRange.Builder range = BlockRange.newBuilder();
          fresh.forEach(b -> range.addBlocks(b.finalized()));
          List<NodeBlock> stored = fresh.stream().map(BlockSync.Verified::block).toList();
          NodeBlock last = stored.get(stored.size() - 1);
          return appendAndAnnounce(range.build(), stored)
              .onSuccess(
                  done -> {
                    syncedBlocks.addAndGet(stored.size());
                    input(r -> r.onStateFetched(last.height(), last.hash()));
                    for (NodeBlock b : stored) {
                      if (checkpoints.isCheckpointSequence(b.height())) {
                        input(r -> r.onStored(b.height(), b.hash()));
                      }
                    }
                    // Proposals that arrived before their parent can be judged now.
                    releaseChildren(last.hash());
                  });
        });
  }

  /**
   * Saves the installed view and the stable checkpoint next to the ledger, so that a restart
   * resumes from them; saves run one at a time, the last call's state last.
   */
  private Future<Void> saveState() {
    if (saving != null) {
      saveAgain = true;
      return saving;
    }
    Checkpoints.Stable<SignedEnvelope> stable = checkpoints.stable();
    ConsensusState state =
        ConsensusState.newBuilder()
            .setView(installedView)
            .setStableSequence(stable.sequence())
            .setStableBlockHash(stable.digest())
            .addAllStableProof(stable.proof())
            .build();
    io.vertx.core.Promise<Void> saved = io.vertx.core.Promise.promise();
    saving = saved.future(); // set before the request, whose callbacks might run at once
    long view = installedView;
    vertx
        .eventBus()
        .request(StorageVerticle.address(selfId, "save-consensus-state"), state.toByteArray())
        .onComplete(
            done -> {
              saving = null;
              if (done.succeeded()) {
                savedView = Math.max(savedView, view);
              } else {
                LOG.warn("node {} could not save its consensus state: {}", selfId, done.cause());
              }
              if (saveAgain) {
                saveAgain = false;
                saveState();
              }
              saved.handle(done.mapEmpty());
              propose(); // a leader waiting for its view to be saved may go on
            });
    return saved.future();
  }

  /** Transaction hashes as the node's local addresses take them: packed, 32 bytes each. */
  private static byte[] hashes(List<ByteString> transactionHashes) {
    return io.swarmcore.codecs.HashLists.pack(transactionHashes);
  }

  private static List<ByteString> hashesOf(List<ByteString> transactions) {
    return transactions.stream()
        .map(tx -> ByteString.copyFrom(LedgerHashes.transaction(tx)))
        .toList();
  }

  private Certificate certificate(ReplicaOutput.Finalize<NodeBlock, SignedEnvelope> finalized) {
    Certificate.Builder certificate =
        Certificate.newBuilder()
            .setKind(
                finalized.path() == Slot.Path.FAST
                    ? CertificateKind.CERTIFICATE_KIND_FAST
                    : CertificateKind.CERTIFICATE_KIND_COMMIT)
            .setSequence(finalized.sequence())
            .setBlockHash(finalized.block().hash());
    for (SignedEnvelope vote : finalized.certificate()) {
      try {
        // PREPARE and COMMIT share the layout of their first fields.
        certificate.setView(Prepare.parseFrom(vote.getPayload()).getView());
      } catch (Exception e) {
        throw new IllegalStateException("a certificate vote does not parse", e);
      }
      certificate.addSignatures(
          CertificateSignature.newBuilder()
              .setSigner(vote.getSigner())
              .setSignature(vote.getSignature()));
    }
    return certificate.build();
  }

  /** Polls the mempool: work pending arms the view timer; the leader may cut a block. */
  private void pollMempool() {
    vertx
        .eventBus()
        .<JsonObject>request(MempoolVerticle.address(selfId, "status"), new JsonObject())
        .onSuccess(
            reply -> {
              boolean pending = reply.body().getInteger("size") > 0;
              if (pending && !workPending) {
                lastProgressMs = now(); // the wait for progress starts with the work
              }
              workPending = pending;
              input(r -> r.onWorkPending(pending));
            });
  }

  /** As leader with room in the window, takes a batch from the mempool and proposes it. */
  private void propose() {
    if (replica == null || switching) {
      return;
    }
    Optional<Long> sequence = replica.nextProposalSequence();
    Optional<ByteString> parent = replica.proposalParent();
    if (proposing || sequence.isEmpty() || parent.isEmpty()) {
      return;
    }
    if (sequence.get() - replica.deliveredSequence() > settings.pipelineDepth()) {
      return; // enough in flight: the next block fills up meanwhile
    }
    if (replica.view() > savedView) {
      return; // not before the view is saved: a restart must know it may have proposed in it
    }
    if (epochs.epochOf(sequence.get()) > storedEpoch()) {
      return; // the next epoch's first block waits until this node stored the current one's last
    }
    if (epochs.endsEpoch(sequence.get()) && !epochs.canProveSeed()) {
      if (!warnedNoVrfKey) {
        warnedNoVrfKey = true;
        LOG.error(
            "node {} leads but has no VRF key in its key file: it cannot propose block {}, which"
                + " ends an epoch; the others will change view",
            selfId,
            sequence.get());
      }
      return;
    }
    Optional<ByteString> ledgerRoot = roots.rootAfter(parent.get());
    if (ledgerRoot.isEmpty()) {
      return;
    }
    proposing = true;
    Batcher.Limits limits = settings.blockLimits();
    vertx
        .eventBus()
        .<TransactionBatch>request(
            MempoolVerticle.address(selfId, "propose"),
            new JsonObject()
                .put("maxTransactions", limits.maxTransactions())
                .put("maxBytes", limits.maxBytes()))
        .onComplete(
            reply -> {
              if (reply.failed() || reply.result().body().getTransactionsCount() == 0) {
                proposing = false;
                return;
              }
              List<ByteString> offered = reply.result().body().getTransactionsList();
              // Transactions already in the blocks below (a new leader's mempool still holds the
              // previous leader's in-flight ones) are left out: they become final with those.
              java.util.Set<ByteString> below = roots.transactionsDownFrom(parent.get());
              List<ByteString> candidates =
                  offered.stream()
                      .filter(
                          tx -> !below.contains(ByteString.copyFrom(LedgerHashes.transaction(tx))))
                      .toList();
              if (candidates.size() < offered.size()) {
                // Back to the pool: final with their block, or offered again if it is abandoned.
                java.util.Set<ByteString> kept = new java.util.HashSet<>(candidates);
                List<ByteString> skipped =
                    offered.stream().filter(tx -> !kept.contains(tx)).toList();
                vertx
                    .eventBus()
                    .request(
                        MempoolVerticle.address(selfId, "unproposed"), hashes(hashesOf(skipped)));
              }
              // So are those already final whose news has not reached the mempool yet (a leader
              // that took over at an epoch boundary): storage would refuse the block.
              knownFinal(hashesOf(candidates))
                  .onComplete(
                      known -> {
                        proposing = false;
                        if (known.failed()
                            || replica == null
                            || switching
                            || !replica.nextProposalSequence().equals(sequence)
                            || !replica.proposalParent().equals(parent)) {
                          // The view or the chain moved meanwhile: give them back.
                          vertx
                              .eventBus()
                              .request(
                                  MempoolVerticle.address(selfId, "unproposed"),
                                  hashes(hashesOf(offered)));
                          return;
                        }
                        if (!known.result().isEmpty()) {
                          mempoolFinalized(List.copyOf(known.result()));
                        }
                        List<ByteString> txs =
                            candidates.stream()
                                .filter(
                                    tx ->
                                        !known
                                            .result()
                                            .contains(
                                                ByteString.copyFrom(LedgerHashes.transaction(tx))))
                                .toList();
                        proposeBlock(sequence.get(), parent.get(), ledgerRoot.get(), txs);
                      });
            });
  }

  /**
   * The timestamp of the block with {@code hash}, below which a block extending it is never
   * stamped: the stored tip's, or a pending block's this node saw; 0 when unknown.
   */
  private long timestampOf(ByteString hash) {
    if (hash.equals(storedTip)) {
      return storedTipTimestampMs;
    }
    return roots.block(hash).map(block -> headerOf(block).getTimestampMs()).orElse(0L);
  }

  /** Builds the block of {@code txs} at {@code sequence} and hands it to the replica. */
  private void proposeBlock(
      long sequence, ByteString parent, ByteString ledgerRoot, List<ByteString> txs) {
    if (txs.isEmpty()) {
      return;
    }
    List<byte[]> txHashes = txs.stream().map(LedgerHashes::transaction).toList();
    BlockHeader header =
        BlockHeader.newBuilder()
            .setHeight(sequence)
            .setView(replica.view())
            .setParentHash(parent)
            .setLedgerRoot(ledgerRoot)
            .setTxRoot(ByteString.copyFrom(LedgerHashes.txRoot(txHashes)))
            .setTxCount(txs.size())
            .setProposer(selfId)
            // Never before the block below, even if this node's clock jumped back.
            .setTimestampMs(Math.max(clock.millis(), timestampOf(parent)))
            .setVrfSeedProof(epochs.endsEpoch(sequence) ? epochs.proveSeed() : ByteString.EMPTY)
            .build();
    NodeBlock block =
        NodeBlock.of(
            io.swarmcore.codecs.proto.Block.newBuilder()
                .setHeader(header.toByteString())
                .addAllTransactions(txs)
                .build());
    roots.saw(block);
    ownProposals.put(sequence, block);
    input(r -> r.propose(block));
  }

  /** Which of these transactions the stored ledger holds already. */
  private Future<java.util.Set<ByteString>> knownFinal(List<ByteString> transactionHashes) {
    if (transactionHashes.isEmpty()) {
      return Future.succeededFuture(java.util.Set.of());
    }
    return vertx
        .eventBus()
        .<byte[]>request(
            StorageVerticle.address(selfId, "known-transactions"), hashes(transactionHashes))
        .map(reply -> new java.util.HashSet<>(io.swarmcore.codecs.HashLists.unpack(reply.body())));
  }

  private void status(Message<Object> message) {
    message.reply(
        new JsonObject()
            .put("view", view)
            .put("leader", validators.idOf(leaderIndex(view)))
            .put("changingView", replica != null && replica.isChangingView())
            .put("height", height)
            .put("validator", replica != null)
            .put("validators", new JsonArray(idsOf(validators)))
            .put("finalized", finalizedBlocks.get())
            .put("fastPath", fastBlocks.get())
            .put("rejected", rejected.get())
            .put("overloaded", overloaded.get())
            .put("replayed", replayed.get())
            .put("rateLimited", rateLimited.get())
            .put("synced", syncedBlocks.get())
            .put("fromSnapshot", snapshotBlocks.get())
            .put("catchingUp", catching != null)
            .put("halted", halted));
  }
}
