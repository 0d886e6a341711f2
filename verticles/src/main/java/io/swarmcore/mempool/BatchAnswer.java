package io.swarmcore.mempool;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.proto.SubmitBatchResponse;
import io.swarmcore.codecs.proto.SubmitOutcome;
import io.vertx.core.eventbus.Message;

/**
 * The answer to one batch submission: an outcome per transaction, in the batch's order, sent once
 * every transaction is settled (replicated, already final, refused, or not replicated in time).
 */
final class BatchAnswer {
  private final Message<Object> message;
  private final SubmitOutcome.Builder[] outcomes;
  private int open;
  private boolean sealed;

  BatchAnswer(Message<Object> message, int size) {
    this.message = message;
    this.outcomes = new SubmitOutcome.Builder[size];
    this.open = size;
  }

  /** The transaction at {@code index} is known by its hash; it is settled later. */
  void named(int index, ByteString hash) {
    outcomes[index] = SubmitOutcome.newBuilder().setTxHash(hash);
  }

  /** The transaction at {@code index} is settled; the answer goes once all are, and sealed. */
  void settle(int index, SubmitOutcome.Status status, String error) {
    SubmitOutcome.Builder outcome = outcomes[index];
    if (outcome == null) {
      outcome = outcomes[index] = SubmitOutcome.newBuilder();
    }
    if (outcome.getStatus() != SubmitOutcome.Status.STATUS_UNSPECIFIED) {
      return; // settled already: an answer goes once
    }
    outcome.setStatus(status).setError(error);
    open--;
    answerIfDone();
  }

  /** Every transaction was taken in: the answer may go as soon as all are settled. */
  void seal() {
    sealed = true;
    answerIfDone();
  }

  private void answerIfDone() {
    if (sealed && open == 0) {
      SubmitBatchResponse.Builder reply = SubmitBatchResponse.newBuilder();
      for (SubmitOutcome.Builder outcome : outcomes) {
        reply.addOutcomes(outcome);
      }
      message.reply(reply.build());
    }
  }
}
