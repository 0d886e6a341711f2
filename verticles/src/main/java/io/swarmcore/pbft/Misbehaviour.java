package io.swarmcore.pbft;

import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.SignedEnvelope;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * What a validator told to misbehave ({@link FaultInjection}) sends in place of each consensus
 * message: nothing (silent), no PREPARE (withhold), the message signed in another validator's name
 * (forge), or the message and older ones again (replay). Equivocation needs the replica's proposal
 * and stays in {@link PbftVerticle}. Deterministic for a given seed.
 */
final class Misbehaviour {
  private static final int REMEMBERED = 512;
  private static final int REPLAYS_PER_SEND = 2;

  private final FaultInjection fault;
  private final UnaryOperator<String> otherValidator;
  private final Random random;
  private final List<SignedEnvelope> seen = new ArrayList<>();
  private int next;

  /**
   * @param otherValidator the id of a validator other than the given one (whom a forger poses as)
   */
  Misbehaviour(FaultInjection fault, UnaryOperator<String> otherValidator, long seed) {
    this.fault = fault;
    this.otherValidator = otherValidator;
    this.random = new Random(seed);
  }

  /** A message received (or sent): what a replayer sends again later. */
  void heard(SignedEnvelope envelope) {
    if (fault != FaultInjection.REPLAY) {
      return;
    }
    if (seen.size() < REMEMBERED) {
      seen.add(envelope);
    } else {
      seen.set(next, envelope);
      next = (next + 1) % REMEMBERED;
    }
  }

  /** The messages to send in place of {@code envelope}. */
  List<SignedEnvelope> outbound(SignedEnvelope envelope) {
    return switch (fault) {
      case SILENT -> List.of();
      case WITHHOLD ->
          envelope.getType() == MessageType.MESSAGE_TYPE_PREPARE ? List.of() : List.of(envelope);
      case FORGE ->
          List.of(
              envelope.toBuilder().setSigner(otherValidator.apply(envelope.getSigner())).build());
      case REPLAY -> {
        List<SignedEnvelope> out = new ArrayList<>();
        out.add(envelope);
        for (int i = 0; i < REPLAYS_PER_SEND && !seen.isEmpty(); i++) {
          out.add(seen.get(random.nextInt(seen.size())));
        }
        heard(envelope);
        yield out;
      }
      case NONE, EQUIVOCATE -> List.of(envelope);
    };
  }
}
