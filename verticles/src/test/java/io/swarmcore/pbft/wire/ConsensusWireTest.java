package io.swarmcore.pbft.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.RejectCode;
import io.swarmcore.codecs.RejectedMessageException;
import io.swarmcore.codecs.SignedEnvelopes;
import io.swarmcore.codecs.proto.Block;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.Prepare;
import io.swarmcore.codecs.proto.SignedEnvelope;
import io.swarmcore.crypto.SigningKey;
import io.swarmcore.pbft.core.Checkpoints;
import io.swarmcore.pbft.core.ProgressTimer;
import io.swarmcore.pbft.core.Quorums;
import io.swarmcore.pbft.core.Replica;
import io.swarmcore.pbft.core.ReplicaOutput;
import io.swarmcore.pbft.core.Slot;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Replicas talking through the real wire format: every message is encoded, serialized, parsed,
 * checked and decoded, with Ed25519 signatures, as between nodes.
 */
class ConsensusWireTest {
  private static final ByteString GENESIS = ByteString.copyFrom(LedgerHashes.noParent());

  private final List<SigningKey> keys = new ArrayList<>();
  private final ValidatorKeys validators;

  ConsensusWireTest() {
    SecureRandom random = new SecureRandom();
    List<ValidatorKeys.Entry> entries = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      SigningKey key = SigningKey.generate(random);
      keys.add(key);
      entries.add(new ValidatorKeys.Entry("node-" + i, key.publicKey()));
    }
    validators = new ValidatorKeys(entries);
  }

  private ConsensusWire wire(int index) {
    return new ConsensusWire(validators, "node-" + index, keys.get(index));
  }

  private static NodeBlock block(long height, ByteString parent, String proposer) {
    BlockHeader header =
        BlockHeader.newBuilder()
            .setHeight(height)
            .setParentHash(parent)
            .setProposer(proposer)
            .setTxRoot(ByteString.copyFrom(LedgerHashes.txRoot(List.of())))
            .build();
    return NodeBlock.of(Block.newBuilder().setHeader(header.toByteString()).build());
  }

  /** Four replicas joined through the wire; replicas in {@code silent} send nothing. */
  private final class Cluster {
    final List<Replica<NodeBlock, SignedEnvelope>> replicas = new ArrayList<>();
    final List<ConsensusWire> wires = new ArrayList<>();
    final List<List<ReplicaOutput.Finalize<NodeBlock, SignedEnvelope>>> finalized =
        new ArrayList<>();
    final Deque<byte[]>[] inboxes;
    final Set<Integer> silent = new HashSet<>();
    long now;

    @SuppressWarnings("unchecked")
    Cluster() {
      inboxes = new Deque[4];
      Quorums quorums = Quorums.of(4, 1);
      for (int i = 0; i < 4; i++) {
        ConsensusWire wire = wire(i);
        wires.add(wire);
        replicas.add(
            new Replica<>(
                quorums,
                i,
                new Replica.Ports<>(
                    view -> (int) (view % 4),
                    NodeBlock.FACTS,
                    new EnvelopeSigner("node-" + i, keys.get(i), s -> Optional.empty()),
                    new EnvelopeVerifier(wire)),
                // As from an empty store: block 0 comes first, after the genesis checkpoint -1.
                new Checkpoints<>(quorums, 4, 8, new Checkpoints.Stable<>(-1, GENESIS, List.of())),
                new ProgressTimer(100, 1_600),
                new Replica.Start(0, -1, GENESIS)));
        finalized.add(new ArrayList<>());
        inboxes[i] = new ArrayDeque<>();
      }
    }

    void handle(int from, List<ReplicaOutput<NodeBlock, SignedEnvelope>> outputs) {
      for (ReplicaOutput<NodeBlock, SignedEnvelope> output : outputs) {
        Optional<SignedEnvelope> envelope = wires.get(from).encode(output);
        if (envelope.isPresent()) {
          if (!silent.contains(from)) {
            byte[] bytes = envelope.get().toByteArray(); // what crosses the event bus
            for (int to = 0; to < 4; to++) {
              if (to != from) {
                inboxes[to].add(bytes);
              }
            }
          }
        } else if (output instanceof ReplicaOutput.Finalize<NodeBlock, SignedEnvelope> f) {
          finalized.get(from).add(f);
          handle(from, replicas.get(from).onStored(f.sequence(), f.block().hash()));
        }
      }
    }

    void run() throws Exception {
      boolean delivered = true;
      while (delivered) {
        delivered = false;
        for (int to = 0; to < 4; to++) {
          byte[] bytes = inboxes[to].poll();
          if (bytes != null) {
            delivered = true;
            ConsensusWire.Inbound inbound = wires.get(to).decode(SignedEnvelope.parseFrom(bytes));
            heights
                .computeIfAbsent(inbound.type(), t -> new java.util.TreeSet<>())
                .add(inbound.highestHeight());
            handle(to, replicas.get(to).onTick(now));
            handle(to, inbound.call().apply(replicas.get(to)));
            proposeIfLeading(to);
          }
        }
      }
    }

    // The highest height each decoded message named, by message type.
    final java.util.Map<MessageType, Set<Long>> heights =
        new java.util.EnumMap<>(MessageType.class);

    void proposeIfLeading(int index) {
      Replica<NodeBlock, SignedEnvelope> leader = replicas.get(index);
      while (!silent.contains(index)
          && leader.nextProposalSequence().filter(s -> s <= 5).isPresent()) {
        long sequence = leader.nextProposalSequence().get();
        handle(
            index,
            leader.propose(
                block(sequence, leader.proposalParent().orElseThrow(), "node-" + index)));
      }
    }
  }

  @Test
  void fourReplicasFinalizeOverTheWireWithVerifiableCertificates() throws Exception {
    Cluster cluster = new Cluster();
    cluster.proposeIfLeading(0);
    cluster.run();

    for (int i = 0; i < 4; i++) {
      assertThat(cluster.finalized.get(i)).hasSize(6);
      assertThat(cluster.finalized.get(i)).extracting(f -> f.path()).containsOnly(Slot.Path.FAST);
    }
    ReplicaOutput.Finalize<NodeBlock, SignedEnvelope> first = cluster.finalized.get(2).get(0);
    assertThat(first.block().height()).isZero();
    EnvelopeVerifier verifier = new EnvelopeVerifier(wire(3));
    Set<Integer> signers = new HashSet<>();
    for (SignedEnvelope vote : first.certificate()) {
      verifier.prepareSigner(vote, 0, 0, first.block().hash()).ifPresent(signers::add);
    }
    assertThat(signers).containsExactlyInAnyOrder(0, 1, 2, 3);
    assertThat(cluster.heights.get(MessageType.MESSAGE_TYPE_PRE_PREPARE))
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    assertThat(cluster.heights.get(MessageType.MESSAGE_TYPE_PREPARE))
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    assertThat(cluster.heights.get(MessageType.MESSAGE_TYPE_CHECKPOINT)).containsExactly(0L, 4L);
  }

  @Test
  void aSilentLeaderIsReplacedThroughViewChangeAndNewViewOnTheWire() throws Exception {
    Cluster cluster = new Cluster();
    cluster.silent.add(0);
    for (int i = 1; i < 4; i++) {
      cluster.handle(i, cluster.replicas.get(i).onWorkPending(true));
    }
    cluster.now = 100;
    for (int i = 1; i < 4; i++) {
      cluster.handle(i, cluster.replicas.get(i).onTick(100));
    }
    cluster.run();

    for (int i = 1; i < 4; i++) {
      assertThat(cluster.replicas.get(i).view()).isEqualTo(1);
      assertThat(cluster.finalized.get(i))
          .extracting(f -> f.block().height())
          .containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    }
    // Nothing was prepared or checkpointed before the view change: they name no height.
    assertThat(cluster.heights.get(MessageType.MESSAGE_TYPE_VIEW_CHANGE)).containsExactly(-1L);
    assertThat(cluster.heights.get(MessageType.MESSAGE_TYPE_NEW_VIEW)).containsExactly(-1L);
  }

  @Test
  void refusesUnknownSignersBadSignaturesAndMalformedPayloads() {
    ConsensusWire wire = wire(1);
    Prepare vote = Prepare.newBuilder().setView(0).setSequence(1).setBlockHash(GENESIS).build();

    SigningKey stranger = SigningKey.generate(new SecureRandom());
    SignedEnvelope fromStranger =
        SignedEnvelopes.seal(MessageType.MESSAGE_TYPE_PREPARE, vote.toByteArray(), "x", stranger);
    assertRejected(() -> wire.decode(fromStranger), RejectCode.UNKNOWN_SIGNER, "not a validator");

    SignedEnvelope impostor =
        SignedEnvelopes.seal(
            MessageType.MESSAGE_TYPE_PREPARE, vote.toByteArray(), "node-2", stranger);
    assertRejected(() -> wire.decode(impostor), RejectCode.BAD_SIGNATURE, "does not verify");

    SignedEnvelope garbage =
        SignedEnvelopes.seal(
            MessageType.MESSAGE_TYPE_PREPARE, new byte[] {(byte) 0xff, 1}, "node-2", keys.get(2));
    assertRejected(() -> wire.decode(garbage), RejectCode.MALFORMED, "does not parse");

    Prepare shortHash = vote.toBuilder().setBlockHash(ByteString.copyFromUtf8("short")).build();
    assertRejected(
        () -> wire.decode(seal(2, MessageType.MESSAGE_TYPE_PREPARE, shortHash.toByteArray())),
        RejectCode.MALFORMED,
        "block_hash must be 32 bytes");

    Prepare huge = vote.toBuilder().setSequence(-1).build(); // 2^64 - 1 as uint64
    assertRejected(
        () -> wire.decode(seal(2, MessageType.MESSAGE_TYPE_PREPARE, huge.toByteArray())),
        RejectCode.MALFORMED,
        "sequence is out of range");

    io.swarmcore.codecs.proto.NewView sneaky =
        io.swarmcore.codecs.proto.NewView.newBuilder()
            .setView(1)
            .addViewChanges(seal(2, MessageType.MESSAGE_TYPE_PREPARE, vote.toByteArray()))
            .build();
    assertRejected(
        () -> wire.decode(seal(1, MessageType.MESSAGE_TYPE_NEW_VIEW, sneaky.toByteArray())),
        RejectCode.MALFORMED,
        "NEW-VIEW carries a MESSAGE_TYPE_PREPARE envelope");

    assertRejected(
        () -> wire.decode(seal(2, MessageType.MESSAGE_TYPE_HELLO, new byte[0])),
        RejectCode.MALFORMED,
        "is not a consensus message");
  }

  @Test
  void aBlockMustMatchItsHeaderAndItsSequenceAndVotesMustBeCanonical() {
    ConsensusWire wire = wire(1);
    NodeBlock honest = block(0, GENESIS, "node-0");
    // The same header (so the same hash, which votes sign) with a transaction slipped in.
    io.swarmcore.codecs.proto.Block swapped =
        honest.block().toBuilder().addTransactions(ByteString.copyFromUtf8("extra")).build();
    io.swarmcore.codecs.proto.PrePrepare tampered =
        io.swarmcore.codecs.proto.PrePrepare.newBuilder()
            .setView(0)
            .setSequence(0)
            .setBlock(swapped)
            .build();
    assertRejected(
        () -> wire.decode(seal(0, MessageType.MESSAGE_TYPE_PRE_PREPARE, tampered.toByteArray())),
        RejectCode.MALFORMED,
        "counts 0 transactions, the block carries 1");

    io.swarmcore.codecs.proto.PrePrepare elsewhere =
        tampered.toBuilder().setBlock(honest.block()).setSequence(5).build();
    assertRejected(
        () -> wire.decode(seal(0, MessageType.MESSAGE_TYPE_PRE_PREPARE, elsewhere.toByteArray())),
        RejectCode.MALFORMED,
        "block of height 0 named at sequence 5");

    // view 1 encoded as a two-byte varint: same fields, another encoding.
    byte[] padded = {0x08, (byte) 0x81, 0x00, 0x10, 0x01};
    assertRejected(
        () -> wire.decode(seal(2, MessageType.MESSAGE_TYPE_PREPARE, padded)),
        RejectCode.MALFORMED,
        "not in canonical encoding");
  }

  @Test
  void theVerifierAnswersOnlyForTheExactContent() {
    EnvelopeVerifier verifier = new EnvelopeVerifier(wire(0));
    EnvelopeSigner signer = new EnvelopeSigner("node-2", keys.get(2), s -> Optional.empty());
    ByteString hash = block(1, GENESIS, "node-0").hash();
    SignedEnvelope vote = signer.prepare(3, 1, hash);

    assertThat(verifier.prepareSigner(vote, 3, 1, hash)).hasValue(2);
    assertThat(verifier.prepareSigner(vote, 4, 1, hash)).isEmpty();
    assertThat(verifier.prepareSigner(vote, 3, 1, GENESIS)).isEmpty();
    assertThat(verifier.commitSigner(vote, 3, 1, hash)).as("a PREPARE is no COMMIT").isEmpty();
    SignedEnvelope tampered = vote.toBuilder().setSigner("node-1").build();
    assertThat(verifier.prepareSigner(tampered, 3, 1, hash)).isEmpty();
  }

  private SignedEnvelope seal(int signer, MessageType type, byte[] payload) {
    return SignedEnvelopes.seal(type, payload, "node-" + signer, keys.get(signer));
  }

  private static void assertRejected(Runnable call, RejectCode code, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            RejectedMessageException.class, e -> assertThat(e.code()).isEqualTo(code))
        .hasMessageContaining(message);
  }
}
