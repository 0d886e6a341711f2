package io.swarmcore.gateway;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.codecs.proto.Receipt;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * The spans of one {@code Submit} at the node that took it: {@code swarm.submit} over the whole
 * call (a child of the gRPC server span), and one child per stage of the transaction's life, end to
 * end: {@code swarm.tx.admit} (into the mempool), {@code swarm.tx.propose} (waiting for a proposal:
 * until the block's timestamp, which its proposer set), {@code swarm.tx.finalize} (until final
 * here), {@code swarm.tx.store} (until stored here) and {@code swarm.tx.answer} (until the receipt
 * is sent). Stage boundaries come from different clocks (the proposer's for the proposal), so each
 * stage starts no earlier than the one before ends.
 */
final class SubmitTrace {
  private static final HexFormat HEX = HexFormat.of();
  private static final SubmitTrace OFF = new SubmitTrace(null, null, null, 0);

  private final Tracer tracer;
  private final Span submit;
  private final Context context;
  private final long startedMs;
  private long admittedMs = -1;

  private SubmitTrace(Tracer tracer, Span submit, Context context, long startedMs) {
    this.tracer = tracer;
    this.submit = submit;
    this.context = context;
    this.startedMs = startedMs;
  }

  /** A trace under the current context (the gRPC call's), or one that records nothing. */
  static SubmitTrace start(Optional<Tracer> tracer, String nodeId) {
    if (tracer.isEmpty()) {
      return OFF;
    }
    long now = System.currentTimeMillis();
    Span span =
        tracer
            .get()
            .spanBuilder("swarm.submit")
            .setStartTimestamp(now, TimeUnit.MILLISECONDS)
            .setAttribute("swarm.node", nodeId)
            .startSpan();
    return new SubmitTrace(tracer.get(), span, Context.current().with(span), now);
  }

  void admitted(ByteString txHash) {
    if (submit == null) {
      return;
    }
    admittedMs = System.currentTimeMillis();
    submit.setAttribute("swarm.tx.hash", HEX.formatHex(txHash.toByteArray()));
    stage("swarm.tx.admit", startedMs, admittedMs);
  }

  /**
   * Ends the trace: with the stages of a final transaction, or with the failure.
   *
   * @param blockTimes when a block became final and was stored here, by height
   */
  void ended(
      Receipt receipt, Throwable failure, LongFunction<Optional<Finality.BlockTimes>> blockTimes) {
    if (submit == null) {
      return;
    }
    long answeredMs = System.currentTimeMillis();
    if (failure != null) {
      submit.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
      submit.end(answeredMs, TimeUnit.MILLISECONDS);
      return;
    }
    long from = admittedMs < 0 ? startedMs : admittedMs;
    submit.setAttribute("swarm.block.height", receipt.getHeight());
    Optional<Finality.BlockTimes> times = blockTimes.apply(receipt.getHeight());
    long storedMs = times.map(t -> t.storedAtMs()).orElse(answeredMs);
    long finalizedMs = times.map(t -> t.finalizedAtMs()).filter(t -> t > 0).orElse(storedMs);
    long proposedMs = from;
    try {
      BlockHeader header = BlockHeader.parseFrom(receipt.getBlockHeader());
      proposedMs = header.getTimestampMs();
      submit.setAttribute("swarm.block.view", header.getView());
      submit.setAttribute("swarm.block.proposer", header.getProposer());
    } catch (InvalidProtocolBufferException e) {
      // The stages still show; only the proposal's moment is unknown.
    }
    times.ifPresent(
        t -> {
          submit.setAttribute("swarm.block.stored_at_ms", t.storedAtMs());
          if (t.finalizedAtMs() > 0) {
            submit.setAttribute("swarm.block.finalized_at_ms", t.finalizedAtMs());
          }
        });
    long proposed = clamp(proposedMs, from, answeredMs);
    long finalized = clamp(finalizedMs, proposed, answeredMs);
    long stored = clamp(storedMs, finalized, answeredMs);
    stage("swarm.tx.propose", from, proposed);
    stage("swarm.tx.finalize", proposed, finalized);
    stage("swarm.tx.store", finalized, stored);
    stage("swarm.tx.answer", stored, answeredMs);
    submit.end(answeredMs, TimeUnit.MILLISECONDS);
  }

  private static long clamp(long value, long min, long max) {
    return Math.max(min, Math.min(value, max));
  }

  private void stage(String name, long fromMs, long toMs) {
    tracer
        .spanBuilder(name)
        .setParent(context)
        .setStartTimestamp(fromMs, TimeUnit.MILLISECONDS)
        .startSpan()
        .end(Math.max(fromMs, toMs), TimeUnit.MILLISECONDS);
  }
}
