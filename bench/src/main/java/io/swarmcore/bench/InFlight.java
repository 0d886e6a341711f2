package io.swarmcore.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Completes {@value #TOTAL} asynchronous decisions keeping up to {@value #CONCURRENCY} in flight.
 * Decisions that complete at once (a local lease, say) are trampolined, not recursed into.
 */
final class InFlight {
  static final int TOTAL = 1000;
  static final int CONCURRENCY = 64;

  private final Supplier<CompletionStage<?>> decision;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private int started;
  private int completed;
  private int inFlight;
  private boolean pumping;

  private InFlight(Supplier<CompletionStage<?>> decision) {
    this.decision = decision;
  }

  /** Blocks until every decision has completed. */
  static void run(Supplier<CompletionStage<?>> decision) {
    try {
      start(decision).get(120, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("decisions did not complete: " + e, e);
    }
  }

  /** Starts from the calling thread (an event loop, say) without blocking it. */
  static CompletableFuture<Void> start(Supplier<CompletionStage<?>> decision) {
    InFlight run = new InFlight(decision);
    run.pump();
    return run.done;
  }

  private void pump() {
    synchronized (this) {
      if (pumping) {
        return;
      }
      pumping = true;
    }
    while (true) {
      synchronized (this) {
        if (started >= TOTAL || inFlight >= CONCURRENCY) {
          pumping = false;
          return;
        }
        started++;
        inFlight++;
      }
      decision.get().whenComplete((result, failure) -> finished());
    }
  }

  private void finished() {
    boolean all;
    synchronized (this) {
      inFlight--;
      completed++;
      all = completed == TOTAL;
    }
    if (all) {
      done.complete(null);
    } else {
      pump();
    }
  }
}
