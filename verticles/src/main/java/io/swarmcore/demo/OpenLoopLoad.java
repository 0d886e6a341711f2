package io.swarmcore.demo;

import com.google.protobuf.ByteString;
import io.swarmcore.client.SwarmGrpcClient;
import io.swarmcore.codecs.proto.Receipt;
import io.swarmcore.codecs.proto.SubmitRequest;
import io.swarmcore.codecs.proto.SwarmClientGrpcClient;
import io.swarmcore.codecs.proto.Transaction;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Submits transactions at a fixed rate (open loop: not waiting for answers) through the validators'
 * gRPC gateways in turn, each with {@code Submit}, and records how long each took to be final. Runs
 * on one Vert.x context; read the figures from any thread.
 */
final class OpenLoopLoad {
  private static final long TICK_MS = 10;

  private final Vertx vertx;
  private final List<SwarmGrpcClient> gateways;
  private final double perTick;
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong finalized = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final List<Long> latenciesNanos = new ArrayList<>();
  private volatile ByteString sampleTxHash;
  private volatile String lastFailure;
  private double owed;
  private long timer = -1;
  private int turn;

  OpenLoopLoad(Vertx vertx, List<SwarmGrpcClient> gateways, int ratePerSecond) {
    this.vertx = vertx;
    this.gateways = gateways;
    this.perTick = ratePerSecond * TICK_MS / 1000.0;
  }

  void start() {
    vertx.runOnContext(started -> timer = vertx.setPeriodic(TICK_MS, id -> tick()));
  }

  void stop() {
    vertx.runOnContext(stopped -> vertx.cancelTimer(timer));
  }

  private void tick() {
    owed += perTick;
    while (owed >= 1) {
      owed--;
      submitOne();
    }
  }

  private void submitOne() {
    long nonce = submitted.incrementAndGet();
    SubmitRequest request =
        SubmitRequest.newBuilder()
            .setTransaction(
                Transaction.newBuilder()
                    .setClientId("demo")
                    .setNonce(nonce)
                    .setPayload(ByteString.copyFromUtf8("demo transaction " + nonce))
                    .build()
                    .toByteString())
            .build();
    SwarmGrpcClient gateway = gateways.get(turn++ % gateways.size());
    long began = System.nanoTime();
    gateway
        .<SubmitRequest, Receipt>call(SwarmClientGrpcClient.Submit, request, 30_000)
        .onSuccess(
            receipt -> {
              long took = System.nanoTime() - began;
              synchronized (latenciesNanos) {
                latenciesNanos.add(took);
              }
              finalized.incrementAndGet();
              sampleTxHash = receipt.getTxHash();
            })
        .onFailure(
            failure -> {
              failed.incrementAndGet();
              lastFailure = failure.getMessage();
            });
  }

  long submitted() {
    return submitted.get();
  }

  long finalized() {
    return finalized.get();
  }

  long failed() {
    return failed.get();
  }

  String lastFailure() {
    return lastFailure;
  }

  ByteString sampleTxHash() {
    return sampleTxHash;
  }

  /** The {@code percentile} (0..100) of the finalization latencies so far, in ms; 0 if none. */
  double latencyMs(double percentile) {
    long[] sorted;
    synchronized (latenciesNanos) {
      sorted = latenciesNanos.stream().mapToLong(Long::longValue).toArray();
    }
    if (sorted.length == 0) {
      return 0;
    }
    Arrays.sort(sorted);
    int index = (int) Math.min(sorted.length - 1, Math.ceil(percentile / 100 * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }
}
