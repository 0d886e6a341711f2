package io.swarmcore.benchmark;

import io.swarmcore.client.SwarmGrpcClient;
import io.swarmcore.codecs.proto.Receipt;
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
 * receipt, and records each one's latency from submission to receipt in an HdrHistogram. Open loop:
 * submissions at a fixed rate whatever the answers, latency measured from each one's scheduled time
 * (so that a stalled generator does not hide queueing: no coordinated omission). Closed loop: every
 * client keeps {@code inFlight} submissions going. All state lives on one Vert.x context; the
 * figures may be read from any thread.
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

  LoadGenerator(
      Vertx vertx, List<SwarmGrpcClient> clients, List<Transactions> transactions, int inFlight) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.clients = List.copyOf(clients);
    this.transactions = List.copyOf(transactions);
    this.inFlight = inFlight;
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
                    for (; offered[0] < due; offered[0]++) {
                      offer(began + offered[0] * 1_000_000_000L / rate);
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
        inWindowSkipped.incrementAndGet();
      }
      return;
    }
    submit(client, scheduled);
  }

  private void submit(int client, long scheduled) {
    SubmitRequest request = transactions.get(client).next();
    outstanding[client]++;
    pending.incrementAndGet();
    clients
        .get(client)
        .<SubmitRequest, Receipt>call(SwarmClientGrpcClient.Submit, request, TIMEOUT_MS)
        .onComplete(
            answer -> {
              long now = System.nanoTime();
              outstanding[client]--;
              pending.decrementAndGet();
              answered.incrementAndGet();
              boolean counts = inWindow(scheduled);
              if (answer.succeeded()) {
                if (counts) {
                  recorder.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(now - scheduled)));
                  inWindowFinalized.incrementAndGet();
                }
              } else {
                lastFailure = answer.cause().getMessage();
                if (counts) {
                  inWindowFailed.incrementAndGet();
                }
              }
              if (running && timer == -1) {
                submit(client, System.nanoTime()); // closed loop: the next one at once
              }
            });
  }

  private boolean inWindow(long nanos) {
    return nanos >= windowStart && nanos < windowEnd;
  }
}
