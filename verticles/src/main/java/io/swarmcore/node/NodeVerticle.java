package io.swarmcore.node;

import io.swarmcore.codecs.Codecs;
import io.swarmcore.codecs.proto.ValidatorInfo;
import io.swarmcore.crypto.KeyFile;
import io.swarmcore.crypto.SigningKey;
import io.swarmcore.election.ElectionState;
import io.swarmcore.election.ElectionVerticle;
import io.swarmcore.election.Genesis;
import io.swarmcore.election.core.ElectionCore;
import io.swarmcore.election.core.ElectionParameters;
import io.swarmcore.gateway.EventBusApiVerticle;
import io.swarmcore.gateway.GrpcGatewayVerticle;
import io.swarmcore.gateway.SwarmApi;
import io.swarmcore.ledger.StorageVerticle;
import io.swarmcore.mempool.MempoolVerticle;
import io.swarmcore.node.core.PeerDirectory;
import io.swarmcore.pbft.PbftVerticle;
import io.swarmcore.pbft.core.Quorums;
import io.swarmcore.resilience.ResilienceManager;
import io.swarmcore.resilience.ResilienceVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Swarm node: validates its configuration, loads its key and deploys the node's verticles (so
 * far: peer discovery and the HTTP endpoint). Undeploying it undeploys them all.
 */
public final class NodeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(NodeVerticle.class);

  @Override
  public Future<?> start() {
    NodeConfig config;
    try {
      config = NodeConfig.parse(NodeConfigLoader.defaults().mergeIn(config(), true));
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    Codecs.register(vertx.eventBus());
    Quorums quorums = config.consensus().quorums();
    quorums.notice().ifPresent(LOG::warn);
    LOG.info(
        "quorums: slow {} of {}, fast {} ({}), tolerating f={} faulty and c={} slow",
        quorums.slowQuorum(),
        quorums.validators(),
        quorums.fastQuorum(),
        quorums.fastPathEnabled() ? "enabled" : "disabled",
        quorums.faulty(),
        quorums.slowTolerance());
    return vertx
        .executeBlocking(() -> KeyFile.read(config.keyFile()))
        .compose(
            key ->
                vertx
                    .executeBlocking(() -> election(config))
                    .compose(election -> deployChildren(config, key, election)))
        .onSuccess(
            done ->
                LOG.info(
                    "node {} started ({} validators, f={}, cluster \"{}\")",
                    config.nodeId(),
                    config.consensus().validatorCount(),
                    config.consensus().byzantineTolerance(),
                    config.cluster().name()));
  }

  /** The election over the genesis file, if the node has one. */
  private static Optional<ElectionState> election(NodeConfig config) {
    if (config.genesisFile().isEmpty()) {
      return Optional.empty();
    }
    ElectionParameters parameters = Genesis.read(config.genesisFile().get());
    int listed = parameters.genesisValidators().size();
    if (listed != config.consensus().validatorCount()) {
      throw new ConfigException(
          List.of(
              "genesis file "
                  + config.genesisFile().get()
                  + " lists "
                  + listed
                  + " validators but \"consensus.validatorCount\" is "
                  + config.consensus().validatorCount()));
    }
    return Optional.of(new ElectionState(new ElectionCore(parameters)));
  }

  private Future<?> deployChildren(
      NodeConfig config, SigningKey key, Optional<ElectionState> election) {
    NodeMetrics metrics = NodeMetrics.forNode(config.nodeId());
    PeerDirectory peers = new PeerDirectory();
    long fresh = 3 * config.peers().announceIntervalMs();
    metrics.gauge(
        "swarm_peers_up",
        "Peers heard from within three announce intervals",
        () -> peers.up(NodeClock.monotonicMillis(), fresh).size());
    HealthChecks health = HealthChecks.create(vertx);
    health.register(
        "peers",
        promise ->
            promise.complete(Status.OK(peersJson(peers.up(NodeClock.monotonicMillis(), fresh)))));
    // Ready means able to finalize: a quorum of the validators heard from (a node that is up but
    // cut off says so here, and /health/storage alone serves as a liveness check).
    health.register(
        "quorum",
        promise -> {
          SwarmApi.NodeFacts facts = facts(config, election, peers, fresh);
          JsonObject data =
              new JsonObject()
                  .put("validatorsUp", facts.validators().stream().filter(v -> v.getUp()).count())
                  .put("validators", facts.validators().size());
          promise.complete(facts.quorumReachable() ? Status.OK(data) : Status.KO(data));
        });
    metrics.gauge(
        "swarm_quorum_reachable",
        "1 when a quorum of the validators was heard from within three announce intervals",
        () -> facts(config, election, peers, fresh).quorumReachable() ? 1 : 0);
    Future<String> storage =
        vertx.deployVerticle(new StorageVerticle(config, health, election.orElse(null)));
    if (election.isPresent()) {
      storage =
          storage.compose(id -> vertx.deployVerticle(new ElectionVerticle(config, election.get())));
    }
    ResilienceManager resilience = ResilienceVerticle.build(vertx, config);
    return storage
        .compose(id -> vertx.deployVerticle(new ResilienceVerticle(config, resilience)))
        .compose(
            id -> vertx.deployVerticle(new PeerVerticle(config, key, peers, metrics, resilience)))
        .compose(
            id ->
                vertx.deployVerticle(
                    new MempoolVerticle(config, validatorKeys(config, key, election), key)))
        .compose(
            id ->
                config.testing().faultAdmin()
                    ? vertx.deployVerticle(new FaultAdminVerticle(config.nodeId()))
                    : Future.succeededFuture(id))
        .compose(id -> deployConsensus(config, key, election, metrics, resilience))
        .compose(id -> vertx.deployVerticle(new HttpEndpointVerticle(config, health, resilience)))
        .compose(id -> deployClientApi(config, election, peers, fresh, resilience));
  }

  /** The client gRPC API and the public event-bus API, each with its own {@link SwarmApi}. */
  private Future<?> deployClientApi(
      NodeConfig config,
      Optional<ElectionState> election,
      PeerDirectory peers,
      long fresh,
      ResilienceManager resilience) {
    java.util.function.Supplier<SwarmApi> api =
        () ->
            new SwarmApi(
                vertx,
                config.nodeId(),
                () -> facts(config, election, peers, fresh),
                resilience::stats,
                config.gateway().maxInFlightSubmissions(),
                config.gateway().maxBatchTransactions());
    return vertx
        .deployVerticle(new GrpcGatewayVerticle(config, api, resilience))
        .compose(id -> vertx.deployVerticle(new EventBusApiVerticle(config, api, resilience)));
  }

  /**
   * The replica, when a genesis file names the validator set: as a worker verticle, so that it and
   * its signing run off the event loop. Without a genesis the node runs no consensus.
   */
  private Future<?> deployConsensus(
      NodeConfig config,
      SigningKey key,
      Optional<ElectionState> election,
      NodeMetrics metrics,
      ResilienceManager resilience) {
    if (election.isEmpty()) {
      LOG.info("node {} has no genesis file: no consensus", config.nodeId());
      return Future.succeededFuture();
    }
    ElectionState state = election.get();
    // A node that is not a validator of the current epoch runs consensus as an observer: it
    // follows the chain and starts voting where the election makes it a validator.
    return vertx
        .executeBlocking(() -> readVrfSecret(config))
        .compose(vrfSecret -> deployReplica(config, key, state, metrics, resilience, vrfSecret));
  }

  private Future<?> deployReplica(
      NodeConfig config,
      SigningKey key,
      ElectionState state,
      NodeMetrics metrics,
      ResilienceManager resilience,
      Optional<byte[]> vrfSecret) {
    // The election's voters and schedule of the epoch the stored ledger is in: the storage guard
    // moves the election on when it stores the block that ends an epoch.
    PbftVerticle consensus =
        new PbftVerticle(
            config.nodeId(),
            key,
            config.consensus()::quorumsFor,
            PbftVerticle.Settings.defaults()
                .tuned(
                    config.consensus().commitGraceMs(),
                    config.consensus().pipelineDepth(),
                    config.consensus().snapshotSyncMinBlocks()),
            resilience,
            new io.swarmcore.election.ElectionEpochs(
                state, state.parameters(), config.nodeId(), vrfSecret));
    if (config.consensus().faultInjection() != io.swarmcore.pbft.FaultInjection.NONE) {
      LOG.warn(
          "node {} MISBEHAVES ON PURPOSE: consensus.faultInjection = {} (demo and fault tests"
              + " only; never in a real deployment)",
          config.nodeId(),
          config.consensus().faultInjection());
      consensus.misbehaving(config.consensus().faultInjection());
    }
    consensus.limitingInbound(config.consensus().inboundPerSignerPerSecond());
    metrics.gauge(
        "swarm_consensus_height", "Blocks final at this node", () -> consensus.stats().height());
    metrics.gauge("swarm_consensus_view", "Current view", () -> consensus.stats().view());
    metrics.gauge(
        "swarm_blocks_finalized",
        "Blocks this node finalized and stored",
        () -> consensus.stats().finalized());
    metrics.gauge(
        "swarm_blocks_fast_path",
        "Of those, finalized on the fast path (share = this / swarm_blocks_finalized)",
        () -> consensus.stats().fastPath());
    metrics.gauge(
        "swarm_blocks_synced",
        "Blocks this node fetched from peers (catch-up), each checked by its certificate",
        () -> consensus.stats().synced());
    metrics.gauge(
        "swarm_blocks_from_snapshot",
        "Of those, blocks installed with a peer's snapshot (audited, its tip's certificate checked)",
        () -> consensus.stats().fromSnapshot());
    metrics.counter(
        "swarm_transactions_finalized",
        "Transactions in the blocks this node finalized (tx/s: rate of this)",
        () -> consensus.stats().transactions());
    metrics.counter(
        "swarm_view_changes",
        "Views this node moved on from (each a leader that failed or was suspected)",
        () -> consensus.stats().viewChanges());
    metrics.gauge(
        "swarm_sync_target_height",
        "The highest height a verified consensus message named: a node catching up is behind it",
        () -> consensus.stats().heardHeight());
    metrics.gauge(
        "swarm_consensus_refused",
        "Consensus messages refused before or by the replica",
        () -> consensus.stats().rejected());
    metrics.gauge(
        "swarm_consensus_overloaded",
        "Consensus messages dropped because the verification queue was full",
        () -> consensus.stats().overloaded());
    metrics.counter(
        "swarm_consensus_verified",
        "Consensus messages taken to signature verification (their signatures checked)",
        () -> consensus.stats().verified());
    metrics.counter(
        "swarm_consensus_replayed",
        "Consensus messages dropped unverified as replays (the same envelope within 5 s, or a vote"
            + " at or below the stable checkpoint)",
        () -> consensus.stats().replayed());
    metrics.counter(
        "swarm_consensus_rate_limited",
        "Consensus messages dropped unverified: their claimed signer sent beyond"
            + " consensus.inboundPerSignerPerSecond",
        () -> consensus.stats().rateLimited());
    return vertx.deployVerticle(
        consensus, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER));
  }

  /** The node's VRF secret key, which it needs to end an epoch it proposes the last block of. */
  private static Optional<byte[]> readVrfSecret(NodeConfig config) {
    return KeyFile.readValidatorKeys(config.keyFile()).vrf().map(vrf -> vrf.secretKey());
  }

  /**
   * Every current validator's node id, read at each call (the set may change at an epoch's end):
   * from the election, or only this node without a genesis.
   */
  /** The current validators' ids and voting keys, in the set's order (this node alone without). */
  private static java.util.function.Supplier<java.util.Map<String, io.swarmcore.crypto.PublicKey>>
      validatorKeys(NodeConfig config, SigningKey key, Optional<ElectionState> election) {
    if (election.isEmpty()) {
      java.util.Map<String, io.swarmcore.crypto.PublicKey> alone =
          java.util.Map.of(config.nodeId(), key.publicKey());
      return () -> alone;
    }
    ElectionState state = election.get();
    // Rebuilt only when the set changes (epoch boundaries): the mempool reads it per submission.
    var cached =
        new java.util.concurrent.atomic.AtomicReference<
            java.util.Map.Entry<
                io.swarmcore.election.core.ValidatorSet,
                java.util.Map<String, io.swarmcore.crypto.PublicKey>>>();
    return () -> {
      io.swarmcore.election.core.ValidatorSet set = state.current().validators();
      var entry = cached.get();
      if (entry == null || entry.getKey() != set) {
        java.util.Map<String, io.swarmcore.crypto.PublicKey> keys = new java.util.LinkedHashMap<>();
        set.members().forEach(v -> keys.put(v.id(), v.votingKey()));
        entry = java.util.Map.entry(set, java.util.Collections.unmodifiableMap(keys));
        cached.set(entry);
      }
      return entry.getValue();
    };
  }

  /** The epoch, the validators (and which are up), and whether a quorum of them is reachable. */
  private static SwarmApi.NodeFacts facts(
      NodeConfig config, Optional<ElectionState> election, PeerDirectory peers, long fresh) {
    java.util.Set<String> up = new java.util.HashSet<>();
    peers.up(NodeClock.monotonicMillis(), fresh).forEach(peer -> up.add(peer.nodeId()));
    up.add(config.nodeId());
    if (election.isEmpty()) {
      return new SwarmApi.NodeFacts(0, List.of(), up.size() - 1, true);
    }
    io.swarmcore.election.core.EpochState epoch = election.get().current();
    List<ValidatorInfo> validators = new java.util.ArrayList<>();
    int reachable = 0;
    for (io.swarmcore.election.core.Validator v : epoch.validators().members()) {
      boolean isUp = up.contains(v.id());
      reachable += isUp ? 1 : 0;
      validators.add(
          ValidatorInfo.newBuilder()
              .setId(v.id())
              .setPublicKey(com.google.protobuf.ByteString.copyFrom(v.votingKey().bytes()))
              .setStake(v.stake())
              .setUp(isUp)
              .build());
    }
    int quorum = config.consensus().quorumsFor(validators.size()).slowQuorum();
    return new SwarmApi.NodeFacts(epoch.epoch(), validators, up.size() - 1, reachable >= quorum);
  }

  private static JsonObject peersJson(java.util.List<PeerDirectory.Peer> up) {
    JsonArray peers = new JsonArray();
    for (PeerDirectory.Peer peer : up) {
      peers.add(
          new JsonObject()
              .put("nodeId", peer.nodeId())
              .put("publicKey", peer.key().hex())
              .put("httpPort", peer.httpPort())
              .put("verifiedReply", peer.verifiedReply()));
    }
    return new JsonObject().put("up", peers.size()).put("peers", peers);
  }
}
