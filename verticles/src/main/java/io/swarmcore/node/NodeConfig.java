package io.swarmcore.node;

import io.swarmcore.pbft.core.Quorums;
import io.swarmcore.resilience.ResilienceSettings;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A validated node configuration. {@link #parse(JsonObject)} checks the whole document (types,
 * unknown keys, n >= 3f+1, thresholds, port clashes) and reports every problem at once. Defaults
 * live in conf/node.json, documented in docs/CONFIG.md; {@link NodeConfigLoader} merges a user's
 * file and the environment over them.
 */
public record NodeConfig(
    String nodeId,
    Path keyFile,
    Path dataDir,
    Optional<Path> genesisFile,
    Consensus consensus,
    Endpoint http,
    Endpoint grpc,
    Cluster cluster,
    Peers peers,
    Storage storage,
    MempoolSettings mempool,
    GatewaySettings gateway,
    ResilienceSettings resilience,
    Tracing tracing,
    Testing testing,
    JsonObject json) {

  /**
   * Test-only switches, all off by default.
   *
   * @param faultAdmin whether the node takes network-fault commands ({@link FaultAdminVerticle})
   */
  public record Testing(boolean faultAdmin) {}

  /**
   * OpenTelemetry tracing of each submitted transaction's life, off by default.
   *
   * @param otlpEndpoint where spans go: an OTLP/HTTP traces URL (a collector's port 4318)
   * @param sampleRatio share of traces kept, in [0, 1]
   */
  public record Tracing(boolean enabled, String otlpEndpoint, double sampleRatio) {}

  /** How many validators there are and how many of them may be Byzantine. */
  public record Consensus(
      int validatorCount,
      int byzantineTolerance,
      boolean fastPathEnabled,
      double fastPathThreshold,
      long commitGraceMs,
      int pipelineDepth,
      long snapshotSyncMinBlocks,
      io.swarmcore.pbft.FaultInjection faultInjection,
      long inboundPerSignerPerSecond) {

    /**
     * The quorums the replica uses. The threshold goes through its shortest decimal form, so 0.7
     * means exactly 7/10 and never asks for one vote more through a rounding error.
     */
    public Quorums quorums() {
      return Quorums.configure(
          validatorCount,
          byzantineTolerance,
          fastPathEnabled,
          Optional.of(BigDecimal.valueOf(fastPathThreshold)));
    }

    /**
     * The quorums of {@code n} voters: the configured ones for the genesis set's size, and for any
     * other size (after validator changes) the largest tolerable f = ⌊(n − 1) / 3⌋ with the same
     * fast-path settings. Every node derives the same from the same configuration.
     */
    public Quorums quorumsFor(int n) {
      if (n == validatorCount) {
        return quorums();
      }
      return Quorums.configure(
          n,
          Quorums.maxFaulty(n),
          fastPathEnabled,
          Optional.of(BigDecimal.valueOf(fastPathThreshold)));
    }
  }

  public record Endpoint(String host, int port) {}

  /**
   * The Hazelcast cluster and the clustered event bus.
   *
   * @param hazelcastConfig a Hazelcast XML file to start from (empty: the built-in
   *     conf/cluster.xml, or {@code -Dvertx.hazelcast.config}); name, port, interface and members
   *     are always set from this section
   * @param tls mutual TLS on the event bus, when configured
   */
  public record Cluster(
      String name,
      String host,
      int port,
      List<String> members,
      Optional<Path> hazelcastConfig,
      Optional<Tls> tls) {
    /** A cluster with the built-in Hazelcast file and no TLS. */
    public Cluster(String name, String host, int port, List<String> members) {
      this(name, host, port, members, Optional.empty(), Optional.empty());
    }
  }

  /**
   * Mutual TLS on the clustered event bus: this node's certificate chain and private key, and the
   * cluster CA that every peer's certificate must chain to (PEM files).
   */
  public record Tls(Path certFile, Path keyFile, Path caFile) {}

  public record Peers(long announceIntervalMs) {}

  /** The ledger store: how far its LMDB map may grow, and whether commits skip fsync. */
  public record Storage(long maxMapSizeBytes, boolean noSync) {}

  /**
   * Bounds of the transaction pool, how its new transactions are gossiped, and when a submission is
   * acknowledged.
   *
   * @param ackReplicas other validators that must confirm holding a transaction before its
   *     submission is acknowledged; -1 for f of the current validator set
   * @param replicationTimeoutMs how long a submission waits for those confirmations before it is
   *     refused as not replicated (the transaction stays pending)
   */
  public record MempoolSettings(
      int maxTransactions,
      long maxBytes,
      int maxTransactionBytes,
      int rememberedFinal,
      long gossipIntervalMs,
      int gossipBatch,
      long regossipIntervalMs,
      int ackReplicas,
      long replicationTimeoutMs) {}

  /**
   * The client gateway's protections (gRPC and the public event-bus API).
   *
   * @param maxMessageBytes the largest request a client may send
   * @param submitTimeoutMs how long {@code Submit} waits for finality when the client set no
   *     deadline (a shorter client deadline wins)
   * @param maxInFlightSubmissions submissions handled at once (a bulkhead); more are refused
   * @param clientRatePerSecond requests a client may make a second, cluster-wide (a token bucket
   *     per client id in a Hazelcast map)
   * @param clientBurst the bucket's size
   * @param addressRatePerSecond requests all clients at one network address may make a second
   * @param addressBurst that bucket's size
   * @param maxBatchTransactions the most transactions one {@code SubmitBatch} may carry
   */
  public record GatewaySettings(
      int maxMessageBytes,
      long submitTimeoutMs,
      int maxInFlightSubmissions,
      long clientRatePerSecond,
      long clientBurst,
      long addressRatePerSecond,
      long addressBurst,
      int maxBatchTransactions) {}

  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final int MAX_PORT = 65_535;

  private static final Set<String> TOP_KEYS =
      Set.of(
          "nodeId",
          "keyFile",
          "dataDir",
          "genesisFile",
          "consensus",
          "http",
          "grpc",
          "cluster",
          "peers",
          "mempool",
          "gateway",
          "storage",
          "resilience",
          "tracing",
          "testing");
  private static final Set<String> TRACING_KEYS = Set.of("enabled", "otlpEndpoint", "sampleRatio");
  private static final Set<String> CONSENSUS_KEYS =
      Set.of(
          "validatorCount",
          "byzantineTolerance",
          "fastPathEnabled",
          "fastPathThreshold",
          "commitGraceMs",
          "pipelineDepth",
          "snapshotSyncMinBlocks",
          "faultInjection",
          "inboundPerSignerPerSecond");
  private static final Set<String> ENDPOINT_KEYS = Set.of("host", "port");
  private static final Set<String> CLUSTER_KEYS =
      Set.of("name", "host", "port", "members", "hazelcastConfig", "tls");
  private static final Set<String> TLS_KEYS = Set.of("certFile", "keyFile", "caFile");
  private static final Set<String> PEERS_KEYS = Set.of("announceIntervalMs");
  private static final Set<String> STORAGE_KEYS = Set.of("maxMapSizeBytes", "noSync");
  private static final Set<String> MEMPOOL_KEYS =
      Set.of(
          "maxTransactions",
          "maxBytes",
          "maxTransactionBytes",
          "rememberedFinal",
          "gossipIntervalMs",
          "gossipBatch",
          "regossipIntervalMs",
          "ackReplicas",
          "replicationTimeoutMs");
  private static final Set<String> GATEWAY_KEYS =
      Set.of(
          "maxMessageBytes",
          "submitTimeoutMs",
          "maxInFlightSubmissions",
          "clientRatePerSecond",
          "clientBurst",
          "addressRatePerSecond",
          "addressBurst",
          "maxBatchTransactions");
  private static final long MIN_MAP_SIZE = 64L << 20;

  /** The most transactions one batch submission may carry, whatever the configuration says. */
  public static final int MAX_BATCH_TRANSACTIONS = 10_000;

  /**
   * Parses and validates a complete configuration (defaults already merged in).
   *
   * @throws ConfigException listing every problem, one line each
   */
  public static NodeConfig parse(JsonObject json) {
    JsonFields fields = new JsonFields();
    fields.rejectUnknown(json, "", TOP_KEYS);

    String nodeId = fields.string(json, "", "nodeId");
    if (!nodeId.isEmpty() && !NODE_ID.matcher(nodeId).matches()) {
      fields.problem(
          "\"nodeId\" must be 1 to 64 letters, digits, '.', '_' or '-', got \"" + nodeId + "\"");
    }
    Path keyFile = Path.of(fields.string(json, "", "keyFile"));
    Path dataDir = Path.of(fields.string(json, "", "dataDir"));
    String genesis = fields.optionalString(json, "", "genesisFile");
    Optional<Path> genesisFile =
        genesis.isEmpty() ? Optional.empty() : Optional.of(Path.of(genesis));

    Consensus consensus = consensus(fields, fields.object(json, "", "consensus"));
    Endpoint http = endpoint(fields, json, "http");
    Endpoint grpc = endpoint(fields, json, "grpc");
    Cluster cluster = cluster(fields, fields.object(json, "", "cluster"));
    JsonObject peersJson = fields.object(json, "", "peers");
    fields.rejectUnknown(peersJson, "peers", PEERS_KEYS);
    Peers peers =
        new Peers(fields.longValue(peersJson, "peers", "announceIntervalMs", 100, 3_600_000));

    JsonObject storageJson = fields.object(json, "", "storage");
    fields.rejectUnknown(storageJson, "storage", STORAGE_KEYS);
    Storage storage =
        new Storage(
            fields.longValue(
                storageJson, "storage", "maxMapSizeBytes", MIN_MAP_SIZE, Long.MAX_VALUE),
            fields.bool(storageJson, "storage", "noSync"));

    MempoolSettings mempool = mempool(fields, fields.object(json, "", "mempool"));
    JsonObject gatewayJson = fields.object(json, "", "gateway");
    fields.rejectUnknown(gatewayJson, "gateway", GATEWAY_KEYS);
    GatewaySettings gateway =
        new GatewaySettings(
            fields.integer(gatewayJson, "gateway", "maxMessageBytes", 1024, 64 * 1024 * 1024),
            fields.longValue(gatewayJson, "gateway", "submitTimeoutMs", 1, 3_600_000),
            fields.integer(gatewayJson, "gateway", "maxInFlightSubmissions", 1, 1_000_000),
            fields.longValue(gatewayJson, "gateway", "clientRatePerSecond", 1, 100_000_000),
            fields.longValue(gatewayJson, "gateway", "clientBurst", 1, 1_000_000_000),
            fields.longValue(gatewayJson, "gateway", "addressRatePerSecond", 1, 100_000_000),
            fields.longValue(gatewayJson, "gateway", "addressBurst", 1, 1_000_000_000),
            fields.integer(
                gatewayJson, "gateway", "maxBatchTransactions", 1, MAX_BATCH_TRANSACTIONS));

    ResilienceSettings resilience = null;
    try {
      resilience = ResilienceSettings.parse(fields.object(json, "", "resilience"));
    } catch (IllegalArgumentException e) {
      e.getMessage().lines().forEach(fields::problem);
    }

    Tracing tracing = tracing(fields, fields.object(json, "", "tracing"));
    JsonObject testingJson = fields.object(json, "", "testing");
    fields.rejectUnknown(testingJson, "testing", Set.of("faultAdmin"));
    Testing testing = new Testing(fields.bool(testingJson, "testing", "faultAdmin"));
    checkPortClashes(fields, http, grpc, cluster);
    if (!fields.problems().isEmpty()) {
      throw new ConfigException(fields.problems());
    }
    return new NodeConfig(
        nodeId,
        keyFile,
        dataDir,
        genesisFile,
        consensus,
        http,
        grpc,
        cluster,
        peers,
        storage,
        mempool,
        gateway,
        resilience,
        tracing,
        testing,
        json.copy());
  }

  private static Consensus consensus(JsonFields fields, JsonObject json) {
    fields.rejectUnknown(json, "consensus", CONSENSUS_KEYS);
    int n = fields.integer(json, "consensus", "validatorCount", 1, 10_000);
    int f = fields.integer(json, "consensus", "byzantineTolerance", 0, 3_333);
    boolean fastPath = fields.bool(json, "consensus", "fastPathEnabled");
    double threshold = fields.decimal(json, "consensus", "fastPathThreshold");
    if (n < 3 * f + 1) {
      fields.problem(
          "\"consensus.validatorCount\" n="
              + n
              + " and \"consensus.byzantineTolerance\" f="
              + f
              + " break the rule n >= 3f+1 (f="
              + f
              + " needs at least "
              + (3 * f + 1)
              + " validators; with n="
              + n
              + " at most f="
              + (n - 1) / 3
              + ")");
    }
    if (!(threshold > 0 && threshold <= 1)) {
      fields.problem(
          "\"consensus.fastPathThreshold\" must be in (0, 1] (a share of the validators), got "
              + threshold);
    }
    return new Consensus(
        n,
        f,
        fastPath,
        threshold,
        fields.longValue(json, "consensus", "commitGraceMs", 0, 10_000),
        fields.integer(json, "consensus", "pipelineDepth", 1, 64),
        fields.longValue(json, "consensus", "snapshotSyncMinBlocks", 0, Long.MAX_VALUE),
        faultInjection(fields, json),
        fields.longValue(json, "consensus", "inboundPerSignerPerSecond", 1, 100_000_000));
  }

  private static io.swarmcore.pbft.FaultInjection faultInjection(
      JsonFields fields, JsonObject json) {
    String name = json.getValue("faultInjection") instanceof String text ? text : "none";
    try {
      return io.swarmcore.pbft.FaultInjection.of(name);
    } catch (IllegalArgumentException e) {
      fields.problem(
          "\"consensus.faultInjection\" must be none, silent, equivocate, forge, replay or"
              + " withhold, got \""
              + name
              + "\"");
      return io.swarmcore.pbft.FaultInjection.NONE;
    }
  }

  private static Endpoint endpoint(JsonFields fields, JsonObject parent, String name) {
    JsonObject json = fields.object(parent, "", name);
    fields.rejectUnknown(json, name, ENDPOINT_KEYS);
    return new Endpoint(
        fields.string(json, name, "host"), fields.integer(json, name, "port", 0, MAX_PORT));
  }

  private static Tracing tracing(JsonFields fields, JsonObject json) {
    fields.rejectUnknown(json, "tracing", TRACING_KEYS);
    boolean enabled = fields.bool(json, "tracing", "enabled");
    String endpoint = fields.optionalString(json, "tracing", "otlpEndpoint");
    double ratio = fields.decimal(json, "tracing", "sampleRatio");
    if (!(ratio >= 0 && ratio <= 1)) {
      fields.problem("\"tracing.sampleRatio\" must be in [0, 1], got " + ratio);
    }
    if (enabled && !endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
      fields.problem(
          "\"tracing.otlpEndpoint\" must be an OTLP/HTTP URL such as"
              + " http://127.0.0.1:4318/v1/traces, got \""
              + endpoint
              + "\"");
    }
    return new Tracing(enabled, endpoint, ratio);
  }

  private static Cluster cluster(JsonFields fields, JsonObject json) {
    fields.rejectUnknown(json, "cluster", CLUSTER_KEYS);
    String hazelcast = fields.optionalString(json, "cluster", "hazelcastConfig");
    return new Cluster(
        fields.string(json, "cluster", "name"),
        fields.string(json, "cluster", "host"),
        fields.integer(json, "cluster", "port", 1, MAX_PORT),
        fields.strings(json, "cluster", "members"),
        hazelcast.isEmpty() ? Optional.empty() : Optional.of(Path.of(hazelcast)),
        tls(fields, fields.object(json, "cluster", "tls")));
  }

  /** All three files, or none (TLS off); anything in between is a mistake worth refusing. */
  private static Optional<Tls> tls(JsonFields fields, JsonObject json) {
    fields.rejectUnknown(json, "cluster.tls", TLS_KEYS);
    String cert = fields.optionalString(json, "cluster.tls", "certFile");
    String key = fields.optionalString(json, "cluster.tls", "keyFile");
    String ca = fields.optionalString(json, "cluster.tls", "caFile");
    long set = java.util.stream.Stream.of(cert, key, ca).filter(s -> !s.isEmpty()).count();
    if (set == 0) {
      return Optional.empty();
    }
    if (set < 3) {
      fields.problem(
          "\"cluster.tls\" needs all of certFile, keyFile and caFile (or none, for no TLS)");
      return Optional.empty();
    }
    return Optional.of(new Tls(Path.of(cert), Path.of(key), Path.of(ca)));
  }

  private static MempoolSettings mempool(JsonFields fields, JsonObject json) {
    fields.rejectUnknown(json, "mempool", MEMPOOL_KEYS);
    MempoolSettings settings =
        new MempoolSettings(
            fields.integer(json, "mempool", "maxTransactions", 1, 100_000_000),
            fields.longValue(json, "mempool", "maxBytes", 1, Long.MAX_VALUE),
            fields.integer(json, "mempool", "maxTransactionBytes", 1, 16 * 1024 * 1024),
            fields.integer(json, "mempool", "rememberedFinal", 0, 100_000_000),
            fields.longValue(json, "mempool", "gossipIntervalMs", 1, 60_000),
            fields.integer(json, "mempool", "gossipBatch", 1, 1_000_000),
            fields.longValue(json, "mempool", "regossipIntervalMs", 1, 3_600_000),
            fields.integer(json, "mempool", "ackReplicas", -1, 1_000),
            fields.longValue(json, "mempool", "replicationTimeoutMs", 1, 600_000));
    int ledgerLimit = io.swarmcore.storage.core.BlockLimits.DEFAULT.maxTransactionBytes();
    if (settings.maxTransactionBytes() > ledgerLimit) {
      // The pool would accept a transaction no block may carry: every proposal holding it would
      // be refused, and consensus would change view again and again.
      fields.problem(
          "\"mempool.maxTransactionBytes\" "
              + settings.maxTransactionBytes()
              + " is above the ledger's limit of "
              + ledgerLimit
              + " bytes a transaction: such a transaction could never be in a block");
    }
    if (settings.maxTransactionBytes() > settings.maxBytes()) {
      fields.problem(
          "\"mempool.maxTransactionBytes\" "
              + settings.maxTransactionBytes()
              + " is above \"mempool.maxBytes\" "
              + settings.maxBytes());
    }
    return settings;
  }

  private record NamedPort(String key, int port) {}

  /** Port 0 means "any free port" and never clashes. */
  private static void checkPortClashes(
      JsonFields fields, Endpoint http, Endpoint grpc, Cluster cluster) {
    Map<Integer, String> owners = new HashMap<>();
    for (NamedPort named :
        List.of(
            new NamedPort("http.port", http.port()),
            new NamedPort("grpc.port", grpc.port()),
            new NamedPort("cluster.port", cluster.port()))) {
      if (named.port() == 0) {
        continue;
      }
      String previous = owners.putIfAbsent(named.port(), named.key());
      if (previous != null) {
        fields.problem(
            "port clash: \""
                + previous
                + "\" and \""
                + named.key()
                + "\" are both "
                + named.port());
      }
    }
  }
}
