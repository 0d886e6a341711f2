package io.swarmcore.codecs;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.swarmcore.codecs.proto.Block;
import io.swarmcore.codecs.proto.BlockRange;
import io.swarmcore.codecs.proto.Certificate;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.Receipt;
import io.swarmcore.codecs.proto.Receipts;
import io.swarmcore.codecs.proto.SignedEnvelope;
import io.swarmcore.codecs.proto.SubmitBatchResponse;
import io.swarmcore.codecs.proto.Transaction;
import io.swarmcore.codecs.proto.TransactionBatch;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/**
 * Registers Swarm's event-bus codecs. Every node must call {@link #register(EventBus)} before any
 * verticle deploys: a receiver resolves a codec by the name the sender put on the wire, so a node
 * without the codec fails every such message.
 */
public final class Codecs {
  /** Upper bound on one protobuf message on the event bus (a full block fits well below it). */
  public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  private static final List<ProtobufCodec<?>> ALL =
      List.of(
          codec(SignedEnvelope.class, SignedEnvelope.parser(), SignedEnvelope.getDescriptor()),
          codec(Transaction.class, Transaction.parser(), Transaction.getDescriptor()),
          codec(
              TransactionBatch.class, TransactionBatch.parser(), TransactionBatch.getDescriptor()),
          codec(Block.class, Block.parser(), Block.getDescriptor()),
          codec(FinalizedBlock.class, FinalizedBlock.parser(), FinalizedBlock.getDescriptor()),
          codec(Certificate.class, Certificate.parser(), Certificate.getDescriptor()),
          codec(Receipt.class, Receipt.parser(), Receipt.getDescriptor()),
          codec(Receipts.class, Receipts.parser(), Receipts.getDescriptor()),
          codec(BlockRange.class, BlockRange.parser(), BlockRange.getDescriptor()),
          codec(
              SubmitBatchResponse.class,
              SubmitBatchResponse.parser(),
              SubmitBatchResponse.getDescriptor()));

  private Codecs() {}

  /** Registers every codec as the default for its message class. Idempotent per event bus. */
  public static void register(EventBus eventBus) {
    for (ProtobufCodec<?> codec : ALL) {
      registerDefault(eventBus, codec);
    }
  }

  /** The codecs {@link #register(EventBus)} installs. */
  public static List<ProtobufCodec<?>> all() {
    return ALL;
  }

  private static <T extends Message> void registerDefault(
      EventBus eventBus, ProtobufCodec<T> codec) {
    try {
      eventBus.registerDefaultCodec(codec.type(), codec);
    } catch (IllegalStateException alreadyRegistered) {
      // Vert.x has no "is registered" query; a second call (an embedding application that
      // registered them itself) is harmless because the codecs are stateless and identical.
    }
  }

  private static <T extends Message> ProtobufCodec<T> codec(
      Class<T> type, Parser<T> parser, com.google.protobuf.Descriptors.Descriptor descriptor) {
    return new ProtobufCodec<>(type, parser, descriptor.getFullName(), MAX_MESSAGE_BYTES);
  }
}
