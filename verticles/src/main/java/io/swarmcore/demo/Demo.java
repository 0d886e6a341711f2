package io.swarmcore.demo;

import com.google.protobuf.ByteString;
import io.swarmcore.client.SwarmGrpcClient;
import io.swarmcore.codecs.CertificateVerifier;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.ReceiptVerifier;
import io.swarmcore.codecs.proto.ConsistencyProof;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.GetBlockRequest;
import io.swarmcore.codecs.proto.GetConsistencyProofRequest;
import io.swarmcore.codecs.proto.GetReceiptRequest;
import io.swarmcore.codecs.proto.GetStatusRequest;
import io.swarmcore.codecs.proto.NodeStatus;
import io.swarmcore.codecs.proto.Receipt;
import io.swarmcore.codecs.proto.SwarmClientGrpcClient;
import io.swarmcore.pbft.core.Quorums;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The one-command demo (README): a fresh chain of validators in this JVM, load through the gRPC
 * gateways for a while with a live progress line, then the checks that matter: one receipt verified
 * with nothing but the validators' keys, and every validator holding the same chain.
 */
public final class Demo {
  private static final Duration STEP = Duration.ofSeconds(60);

  /** What the demo is asked for. */
  public record Options(
      int validators, Duration duration, int rate, Byzantine byzantine, boolean json) {}

  /** How one validator misbehaves (the leader of the first view, so that it matters), or none. */
  public enum Byzantine {
    NONE,
    SILENT,
    EQUIVOCATE
  }

  /** The outcome, as the JSON summary names it. */
  public record Summary(
      int validators,
      Byzantine byzantine,
      double durationSeconds,
      long height,
      long transactions,
      double txPerSecond,
      double p50Ms,
      double p99Ms,
      double fastPathShare,
      long viewChanges,
      boolean diverged,
      boolean receiptVerified,
      long failed) {
    public boolean passed() {
      return !diverged && receiptVerified && transactions > 0;
    }

    public JsonObject json() {
      return new JsonObject()
          .put("validators", validators)
          .put("byzantine", byzantine.name().toLowerCase())
          .put("durationSeconds", durationSeconds)
          .put("height", height)
          .put("transactions", transactions)
          .put("txPerSecond", txPerSecond)
          .put("p50Ms", p50Ms)
          .put("p99Ms", p99Ms)
          .put("fastPathShare", fastPathShare)
          .put("viewChanges", viewChanges)
          .put("diverged", diverged)
          .put("receiptVerified", receiptVerified)
          .put("failedSubmissions", failed);
    }
  }

  private final Options options;
  private final PrintWriter out;

  public Demo(Options options, PrintWriter out) {
    this.options = options;
    this.out = out;
  }

  public Summary run() {
    say(
        "starting "
            + options.validators()
            + " validators on 127.0.0.1 (one JVM, clustered Vert.x, real Hazelcast)"
            + (options.byzantine() == Byzantine.NONE
                ? ""
                : "; the leader of view 0 is " + options.byzantine().name().toLowerCase()));
    try (LocalChain chain =
        LocalChain.start(
            options.validators(),
            (nodeId, firstLeader) ->
                nodeId.equals(firstLeader) && options.byzantine() != Byzantine.NONE
                    ? new JsonObject()
                        .put(
                            "consensus",
                            new JsonObject()
                                .put("faultInjection", options.byzantine().name().toLowerCase()))
                    : new JsonObject(),
            Duration.ofSeconds(120))) {
      Vertx clients = Vertx.vertx();
      try {
        return drive(chain, clients);
      } finally {
        LocalChain.await(clients.close(), STEP);
      }
    }
  }

  private Summary drive(LocalChain chain, Vertx clients) {
    List<SwarmGrpcClient> gateways = new ArrayList<>();
    for (LocalChain.Member member : chain.members()) {
      gateways.add(new SwarmGrpcClient(clients, "127.0.0.1", member.grpcPort()));
    }
    awaitQuorum(gateways.get(0));
    say(
        "running for "
            + options.duration().toSeconds()
            + " s at "
            + options.rate()
            + " tx/s through the gRPC gateways");
    OpenLoopLoad load = new OpenLoopLoad(clients, gateways, options.rate());
    long began = System.nanoTime();
    load.start();
    long lastFinal = 0;
    long end = began + options.duration().toNanos();
    while (System.nanoTime() < end) {
      sleep(1_000);
      NodeStatus status = status(gateways.get(0));
      long finals = load.finalized();
      progress(
          String.format(
              "height %d | %d tx/s | p50 %.0f ms | p99 %.0f ms | fast path %.1f %% | view %d,"
                  + " leader %s",
              status.getHeight(),
              finals - lastFinal,
              load.latencyMs(50),
              load.latencyMs(99),
              100 * status.getFastPathShare(),
              status.getView(),
              status.getLeader()));
      lastFinal = finals;
    }
    load.stop();
    double seconds = (System.nanoTime() - began) / 1e9;
    // Submissions in flight get their answers (or their deadline) before the checks.
    long drainUntil = System.nanoTime() + 30_000_000_000L;
    while (load.finalized() + load.failed() < load.submitted() && System.nanoTime() < drainUntil) {
      sleep(200);
    }
    endProgress();
    boolean verified = receiptVerified(chain, gateways, load.sampleTxHash());
    long[] agreed = agreedHeight(gateways);
    boolean diverged = agreed == null;
    NodeStatus status = status(gateways.get(0));
    long views = 0;
    for (SwarmGrpcClient gateway : gateways) {
      views = Math.max(views, status(gateway).getView());
    }
    if (load.failed() > 0) {
      say(load.failed() + " submissions failed; the last: " + load.lastFailure());
    }
    return new Summary(
        options.validators(),
        options.byzantine(),
        Math.round(seconds * 10) / 10.0,
        status.getHeight(),
        load.finalized(),
        Math.round(load.finalized() / seconds * 10) / 10.0,
        load.latencyMs(50),
        load.latencyMs(99),
        Math.round(status.getFastPathShare() * 1000) / 1000.0,
        views,
        diverged,
        verified,
        load.failed());
  }

  /** Waits until the first validator hears a quorum (its status lists them up). */
  private void awaitQuorum(SwarmGrpcClient gateway) {
    Quorums quorums = Quorums.of(options.validators(), Quorums.maxFaulty(options.validators()));
    long until = System.nanoTime() + STEP.toNanos();
    while (System.nanoTime() < until) {
      NodeStatus status = status(gateway);
      long up = status.getValidatorsList().stream().filter(v -> v.getUp()).count();
      if (up >= quorums.slowQuorum()) {
        return;
      }
      sleep(200);
    }
    throw new IllegalStateException("the validators did not hear each other within a minute");
  }

  /** One receipt, fetched from another validator, checked with the validators' keys alone. */
  private boolean receiptVerified(
      LocalChain chain, List<SwarmGrpcClient> gateways, ByteString txHash) {
    if (txHash == null) {
      say("no transaction became final: no receipt to verify");
      return false;
    }
    Receipt receipt =
        LocalChain.await(
            gateways
                .get(gateways.size() > 1 ? 1 : 0)
                .call(
                    SwarmClientGrpcClient.GetReceipt,
                    GetReceiptRequest.newBuilder().setTxHash(txHash).build(),
                    10_000),
            STEP);
    Quorums quorums = Quorums.of(options.validators(), Quorums.maxFaulty(options.validators()));
    ReceiptVerifier.Verdict verdict =
        new ReceiptVerifier(
                new CertificateVerifier(
                    chain.votingKeys(), quorums.fastQuorum(), quorums.slowQuorum()))
            .verify(receipt);
    say(
        "receipt of transaction "
            + HexFormat.of().formatHex(txHash.toByteArray()).substring(0, 16)
            + "… at height "
            + receipt.getHeight()
            + (verdict.isFinal()
                ? ": verified offline (" + verdict.passed() + ")"
                : ": does NOT verify: " + verdict.failure().orElseThrow()));
    return verdict.isFinal();
  }

  /**
   * The height every validator reached, once all agree on it: the same tip block and the same
   * ledger root there; null if they disagree. Waits a while for stragglers to catch up.
   */
  private long[] agreedHeight(List<SwarmGrpcClient> gateways) {
    long until = System.nanoTime() + 30_000_000_000L;
    while (true) {
      Set<Long> heights = new HashSet<>();
      for (SwarmGrpcClient gateway : gateways) {
        heights.add(status(gateway).getHeight());
      }
      if (heights.size() == 1) {
        long height = heights.iterator().next();
        Set<String> tips = new HashSet<>();
        for (SwarmGrpcClient gateway : gateways) {
          tips.add(tipAndRoot(gateway, height));
        }
        if (tips.size() == 1) {
          say(
              "all "
                  + gateways.size()
                  + " validators hold the same "
                  + height
                  + " blocks and ledger root");
          return new long[] {height};
        }
        say("validators disagree at height " + height + ": " + tips);
        return null;
      }
      if (System.nanoTime() > until) {
        say("validators did not reach one height within 30 s: " + heights);
        return null;
      }
      sleep(500);
    }
  }

  private static String tipAndRoot(SwarmGrpcClient gateway, long height) {
    if (height == 0) {
      return "empty";
    }
    FinalizedBlock tip =
        LocalChain.await(
            gateway.call(
                SwarmClientGrpcClient.GetBlock,
                GetBlockRequest.newBuilder().setHeight(height - 1).build(),
                10_000),
            STEP);
    ConsistencyProof proof =
        LocalChain.await(
            gateway.call(
                SwarmClientGrpcClient.GetConsistencyProof,
                GetConsistencyProofRequest.newBuilder().setOldSize(1).setNewSize(height).build(),
                10_000),
            STEP);
    HexFormat hex = HexFormat.of();
    return hex.formatHex(LedgerHashes.block(tip.getBlock()))
        + "/"
        + hex.formatHex(proof.getNewRoot().toByteArray());
  }

  private static NodeStatus status(SwarmGrpcClient gateway) {
    return LocalChain.await(
        gateway.call(
            SwarmClientGrpcClient.GetStatus, GetStatusRequest.getDefaultInstance(), 10_000),
        STEP);
  }

  private void say(String line) {
    if (!options.json()) {
      out.println(line);
      out.flush();
    }
  }

  private boolean progressShown;

  private void progress(String line) {
    if (options.json()) {
      return;
    }
    if (System.console() != null) {
      out.print("\r" + line + "   ");
      progressShown = true;
    } else {
      out.println(line);
    }
    out.flush();
  }

  private void endProgress() {
    if (progressShown) {
      out.println();
      out.flush();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
