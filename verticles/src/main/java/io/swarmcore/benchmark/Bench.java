package io.swarmcore.benchmark;

import io.swarmcore.client.SwarmGrpcClient;
import io.swarmcore.codecs.proto.GetStatusRequest;
import io.swarmcore.codecs.proto.NodeStatus;
import io.swarmcore.codecs.proto.SwarmClientGrpcClient;
import io.swarmcore.demo.LocalChain;
import io.swarmcore.node.NodeConfig;
import io.swarmcore.pbft.core.Quorums;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;

/**
 * {@code swarm bench}: starts n validators on 127.0.0.1 (in this JVM or one JVM each), drives them
 * through their gRPC gateways with {@link LoadGenerator}, and measures each run after a warm-up:
 * throughput, latency percentiles, CPU per 1,000 transactions, fast-path share and block size.
 */
public final class Bench {
  private static final Duration START = Duration.ofSeconds(180);
  private static final Duration DRAIN = Duration.ofSeconds(90);
  private static final Duration PROGRESS = Duration.ofSeconds(5);

  /**
   * What the bench changes in each validator's configuration: the gateway's per-client and
   * per-address limits protect a node from one client, and here every client is one address.
   */
  static final JsonObject OVERRIDES =
      new JsonObject()
          .put(
              "gateway",
              new JsonObject()
                  .put("maxInFlightSubmissions", 1_000_000)
                  .put("maxBatchTransactions", NodeConfig.MAX_BATCH_TRANSACTIONS)
                  .put("clientRatePerSecond", 100_000_000)
                  .put("clientBurst", 1_000_000_000)
                  .put("addressRatePerSecond", 100_000_000)
                  .put("addressBurst", 1_000_000_000));

  private final BenchOptions options;
  private final PrintWriter progress;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /**
   * @param progress where to say what is happening (a quiet writer for JSON output)
   */
  public Bench(BenchOptions options, PrintWriter progress) {
    this.options = options;
    this.progress = progress;
  }

  /** The runs, as a table, as JSON, and the plot written if asked for. */
  public record Report(List<BenchResult> runs, String table, JsonObject json) {
    /** Every run finalized transactions and none failed. */
    public boolean passed() {
      return !runs.isEmpty() && runs.stream().allMatch(r -> r.finalized() > 0 && r.failed() == 0);
    }
  }

  /** Runs the bench, writes the plot if asked for, and reports. */
  public Report runAndReport() {
    List<BenchResult> runs = run();
    if (options.plot().isPresent()) {
      try {
        LatencyPlot.write(
            options.plot().get(),
            "Swarm, n = "
                + options.validators()
                + (options.multiJvm() ? " (one JVM each)" : " (one JVM)")
                + ", "
                + options.txSize()
                + "-byte transactions"
                + (options.batch() > 1 ? ", " + options.batch() + " a call" : ""),
            runs);
      } catch (IOException e) {
        throw new UncheckedIOException("could not write the plot " + options.plot().get(), e);
      }
    }
    return new Report(
        runs, BenchReport.table(runs), BenchReport.json(options, runs, BenchReport.machine()));
  }

  /** Runs every configured run on one cluster and returns their results in order. */
  public List<BenchResult> run() {
    say(
        "starting "
            + options.validators()
            + " validators on 127.0.0.1 "
            + (options.multiJvm() ? "(one JVM each)" : "(clustered Vert.x in this JVM)"));
    try (BenchCluster cluster =
        options.multiJvm()
            ? ProcessCluster.start(options.validators(), options.nodeJvmArgs(), OVERRIDES, START)
            : InJvmCluster.start(options.validators(), OVERRIDES, START)) {
      Vertx clients = Vertx.vertx();
      try {
        return drive(cluster, clients);
      } finally {
        LocalChain.await(clients.close(), Duration.ofSeconds(30));
      }
    }
  }

  private List<BenchResult> drive(BenchCluster cluster, Vertx vertx) {
    List<BenchCluster.Endpoint> nodes = cluster.endpoints();
    List<SwarmGrpcClient> clients = new ArrayList<>();
    List<Transactions> transactions = new ArrayList<>();
    SecureRandom random = new SecureRandom();
    String run = Long.toHexString(random.nextLong() & 0xffffffL);
    for (int i = 0; i < options.clients(); i++) {
      BenchCluster.Endpoint node = nodes.get(i % nodes.size());
      clients.add(new SwarmGrpcClient(vertx, "127.0.0.1", node.grpcPort()));
      transactions.add(new Transactions("b" + run + "-" + i, options.txSize(), random));
    }
    awaitQuorum(clients.get(0));
    LoadGenerator load =
        new LoadGenerator(vertx, clients, transactions, options.inFlight(), options.batch());
    List<Integer> rates = options.openLoopRates().isEmpty() ? List.of(0) : options.openLoopRates();
    List<BenchResult> results = new ArrayList<>();
    for (int rate : rates) {
      say(
          (rate == 0
                  ? "closed loop, "
                      + options.clients()
                      + " × "
                      + options.inFlight()
                      + " calls in flight"
                      + (options.batch() > 1 ? " of " + options.batch() + " transactions" : "")
                  : "open loop at " + rate + " tx/s")
              + ": warm-up "
              + options.warmUp().toMillis()
              + " ms, then "
              + options.duration().toMillis()
              + " ms measured");
      load.start(rate);
      watch("warm-up", options.warmUp(), load, clients.get(0));
      Sample before = sample(cluster, clients.get(0));
      load.beginWindow();
      watch("measured", options.duration(), load, clients.get(0));
      long nanos = load.endWindow();
      Sample after = sample(cluster, clients.get(0));
      load.stop();
      awaitCondition("the runs' submissions to be answered", DRAIN, () -> load.pending() == 0);
      BenchResult result = result(rate, load.window(), nanos, before, after, cluster);
      results.add(result);
      say(BenchReport.table(List.of(result)).lines().skip(1).findFirst().orElse(""));
      if (result.failed() > 0) {
        say(result.failed() + " submissions failed; the last: " + load.lastFailure());
      }
      if (result.skipped() > 0) {
        say(
            result.skipped()
                + " submissions skipped: every client had "
                + options.inFlight()
                + " calls unanswered; the rate is beyond what --clients × --in-flight × --batch carry at this"
                + " latency, and the percentiles leave them out");
      }
    }
    return results;
  }

  /** Lets the load run for {@code length}, saying every few seconds how far the chain got. */
  private void watch(String phase, Duration length, LoadGenerator load, SwarmGrpcClient first) {
    long end = System.nanoTime() + length.toNanos();
    long lastFinal = load.answered();
    long lastTime = System.nanoTime();
    while (true) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return;
      }
      pause(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, PROGRESS.toMillis()));
      long now = System.nanoTime();
      long answered = load.answered();
      String chain;
      try {
        NodeStatus status = status(first);
        chain = "height " + status.getHeight() + ", view " + status.getView();
      } catch (RuntimeException slow) {
        chain = "status unavailable (" + slow.getMessage() + ")"; // progress only: go on
      }
      say(
          String.format(
              java.util.Locale.ROOT,
              "  %s: %.0f answers/s, %d in flight, %s",
              phase,
              (answered - lastFinal) / ((now - lastTime) / 1e9),
              load.pending(),
              chain));
      lastFinal = answered;
      lastTime = now;
    }
  }

  private BenchResult result(
      int rate,
      LoadGenerator.Window window,
      long nanos,
      Sample before,
      Sample after,
      BenchCluster cluster) {
    Histogram latency = window.latencyMicros();
    double seconds = nanos / 1e9;
    long finalized = window.finalized();
    long blocks = after.height() - before.height();
    long finalizations = after.finalizations() - before.finalizations();
    double per1000 = finalized == 0 ? 0 : 1000.0 / finalized;
    long validatorCpu = after.validatorCpuNanos() - before.validatorCpuNanos();
    long allCpu =
        cluster.sharesProcessWithLoad()
            ? validatorCpu
            : validatorCpu + after.loadCpuNanos() - before.loadCpuNanos();
    return new BenchResult(
        options.validators(),
        options.multiJvm(),
        options.clients(),
        options.batch(),
        options.txSize(),
        rate,
        seconds,
        finalized,
        window.failed(),
        window.skipped(),
        finalized / seconds,
        percentileMs(latency, 50),
        percentileMs(latency, 90),
        percentileMs(latency, 99),
        latency.getTotalCount() == 0 ? 0 : latency.getMaxValue() / 1000.0,
        allCpu / 1e9 * per1000,
        validatorCpu / 1e9 * per1000,
        finalizations == 0
            ? 0
            : (double) (after.fastFinalizations() - before.fastFinalizations()) / finalizations,
        blocks,
        blocks == 0 ? 0 : (double) finalized / blocks,
        blocks == 0
            ? 0
            : (double) (after.signatureChecks() - before.signatureChecks())
                / blocks
                / cluster.endpoints().size());
  }

  private static double percentileMs(Histogram histogram, double percentile) {
    return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1000.0;
  }

  /** The counters a run's figures are differences of. */
  private record Sample(
      long height,
      long finalizations,
      long fastFinalizations,
      long signatureChecks,
      long validatorCpuNanos,
      long loadCpuNanos) {}

  private Sample sample(BenchCluster cluster, SwarmGrpcClient first) {
    // CPU first: the scrapes below are not the load's work.
    long validatorCpu = cluster.validatorCpuNanos();
    long loadCpu = ProcessCpu.thisProcessNanos();
    long finalizations = 0;
    long fast = 0;
    long checks = 0;
    for (BenchCluster.Endpoint node : cluster.endpoints()) {
      String metrics = metrics(node);
      finalizations += (long) PrometheusText.sum(metrics, "swarm_blocks_finalized").orElse(0);
      fast += (long) PrometheusText.sum(metrics, "swarm_blocks_fast_path").orElse(0);
      checks += (long) PrometheusText.sum(metrics, "swarm_consensus_verified_total").orElse(0);
    }
    return new Sample(
        status(first).getHeight(), finalizations, fast, checks, validatorCpu, loadCpu);
  }

  private String metrics(BenchCluster.Endpoint node) {
    try {
      // sendAsync with a bound on the whole exchange: send()'s timeout covers only the headers.
      return http.sendAsync(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .get(15, TimeUnit.SECONDS)
          .body();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(
          "could not read " + node.nodeId() + "'s /metrics within 15 s: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Waits until the first validator hears a quorum of validators. */
  private void awaitQuorum(SwarmGrpcClient gateway) {
    int quorum =
        Quorums.of(options.validators(), Quorums.maxFaulty(options.validators())).slowQuorum();
    awaitCondition(
        "a quorum of validators to hear each other",
        START,
        () ->
            status(gateway).getValidatorsList().stream().filter(v -> v.getUp()).count() >= quorum);
  }

  private static NodeStatus status(SwarmGrpcClient gateway) {
    return LocalChain.await(
        gateway.call(
            SwarmClientGrpcClient.GetStatus, GetStatusRequest.getDefaultInstance(), 10_000),
        Duration.ofSeconds(15));
  }

  private static void awaitCondition(String what, Duration timeout, BooleanSupplier done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("waited " + timeout.toSeconds() + " s for " + what);
      }
      pause(100);
    }
  }

  /** The bench's own pacing (warm-up, measured run, polling): not a wait for a condition. */
  private static void pause(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private void say(String line) {
    progress.println(line);
    progress.flush();
  }
}
