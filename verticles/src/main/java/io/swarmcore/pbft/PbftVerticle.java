package io.swarmcore.pbft;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.InboundMessages;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.RejectedMessageException;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.codecs.proto.Certificate;
import io.swarmcore.codecs.proto.CertificateKind;
import io.swarmcore.codecs.proto.CertificateSignature;
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
import java.util.function.LongToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the PBFT replica of one validator over the event bus (docs/CONSENSUS-NODE.md): inbound
 * envelopes are verified in a worker pool, then handed to the replica; its outputs become publishes
 * to the other validators' inboxes, storage appends, mempool updates and timers. The leader builds
 * blocks from mempool batches. Deploy it as a worker verticle: the replica, and the signing it asks
 * for, then run off the event loop.
 *
 * <p>First version (issue 7 in progress): no catch-up, state sync or restart yet.
 */
public final class PbftVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PbftVerticle.class);
  private static final HexFormat HEX = HexFormat.of();

  /** How the replica is tuned; defaults in {@link #defaults()}. */
  public record Settings(
      long checkpointInterval,
      long window,
      long baseTimeoutMs,
      long maxTimeoutMs,
      Batcher.Limits blockLimits,
      int verifyThreads,
      long commitGraceMs) {
    public static Settings defaults() {
      return new Settings(16, 64, 2_000, 30_000, new Batcher.Limits(2_000, 4L << 20, 5), 2, 50);
    }
  }

  private final String selfId;
  private final SigningKey key;
  private final ValidatorKeys validators;
  private final LongToIntFunction leaderOf;
  private final Quorums quorums;
  private final Settings settings;

  private ConsensusWire wire;
  private Replica<NodeBlock, SignedEnvelope> replica;
  private LedgerRoots roots;
  private WorkerExecutor verifiers;
  private long timer = -1;
  private long pollTimer = -1;
  private static final int MAX_VERIFYING = 10_000;

  private boolean proposing;
  private boolean halted;
  private int verifying;
  private final java.util.concurrent.atomic.AtomicLong overloaded =
      new java.util.concurrent.atomic.AtomicLong();
  private int heldCount;
  private final java.util.Map<ByteString, List<ConsensusWire.Inbound>> held =
      new java.util.HashMap<>();
  private Future<?> storing = Future.succeededFuture();
  // Read by the metrics scrape from another thread.
  private final java.util.concurrent.atomic.AtomicLong finalizedBlocks =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong fastBlocks =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong rejected =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile long height;
  private volatile long view;

  public PbftVerticle(
      String selfId,
      SigningKey key,
      ValidatorKeys validators,
      LongToIntFunction leaderOf,
      Quorums quorums,
      Settings settings) {
    this.selfId = selfId;
    this.key = key;
    this.validators = validators;
    this.leaderOf = leaderOf;
    this.quorums = quorums;
    this.settings = settings;
  }

  /**
   * Where each node publishes the blocks it made final and stored: a {@code FinalizedBlock} with
   * the header and certificate (transactions left out; fetch them from storage by height).
   */
  public static final String FINALIZED = "swarm.blocks.finalized";

  /** What the node's /metrics shows of consensus; safe to read from any thread. */
  public record Stats(
      long height, long view, long finalized, long fastPath, long rejected, long overloaded) {}

  public Stats stats() {
    return new Stats(
        height, view, finalizedBlocks.get(), fastBlocks.get(), rejected.get(), overloaded.get());
  }

  /** {@code swarm.pbft.<nodeId>.<verb>}. */
  public static String address(String nodeId, String verb) {
    return "swarm.pbft." + nodeId + "." + verb;
  }

  @Override
  public Future<?> start() {
    int self =
        validators
            .indexOf(selfId)
            .orElseThrow(() -> new IllegalStateException(selfId + " is not a validator"));
    wire = new ConsensusWire(validators, selfId, key);
    verifiers =
        vertx.createSharedWorkerExecutor("swarm-pbft-verify-" + selfId, settings.verifyThreads());
    return vertx
        .eventBus()
        .<JsonObject>request(StorageVerticle.address(selfId, "frontier"), new JsonObject())
        .map(reply -> reply.body())
        .compose(
            tip -> {
              long size = tip.getLong("size");
              ByteString tipHash =
                  size == 0
                      ? ByteString.copyFrom(LedgerHashes.noParent())
                      : ByteString.copyFrom(HEX.parseHex(tip.getString("tipHash")));
              List<byte[]> subtrees = new ArrayList<>();
              tip.getJsonArray("subtrees").forEach(h -> subtrees.add(HEX.parseHex((String) h)));
              roots =
                  new LedgerRoots(
                      tipHash, size - 1, MerkleFrontier.of(size, subtrees), settings.window());
              ByteString genesis = ByteString.copyFrom(LedgerHashes.noParent());
              replica =
                  new Replica<>(
                      quorums,
                      self,
                      new Replica.Ports<>(
                          view -> leaderOf.applyAsInt(view),
                          NodeBlock.FACTS,
                          new EnvelopeSigner(selfId, key, s -> Optional.empty()),
                          new EnvelopeVerifier(wire)),
                      new Checkpoints<>(
                          quorums,
                          settings.checkpointInterval(),
                          settings.window(),
                          new Checkpoints.Stable<>(-1, genesis, List.of())),
                      new ProgressTimer(settings.baseTimeoutMs(), settings.maxTimeoutMs()),
                      new Replica.Start(0, size - 1, tipHash),
                      settings.commitGraceMs());
              var inbox =
                  vertx
                      .eventBus()
                      .consumer(
                          address(selfId, "inbox"),
                          InboundMessages.guarded(
                              SignedEnvelope.class,
                              (m, e) -> inbound(e),
                              r -> rejected.incrementAndGet()));
              var status = vertx.eventBus().consumer(address(selfId, "status"), this::status);
              pollTimer =
                  vertx.setPeriodic(
                      Math.max(1, settings.blockLimits().maxDelay()), id -> pollMempool());
              LOG.info(
                  "node {} consensus starts at height {} as validator {} of {}",
                  selfId,
                  size,
                  self,
                  validators.size());
              // The cluster-wide registrations must be known before the node counts as started.
              return Future.all(inbox.completion(), status.completion());
            });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    vertx.cancelTimer(pollTimer);
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
    if (halted) {
      return;
    }
    if (verifying >= MAX_VERIFYING) {
      overloaded.incrementAndGet();
      return;
    }
    verifying++;
    verifiers
        .executeBlocking(() -> wire.decode(envelope), false)
        .onComplete(done -> verifying--)
        .onSuccess(
            call -> {
              if (call.type() == MessageType.MESSAGE_TYPE_PRE_PREPARE) {
                checkedProposal(call.blocks().get(0), call);
              } else {
                call.blocks().forEach(roots::saw);
                input(call.call());
                // Proposals that waited for one of these blocks as their parent can be judged.
                call.blocks().forEach(block -> releaseChildren(block.hash()));
              }
            })
        .onFailure(
            failure -> {
              rejected.incrementAndGet();
              if (!(failure instanceof RejectedMessageException)) {
                LOG.warn(
                    "consensus message from {} failed: {}",
                    envelope.getSigner(),
                    failure.toString());
              }
            });
  }

  /**
   * A proposal counts only if its block is valid where it stands (docs/CONSENSUS-NODE.md); one
   * whose parent is not known yet waits for it (bounded), since its ledger root cannot be checked.
   */
  private void checkedProposal(NodeBlock block, ConsensusWire.Inbound call) {
    Optional<ByteString> expectedRoot = roots.rootAfter(block.parentHash());
    if (expectedRoot.isEmpty()) {
      if (heldCount < settings.window()) {
        held.computeIfAbsent(block.parentHash(), p -> new ArrayList<>()).add(call);
        heldCount++;
      } else {
        rejected.incrementAndGet();
      }
      return;
    }
    String problem =
        blockProblem(block, expectedRoot.get(), roots.transactionsDownFrom(block.parentHash()));
    if (problem != null) {
      rejected.incrementAndGet();
      LOG.debug("proposal {} refused: {}", block.height(), problem);
      return;
    }
    roots.saw(block);
    input(call.call());
    releaseChildren(block.hash());
  }

  private void releaseChildren(ByteString parent) {
    List<ConsensusWire.Inbound> children = held.remove(parent);
    if (children != null) {
      heldCount -= children.size();
      children.forEach(child -> checkedProposal(child.blocks().get(0), child));
    }
  }

  /**
   * Storage's rules for a block where it stands (docs/CONSENSUS-NODE.md), so that nothing the
   * replicas finalize can be refused by storage. Header against body was checked on decoding.
   */
  static String blockProblem(
      NodeBlock block, ByteString expectedRoot, java.util.Set<ByteString> onTheChainBelow) {
    BlockLimits limits = BlockLimits.DEFAULT;
    try {
      BlockHeader header = BlockHeader.parseFrom(block.block().getHeader());
      if (!expectedRoot.equals(header.getLedgerRoot())) {
        return "ledger root does not extend its parent";
      }
      if (!header.getVrfSeedProof().isEmpty()) {
        return "a seed proof outside an epoch boundary (epochs do not change yet)";
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
    if (halted) {
      return;
    }
    step(replica.onTick(now()));
    step(call.apply(replica));
  }

  private void step(List<ReplicaOutput<NodeBlock, SignedEnvelope>> outputs) {
    if (halted) {
      return;
    }
    height = replica.deliveredSequence() + 1;
    view = replica.view();
    for (ReplicaOutput<NodeBlock, SignedEnvelope> output : outputs) {
      Optional<SignedEnvelope> envelope = wire.encode(output);
      if (envelope.isPresent()) {
        broadcast(envelope.get());
      } else if (output instanceof ReplicaOutput.Finalize<NodeBlock, SignedEnvelope> f) {
        store(f);
      } else if (output instanceof ReplicaOutput.SetTimer<NodeBlock, SignedEnvelope> t) {
        vertx.cancelTimer(timer);
        timer = vertx.setTimer(Math.max(1, t.at() - now()), id -> step(replica.onTick(now())));
      } else if (output instanceof ReplicaOutput.CancelTimer<NodeBlock, SignedEnvelope>) {
        vertx.cancelTimer(timer);
      } else if (output instanceof ReplicaOutput.ViewInstalled<NodeBlock, SignedEnvelope> v) {
        held.clear(); // proposals of the old view are refused now anyway
        heldCount = 0;
        LOG.info(
            "node {} entered view {} (leader {})", selfId, v.view(), validators.idOf(v.leader()));
      } else if (output instanceof ReplicaOutput.Rejected<NodeBlock, SignedEnvelope> r) {
        rejected.incrementAndGet();
        LOG.debug("refused from {}: {}", r.sender(), r.reason());
      } else if (output instanceof ReplicaOutput.Evidence<NodeBlock, SignedEnvelope> e) {
        LOG.warn("evidence against {}: {}", validators.idOf(e.validator()), e.what());
      } else if (output instanceof ReplicaOutput.CatchUp<NodeBlock, SignedEnvelope>
          || output instanceof ReplicaOutput.FetchState<NodeBlock, SignedEnvelope>) {
        LOG.info("node {} is behind ({}); catch-up is not built yet (issue 7)", selfId, output);
      }
    }
    propose();
  }

  private void broadcast(SignedEnvelope envelope) {
    for (int i = 0; i < validators.size(); i++) {
      String id = validators.idOf(i);
      if (!id.equals(selfId)) {
        vertx.eventBus().publish(address(id, "inbox"), envelope);
      }
    }
  }

  /** Appends final blocks one after another, then tells the replica and the mempool. */
  private void store(ReplicaOutput.Finalize<NodeBlock, SignedEnvelope> finalized) {
    FinalizedBlock block =
        FinalizedBlock.newBuilder()
            .setBlock(finalized.block().block())
            .setCertificate(certificate(finalized))
            .build();
    storing =
        storing.compose(
            ignored ->
                vertx
                    .eventBus()
                    .<JsonObject>request(
                        StorageVerticle.address(selfId, "append"),
                        block,
                        new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(120_000))
                    .onSuccess(stored -> stored(finalized, block))
                    .onFailure(
                        failure -> {
                          // Never append past a block that is not stored: stop and say so.
                          halted = true;
                          vertx.cancelTimer(timer);
                          LOG.error(
                              "node {} could not store final block {} and stops consensus: {}",
                              selfId,
                              finalized.sequence(),
                              failure.getMessage());
                        }));
  }

  private void stored(
      ReplicaOutput.Finalize<NodeBlock, SignedEnvelope> finalized, FinalizedBlock block) {
    vertx
        .eventBus()
        .publish(
            FINALIZED,
            block.toBuilder().setBlock(block.getBlock().toBuilder().clearTransactions()).build(),
            new io.vertx.core.eventbus.DeliveryOptions().addHeader("node", selfId));
    finalizedBlocks.incrementAndGet();
    if (finalized.path() == Slot.Path.FAST) {
      fastBlocks.incrementAndGet();
    }
    roots.finalized(finalized.block());
    // The mempool drops the block's transactions before the leader may cut another block.
    vertx
        .eventBus()
        .request(
            MempoolVerticle.address(selfId, "finalized"),
            hashes(finalized.block().transactionHashes()))
        .onComplete(done -> input(r -> r.onStored(finalized.sequence(), finalized.block().hash())));
  }

  /** Transaction hashes as the mempool's local addresses take them: a JSON array of hex. */
  private static JsonArray hashes(List<ByteString> transactionHashes) {
    JsonArray hashes = new JsonArray();
    transactionHashes.forEach(hash -> hashes.add(HEX.formatHex(hash.toByteArray())));
    return hashes;
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
              input(r -> r.onWorkPending(pending));
            });
  }

  /** As leader with room in the window, takes a batch from the mempool and proposes it. */
  private void propose() {
    Optional<Long> sequence = replica.nextProposalSequence();
    Optional<ByteString> parent = replica.proposalParent();
    if (proposing || sequence.isEmpty() || parent.isEmpty()) {
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
              proposing = false;
              if (reply.failed() || reply.result().body().getTransactionsCount() == 0) {
                return;
              }
              if (!replica.nextProposalSequence().equals(sequence)
                  || !replica.proposalParent().equals(parent)) {
                // The view or the chain moved while the mempool answered: give them back.
                vertx
                    .eventBus()
                    .request(
                        MempoolVerticle.address(selfId, "unproposed"),
                        hashes(hashesOf(reply.result().body().getTransactionsList())));
                return;
              }
              // Transactions already in the blocks below (a new leader's mempool still holds the
              // previous leader's in-flight ones) are left out: they become final with those.
              java.util.Set<ByteString> below = roots.transactionsDownFrom(parent.get());
              List<ByteString> txs =
                  reply.result().body().getTransactionsList().stream()
                      .filter(
                          tx -> !below.contains(ByteString.copyFrom(LedgerHashes.transaction(tx))))
                      .toList();
              if (txs.isEmpty()) {
                return;
              }
              List<byte[]> txHashes = txs.stream().map(LedgerHashes::transaction).toList();
              BlockHeader header =
                  BlockHeader.newBuilder()
                      .setHeight(sequence.get())
                      .setView(replica.view())
                      .setParentHash(parent.get())
                      .setLedgerRoot(ledgerRoot.get())
                      .setTxRoot(ByteString.copyFrom(LedgerHashes.txRoot(txHashes)))
                      .setTxCount(txs.size())
                      .setProposer(selfId)
                      .setTimestampMs(System.currentTimeMillis())
                      .build();
              NodeBlock block =
                  NodeBlock.of(
                      io.swarmcore.codecs.proto.Block.newBuilder()
                          .setHeader(header.toByteString())
                          .addAllTransactions(txs)
                          .build());
              roots.saw(block);
              input(r -> r.propose(block));
            });
  }

  private void status(Message<Object> message) {
    message.reply(
        new JsonObject()
            .put("view", replica.view())
            .put("changingView", replica.isChangingView())
            .put("height", replica.deliveredSequence() + 1)
            .put("finalized", finalizedBlocks.get())
            .put("fastPath", fastBlocks.get())
            .put("rejected", rejected.get())
            .put("overloaded", overloaded.get())
            .put("halted", halted));
  }
}
