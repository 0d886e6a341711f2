package io.swarmcore.tests.harness;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.MessageDomain;
import io.swarmcore.codecs.SignedEnvelopes;
import io.swarmcore.codecs.proto.Block;
import io.swarmcore.codecs.proto.Certificate;
import io.swarmcore.codecs.proto.CertificateKind;
import io.swarmcore.codecs.proto.CertificateSignature;
import io.swarmcore.codecs.proto.Checkpoint;
import io.swarmcore.codecs.proto.Commit;
import io.swarmcore.codecs.proto.ConsensusState;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.Transaction;
import io.swarmcore.crypto.SigningKey;
import io.swarmcore.merkle.MerkleFrontier;
import io.swarmcore.merkle.MerkleHash;
import io.swarmcore.storage.BlockStore;
import io.swarmcore.storage.StoreOptions;
import io.swarmcore.storage.core.BlockAssembler;
import io.swarmcore.storage.core.LedgerTip;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a long chain the way validators would have finalized it, signed by a commit quorum of the
 * cluster's real voting keys: each block with a COMMIT certificate, and at the end a proven stable
 * checkpoint (CHECKPOINT envelopes of the same quorum). Tests use it to give validators a history
 * of thousands of blocks in seconds, then check what a node that lacks it does; every signature in
 * it verifies like one made by running consensus.
 */
public final class CertifiedChain {
  private final Map<String, SigningKey> quorum;
  private final MerkleFrontier frontier = new MerkleFrontier();
  private LedgerTip tip = LedgerTip.empty();
  private long nonce;

  /**
   * @param quorum the validators that sign (at least the commit quorum), by id
   */
  public CertifiedChain(Map<String, SigningKey> quorum) {
    this.quorum = new LinkedHashMap<>(quorum);
  }

  public LedgerTip tip() {
    return tip;
  }

  /** The next block, with {@code count} transactions of {@code payloadBytes} random-ish bytes. */
  public FinalizedBlock next(int count, int payloadBytes) {
    List<ByteString> transactions = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] payload = new byte[payloadBytes];
      long n = nonce++;
      for (int b = 0; b < payloadBytes; b++) {
        payload[b] = (byte) (n >>> (8 * (b % 8)));
      }
      transactions.add(
          Transaction.newBuilder()
              .setClientId("history")
              .setNonce(n)
              .setPayload(ByteString.copyFrom(payload))
              .build()
              .toByteString());
    }
    String proposer = quorum.keySet().iterator().next();
    Block block =
        BlockAssembler.block(
            BlockAssembler.header(tip, transactions)
                .setProposer(proposer)
                .setView(0)
                .setTimestampMs(1_700_000_000_000L + tip.size())
                .build(),
            transactions);
    byte[] hash = LedgerHashes.block(block);
    FinalizedBlock finalized =
        FinalizedBlock.newBuilder()
            .setBlock(block)
            .setCertificate(commitCertificate(tip.size(), ByteString.copyFrom(hash)))
            .build();
    frontier.append(MerkleHash.leaf(hash));
    tip = new LedgerTip(tip.size() + 1, hash, frontier.root());
    return finalized;
  }

  private Certificate commitCertificate(long height, ByteString hash) {
    byte[] vote =
        Commit.newBuilder().setView(0).setSequence(height).setBlockHash(hash).build().toByteArray();
    byte[] signed = MessageDomain.signedBytes(MessageType.MESSAGE_TYPE_COMMIT, vote);
    Certificate.Builder certificate =
        Certificate.newBuilder()
            .setKind(CertificateKind.CERTIFICATE_KIND_COMMIT)
            .setView(0)
            .setSequence(height)
            .setBlockHash(hash);
    quorum.forEach(
        (id, key) ->
            certificate.addSignatures(
                CertificateSignature.newBuilder()
                    .setSigner(id)
                    .setSignature(ByteString.copyFrom(key.sign(signed)))));
    return certificate.build();
  }

  /** The consensus state of a validator whose stable checkpoint is the chain's last block. */
  public ConsensusState stableAtTip() {
    long sequence = tip.size() - 1;
    ByteString hash = ByteString.copyFrom(tip.tipHash());
    byte[] vote =
        Checkpoint.newBuilder().setSequence(sequence).setBlockHash(hash).build().toByteArray();
    ConsensusState.Builder state =
        ConsensusState.newBuilder().setView(0).setStableSequence(sequence).setStableBlockHash(hash);
    quorum.forEach(
        (id, key) ->
            state.addStableProof(
                SignedEnvelopes.seal(MessageType.MESSAGE_TYPE_CHECKPOINT, vote, id, key)));
    return state.build();
  }

  /**
   * Writes {@code blocks} new blocks of {@code txPerBlock} transactions into a fresh chain and into
   * the ledger of each data folder, with the stable checkpoint at the last block as the saved
   * consensus state. The last height must be a checkpoint sequence (a multiple of the interval).
   */
  public static void seed(
      Map<String, SigningKey> quorum, List<Path> dataDirs, int blocks, int txPerBlock) {
    CertifiedChain chain = new CertifiedChain(quorum);
    List<FinalizedBlock> all = new ArrayList<>(blocks);
    for (int i = 0; i < blocks; i++) {
      all.add(chain.next(txPerBlock, 32));
    }
    ConsensusState state = chain.stableAtTip();
    for (Path dataDir : dataDirs) {
      try (BlockStore store =
          BlockStore.open(StoreOptions.at(dataDir.resolve("ledger")).withNoSync(true))) {
        for (int from = 0; from < all.size(); from += 1_000) {
          store.appendAll(all.subList(from, Math.min(all.size(), from + 1_000)));
        }
        store.saveConsensusState(state.toByteArray());
      }
    }
  }
}
