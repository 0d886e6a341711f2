package io.swarmcore.benchmark;

import io.swarmcore.client.SwarmGrpcClient;
import io.swarmcore.codecs.proto.Receipt;
import io.swarmcore.codecs.proto.SubmitBatchRequest;
import io.swarmcore.codecs.proto.SubmitBatchResponse;
import io.swarmcore.codecs.proto.SubmitOutcome;
import io.swarmcore.codecs.proto.SubmitRequest;
import io.swarmcore.codecs.proto.SwarmClientGrpcClient;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Submits transactions through gRPC gateways with {@code Submit}, which answers with the final
 * receipt, or in batches with {@code SubmitBatch} waiting for finality, and records each one's
 * latency from submission to final answer in an HdrHistogram (a batch's transactions all take the
 * batch's). Open loop: submissions at a fixed rate of transactions whatever the answers, latency
 * measured from each one's scheduled time (a batch's is when its last transaction is due), so that
 * a stalled generator does not hide queueing: no coordinated omission. Closed loop: every client
 * keeps {@code inFlight} calls going. All state lives on one Vert.x context; the figures may be
 * read from any thread. Counts are of transactions.
 */
final class LoadGenerator {
  private static final long TIMEOUT_MS = 60_000;
  private static final long TICK_MS = 1;

  /** What one recording window saw. */
  record Window(Histogram latencyMicros, long finalized, long failed, long skipped, long nanos) {}

  private final Vertx vertx;
  private final Context context;
  private final List<SwarmGrpcClient> clients;
  private final List<Transactions> transactions;
  private final int inFlight;
  private final int batch;
  private final int[] outstanding;
  private final Recorder recorder = new Recorder(3);
  private final AtomicLong inWindowFinalized = new AtomicLong();
  private final AtomicLong inWindowFailed = new AtomicLong();
  private final AtomicLong inWindowSkipped = new AtomicLong();
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong answered = new AtomicLong();
  private volatile long windowStart = Long.MAX_VALUE;
  private volatile long windowEnd = Long.MAX_VALUE;
  private volatile String lastFailure;
  private long timer = -1;
  private boolean running;
  private int turn;

  /**
   * @param inFlight calls each client may have unanswered
   * @param batch transactions per call: 1 submits with {@code Submit}, more with {@code
   *     SubmitBatch}
   */
  LoadGenerator(
      Vertx vertx,
      List<SwarmGrpcClient> clients,
      List<Transactions> transactions,
      int inFlight,
      int batch) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.clients = List.copyOf(clients);
    this.transactions = List.copyOf(transactions);
    this.inFlight = inFlight;
    this.batch = batch;
    this.outstanding = new int[clients.size()];
  }

  /** Starts offering load: {@code rate} a second in an open loop, or a closed loop for 0. */
  void start(int rate) {
    context.runOnContext(
        started -> {
          running = true;
          if (rate == 0) {
            for (int client = 0; client < clients.size(); client++) {
              for (int i = 0; i < inFlight; i++) {
                submit(client, System.nanoTime());
              }
            }
            return;
          }
          long began = System.nanoTime();
          long[] offered = {0};
          timer =
              vertx.setPeriodic(
                  TICK_MS,
                  tick -> {
                    long due = (System.nanoTime() - began) * rate / 1_000_000_000L;
                    for (; offered[0] + batch <= due; offered[0] += batch) {
                      offer(began + (offered[0] + batch - 1) * 1_000_000_000L / rate);
                    }
                  });
        });
  }

  /** Stops offering; what is in flight still gets its answer. */
  void stop() {
    context.runOnContext(
        stopped -> {
          running = false;
          vertx.cancelTimer(timer);
          timer = -1;
        });
  }

  /** Begins a recording window: what is submitted from now on counts. */
  void beginWindow() {
    windowStart = Long.MAX_VALUE; // nothing counts while the figures are reset
    windowEnd = Long.MAX_VALUE;
    recorder.getIntervalHistogram(); // forget the warm-up
    inWindowFinalized.set(0);
    inWindowFailed.set(0);
    inWindowSkipped.set(0);
    windowStart = System.nanoTime();
  }

  /** Ends the window: submissions from now on do not count; those in it still record latency. */
  long endWindow() {
    windowEnd = System.nanoTime();
    return windowEnd - windowStart;
  }

  /** The window's figures; call once the submissions of the window are answered. */
  Window window() {
    return new Window(
        recorder.getIntervalHistogram(),
        inWindowFinalized.get(),
        inWindowFailed.get(),
        inWindowSkipped.get(),
        windowEnd - windowStart);
  }

  /** Submissions not answered yet. */
  long pending() {
    return pending.get();
  }

  /** Submissions answered so far, final or failed, in any window or none. */
  long answered() {
    return answered.get();
  }

  String lastFailure() {
    return lastFailure;
  }

  private void offer(long scheduled) {
    int client = turn++ % clients.size();
    if (outstanding[client] >= inFlight) {
      if (inWindow(scheduled)) {
        inWindowSkipped.addAndGet(batch);
      }
      return;
    }
    submit(client, scheduled);
  }

  private void submit(int client, long scheduled) {
    outstanding[client]++;
    pending.addAndGet(batch);
    if (batch == 1) {
      clients
          .get(client)
          .<SubmitRequest, Receipt>call(
              SwarmClientGrpcClient.Submit, transactions.get(client).next(), TIMEOUT_MS)
          .onComplete(
              answer -> {
                if (answer.succeeded()) {
                  answered(client, scheduled, 1, 0);
                } else {
                  lastFailure = answer.cause().getMessage();
                  answered(client, scheduled, 0, 1);
                }
              });
      return;
    }
    SubmitBatchRequest.Builder request = SubmitBatchRequest.newBuilder().setWaitFinal(true);
    for (int i = 0; i < batch; i++) {
      request.addTransactions(transactions.get(client).next().getTransaction());
    }
    clients
        .get(client)
        .<SubmitBatchRequest, SubmitBatchResponse>call(
            SwarmClientGrpcClient.SubmitBatch, request.build(), TIMEOUT_MS)
        .onComplete(
            answer -> {
              if (answer.failed()) {
                lastFailure = answer.cause().getMessage();
                answered(client, scheduled, 0, batch);
                return;
              }
              int finalized = 0;
              for (SubmitOutcome outcome : answer.result().getOutcomesList()) {
                if (outcome.getStatus() == SubmitOutcome.Status.FINAL) {
                  finalized++;
                } else {
                  lastFailure = outcome.getStatus() + ": " + outcome.getError();
                }
              }
              answered(client, scheduled, finalized, batch - finalized);
            });
  }

  /** A call scheduled at {@code scheduled} was answered: so many final, so many not. */
  private void answered(int client, long scheduled, int finalized, int failed) {
    long now = System.nanoTime();
    outstanding[client]--;
    pending.addAndGet(-(finalized + failed));
    answered.addAndGet(finalized + failed);
    if (inWindow(scheduled)) {
      if (finalized > 0) {
        recorder.recordValueWithCount(
            Math.max(1, TimeUnit.NANOSECONDS.toMicros(now - scheduled)), finalized);
        inWindowFinalized.addAndGet(finalized);
      }
      inWindowFailed.addAndGet(failed);
    }
    if (running && timer == -1) {
      submit(client, System.nanoTime()); // closed loop: the next one at once
    }
  }

  private boolean inWindow(long nanos) {
    return nanos >= windowStart && nanos < windowEnd;
  }
}
