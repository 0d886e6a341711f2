package io.swarmcore.pbft.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.swarmcore.codecs.RejectCode;
import io.swarmcore.codecs.RejectedMessageException;
import io.swarmcore.codecs.SignedEnvelopes;
import io.swarmcore.codecs.proto.Checkpoint;
import io.swarmcore.codecs.proto.Commit;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.PrePrepare;
import io.swarmcore.codecs.proto.Prepare;
import io.swarmcore.codecs.proto.PreparedCertificate;
import io.swarmcore.codecs.proto.SentPrepare;
import io.swarmcore.codecs.proto.SignedEnvelope;
import io.swarmcore.codecs.proto.StableCheckpoint;
import io.swarmcore.crypto.SigningKey;
import io.swarmcore.pbft.core.Checkpoints;
import io.swarmcore.pbft.core.NewView;
import io.swarmcore.pbft.core.Replica;
import io.swarmcore.pbft.core.ReplicaOutput;
import io.swarmcore.pbft.core.ViewChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Consensus messages on the wire (consensus.proto) to and from the core's calls and outputs. Every
 * message is a {@link SignedEnvelope}; PREPARE, COMMIT and CHECKPOINT envelopes are also the core's
 * vote proofs, so certificates are lists of envelopes. Decoding checks shape, signer and signature,
 * field ranges and hash sizes, and refuses anything else with a {@link RejectedMessageException}
 * before the core sees it.
 */
public final class ConsensusWire {
  /** Header hashes are SHA-256. */
  static final int HASH_BYTES = 32;

  private final ValidatorKeys validators;
  // Envelopes whose signature verified (decoding runs on several worker threads). Entries go when
  // nothing holds the envelope any more, so the core's kept proofs stay cached while they matter.
  private final java.util.Set<SignedEnvelope> verified =
      java.util.Collections.synchronizedSet(
          java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));
  private final String selfId;
  private final SigningKey key;

  public ConsensusWire(ValidatorKeys validators, String selfId, SigningKey key) {
    this.validators = validators;
    this.selfId = selfId;
    this.key = key;
  }

  /**
   * The call a replica makes for a verified inbound envelope, and the blocks the message carries (a
   * proposal, or the blocks a VIEW-CHANGE reports), which the node may need to extend.
   *
   * @param highestHeight the highest height the message names (its vote's or checkpoint's, the
   *     highest a VIEW-CHANGE reports; -1 for none): a message naming a height of an epoch the node
   *     has not reached belongs to that epoch's voters
   */
  public record Inbound(
      int sender,
      MessageType type,
      long highestHeight,
      Function<Replica<NodeBlock, SignedEnvelope>, List<ReplicaOutput<NodeBlock, SignedEnvelope>>>
          call,
      List<NodeBlock> blocks) {
    Inbound(
        int sender,
        MessageType type,
        long highestHeight,
        Function<Replica<NodeBlock, SignedEnvelope>, List<ReplicaOutput<NodeBlock, SignedEnvelope>>>
            call) {
      this(sender, type, highestHeight, call, List.of());
    }
  }

  /**
   * Checks an envelope from the network and turns it into the replica call it asks for.
   *
   * @throws RejectedMessageException MALFORMED, BAD_SIGNATURE or UNKNOWN_SIGNER
   */
  public Inbound decode(SignedEnvelope envelope) {
    int sender = verifiedSender(envelope);
    MessageType type = envelope.getType();
    ByteString payload = envelope.getPayload();
    switch (type) {
      case MESSAGE_TYPE_PRE_PREPARE -> {
        PrePrepare m = parse(payload, PrePrepare.parser(), type);
        long view = nonNegative(m.getView(), "view");
        long sequence = nonNegative(m.getSequence(), "sequence");
        NodeBlock block = atHeight(NodeBlock.of(m.getBlock()), sequence);
        return new Inbound(
            sender,
            type,
            sequence,
            r -> r.onPrePrepare(sender, view, sequence, block),
            List.of(block));
      }
      case MESSAGE_TYPE_PREPARE -> {
        Prepare m = canonical(parse(payload, Prepare.parser(), type), payload, type);
        long view = nonNegative(m.getView(), "view");
        long sequence = nonNegative(m.getSequence(), "sequence");
        ByteString hash = hash(m.getBlockHash(), "block_hash");
        return new Inbound(
            sender, type, sequence, r -> r.onPrepare(sender, view, sequence, hash, envelope));
      }
      case MESSAGE_TYPE_COMMIT -> {
        Commit m = canonical(parse(payload, Commit.parser(), type), payload, type);
        long view = nonNegative(m.getView(), "view");
        long sequence = nonNegative(m.getSequence(), "sequence");
        ByteString hash = hash(m.getBlockHash(), "block_hash");
        return new Inbound(
            sender, type, sequence, r -> r.onCommit(sender, view, sequence, hash, envelope));
      }
      case MESSAGE_TYPE_CHECKPOINT -> {
        Checkpoint m = canonical(parse(payload, Checkpoint.parser(), type), payload, type);
        long sequence = nonNegative(m.getSequence(), "sequence");
        ByteString hash = hash(m.getBlockHash(), "block_hash");
        return new Inbound(
            sender, type, sequence, r -> r.onCheckpoint(sender, sequence, hash, envelope));
      }
      case MESSAGE_TYPE_VIEW_CHANGE -> {
        ViewChange.Signed<NodeBlock, SignedEnvelope> signed =
            new ViewChange.Signed<>(viewChange(envelope, sender), envelope);
        return new Inbound(
            sender,
            type,
            highestHeight(signed.message()),
            r -> r.onViewChange(sender, signed),
            blocksOf(signed.message()));
      }
      case MESSAGE_TYPE_NEW_VIEW -> {
        io.swarmcore.codecs.proto.NewView m =
            parse(payload, io.swarmcore.codecs.proto.NewView.parser(), type);
        List<ViewChange.Signed<NodeBlock, SignedEnvelope>> used = new ArrayList<>();
        for (SignedEnvelope inner : m.getViewChangesList()) {
          if (inner.getType() != MessageType.MESSAGE_TYPE_VIEW_CHANGE) {
            throw malformed("NEW-VIEW carries a " + inner.getType() + " envelope");
          }
          used.add(new ViewChange.Signed<>(viewChange(inner, verifiedSender(inner)), inner));
        }
        NewView<NodeBlock, SignedEnvelope> newView =
            new NewView<>(nonNegative(m.getView(), "view"), used);
        List<NodeBlock> carried = new ArrayList<>();
        used.forEach(signed -> carried.addAll(blocksOf(signed.message())));
        long highest = -1;
        for (ViewChange.Signed<NodeBlock, SignedEnvelope> signed : used) {
          highest = Math.max(highest, highestHeight(signed.message()));
        }
        return new Inbound(sender, type, highest, r -> r.onNewView(sender, newView), carried);
      }
      case MESSAGE_TYPE_STABLE_CHECKPOINT -> {
        StableCheckpoint m = parse(payload, StableCheckpoint.parser(), type);
        Checkpoints.Stable<SignedEnvelope> stable =
            new Checkpoints.Stable<>(
                nonNegative(m.getSequence(), "sequence"),
                hash(m.getBlockHash(), "block_hash"),
                m.getProofList());
        return new Inbound(
            sender, type, stable.sequence(), r -> r.onStableCheckpoint(sender, stable));
      }
      default -> throw malformed("a " + type + " envelope is not a consensus message");
    }
  }

  /** The highest height a VIEW-CHANGE names: its checkpoint's, or a block's it reports. */
  private static long highestHeight(ViewChange<NodeBlock, SignedEnvelope> message) {
    long highest = message.checkpoint().sequence();
    for (ViewChange.Prepared<NodeBlock, SignedEnvelope> prepared : message.prepared()) {
      highest = Math.max(highest, prepared.sequence());
    }
    for (ViewChange.Sent<NodeBlock> sent : message.sent()) {
      highest = Math.max(highest, sent.sequence());
    }
    return highest;
  }

  private static List<NodeBlock> blocksOf(ViewChange<NodeBlock, SignedEnvelope> message) {
    List<NodeBlock> blocks = new ArrayList<>();
    message.prepared().forEach(p -> blocks.add(p.block()));
    message.sent().forEach(s -> blocks.add(s.block()));
    return blocks;
  }

  /** The envelope to broadcast for a send output, if the output is one. */
  public Optional<SignedEnvelope> encode(ReplicaOutput<NodeBlock, SignedEnvelope> output) {
    if (output instanceof ReplicaOutput.SendPrePrepare<NodeBlock, SignedEnvelope> m) {
      PrePrepare payload =
          PrePrepare.newBuilder()
              .setView(m.view())
              .setSequence(m.sequence())
              .setBlock(m.block().block())
              .build();
      return Optional.of(seal(MessageType.MESSAGE_TYPE_PRE_PREPARE, payload.toByteArray()));
    }
    if (output instanceof ReplicaOutput.SendPrepare<NodeBlock, SignedEnvelope> m) {
      return Optional.of(m.proof());
    }
    if (output instanceof ReplicaOutput.SendCommit<NodeBlock, SignedEnvelope> m) {
      return Optional.of(m.proof());
    }
    if (output instanceof ReplicaOutput.SendCheckpoint<NodeBlock, SignedEnvelope> m) {
      return Optional.of(m.proof());
    }
    if (output instanceof ReplicaOutput.SendViewChange<NodeBlock, SignedEnvelope> m) {
      return Optional.of(m.viewChange().signature());
    }
    if (output instanceof ReplicaOutput.SendNewView<NodeBlock, SignedEnvelope> m) {
      io.swarmcore.codecs.proto.NewView.Builder payload =
          io.swarmcore.codecs.proto.NewView.newBuilder().setView(m.newView().view());
      m.newView().viewChanges().forEach(signed -> payload.addViewChanges(signed.signature()));
      return Optional.of(seal(MessageType.MESSAGE_TYPE_NEW_VIEW, payload.build().toByteArray()));
    }
    if (output instanceof ReplicaOutput.SendStableCheckpoint<NodeBlock, SignedEnvelope> m) {
      StableCheckpoint payload =
          StableCheckpoint.newBuilder()
              .setSequence(m.stable().sequence())
              .setBlockHash(m.stable().digest())
              .addAllProof(m.stable().proof())
              .build();
      return Optional.of(seal(MessageType.MESSAGE_TYPE_STABLE_CHECKPOINT, payload.toByteArray()));
    }
    return Optional.empty();
  }

  /** The protobuf VIEW-CHANGE for the core's, as its sender signs it. */
  static io.swarmcore.codecs.proto.ViewChange toProto(ViewChange<NodeBlock, SignedEnvelope> m) {
    io.swarmcore.codecs.proto.ViewChange.Builder b =
        io.swarmcore.codecs.proto.ViewChange.newBuilder()
            .setNewView(m.newView())
            .setStableSequence(m.checkpoint().sequence())
            .setStableBlockHash(m.checkpoint().digest())
            .addAllCheckpointProof(m.checkpoint().proof());
    for (ViewChange.Prepared<NodeBlock, SignedEnvelope> p : m.prepared()) {
      b.addPrepared(
          PreparedCertificate.newBuilder()
              .setView(p.view())
              .setSequence(p.sequence())
              .setBlock(p.block().block())
              .addAllPrepares(p.prepares()));
    }
    for (ViewChange.Sent<NodeBlock> s : m.sent()) {
      b.addSentPrepares(
          SentPrepare.newBuilder()
              .setView(s.view())
              .setSequence(s.sequence())
              .setBlock(s.block().block()));
    }
    return b.build();
  }

  /** The core's VIEW-CHANGE read from a verified envelope of {@code sender}. */
  static ViewChange<NodeBlock, SignedEnvelope> viewChange(SignedEnvelope envelope, int sender) {
    io.swarmcore.codecs.proto.ViewChange m =
        parse(
            envelope.getPayload(),
            io.swarmcore.codecs.proto.ViewChange.parser(),
            MessageType.MESSAGE_TYPE_VIEW_CHANGE);
    List<ViewChange.Prepared<NodeBlock, SignedEnvelope>> prepared = new ArrayList<>();
    for (PreparedCertificate p : m.getPreparedList()) {
      long sequence = nonNegative(p.getSequence(), "prepared sequence");
      prepared.add(
          new ViewChange.Prepared<>(
              nonNegative(p.getView(), "prepared view"),
              sequence,
              atHeight(NodeBlock.of(p.getBlock()), sequence),
              p.getPreparesList()));
    }
    List<ViewChange.Sent<NodeBlock>> sent = new ArrayList<>();
    for (SentPrepare s : m.getSentPreparesList()) {
      long sequence = nonNegative(s.getSequence(), "sent sequence");
      sent.add(
          new ViewChange.Sent<>(
              nonNegative(s.getView(), "sent view"),
              sequence,
              atHeight(NodeBlock.of(s.getBlock()), sequence)));
    }
    return new ViewChange<>(
        nonNegative(m.getNewView(), "new_view"),
        sender,
        new Checkpoints.Stable<>(
            atLeastGenesis(m.getStableSequence()),
            m.getStableBlockHash(),
            m.getCheckpointProofList()),
        prepared,
        sent);
  }

  /**
   * The validator index of the envelope's signer, once its signature verifies.
   *
   * @throws RejectedMessageException UNKNOWN_SIGNER, MALFORMED or BAD_SIGNATURE
   */
  int verifiedSender(SignedEnvelope envelope) {
    SignedEnvelopes.checkShape(envelope);
    var index = validators.indexOf(envelope.getSigner());
    if (index.isEmpty()) {
      throw new RejectedMessageException(
          RejectCode.UNKNOWN_SIGNER, envelope.getSigner() + " is not a validator");
    }
    // A vote is checked when it arrives and again when the core meets it as a proof: the second
    // time costs a set lookup, not an Ed25519 verification.
    if (!verified.contains(envelope)) {
      SignedEnvelopes.verify(envelope, validators.keyOf(index.getAsInt()));
      verified.add(envelope);
    }
    return index.getAsInt();
  }

  SignedEnvelope seal(MessageType type, byte[] payload) {
    return SignedEnvelopes.seal(type, payload, selfId, key);
  }

  /**
   * The sequence a PREPARE, COMMIT or CHECKPOINT names, read without checking the signature: to
   * drop votes at or below the stable checkpoint (replays) before they cost a verification. Empty
   * for other types and for payloads that do not parse (the full decode refuses those).
   */
  public static java.util.OptionalLong unverifiedSequence(SignedEnvelope envelope) {
    try {
      return switch (envelope.getType()) {
        case MESSAGE_TYPE_PREPARE ->
            java.util.OptionalLong.of(Prepare.parseFrom(envelope.getPayload()).getSequence());
        case MESSAGE_TYPE_COMMIT ->
            java.util.OptionalLong.of(Commit.parseFrom(envelope.getPayload()).getSequence());
        case MESSAGE_TYPE_CHECKPOINT ->
            java.util.OptionalLong.of(Checkpoint.parseFrom(envelope.getPayload()).getSequence());
        default -> java.util.OptionalLong.empty();
      };
    } catch (InvalidProtocolBufferException e) {
      return java.util.OptionalLong.empty();
    }
  }

  static <T> T parse(ByteString payload, com.google.protobuf.Parser<T> parser, MessageType type) {
    try {
      return parser.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw malformed(type + " payload does not parse: " + e.getMessage());
    }
  }

  /** A block named at a sequence must have that height (sequence = height). */
  static NodeBlock atHeight(NodeBlock block, long sequence) {
    if (block.height() != sequence) {
      throw malformed("block of height " + block.height() + " named at sequence " + sequence);
    }
    return block;
  }

  /**
   * Votes must be in canonical encoding: certificates keep only (signer, signature), and whoever
   * checks one rebuilds the payload from the fields.
   */
  static <T extends com.google.protobuf.MessageLite> T canonical(
      T message, ByteString payload, MessageType type) {
    if (!message.toByteString().equals(payload)) {
      throw malformed(type + " payload is not in canonical encoding");
    }
    return message;
  }

  /** uint64 fields arrive as Java longs; values of 2^63 and above read as negative. */
  static long nonNegative(long value, String field) {
    if (value < 0) {
      throw malformed(field + " is out of range");
    }
    return value;
  }

  /** A checkpoint sequence: −1 (the genesis checkpoint, below block 0) or a block height. */
  static long atLeastGenesis(long sequence) {
    if (sequence < -1) {
      throw malformed("stable_sequence " + sequence + " is below the genesis checkpoint -1");
    }
    return sequence;
  }

  static ByteString hash(ByteString value, String field) {
    if (value.size() != HASH_BYTES) {
      throw malformed(field + " must be " + HASH_BYTES + " bytes, got " + value.size());
    }
    return value;
  }

  static RejectedMessageException malformed(String why) {
    return new RejectedMessageException(RejectCode.MALFORMED, why);
  }
}
