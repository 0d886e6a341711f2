package io.swarmcore.storage;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.proto.Block;
import io.swarmcore.codecs.proto.Certificate;
import io.swarmcore.codecs.proto.CertificateKind;
import io.swarmcore.codecs.proto.CertificateSignature;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.Transaction;
import io.swarmcore.merkle.MerkleFrontier;
import io.swarmcore.merkle.MerkleHash;
import io.swarmcore.storage.core.BlockAssembler;
import io.swarmcore.storage.core.LedgerTip;
import java.util.ArrayList;
import java.util.List;

/** Builds a valid chain of finalized blocks (with placeholder certificate signatures). */
public final class TestChain {
  private final MerkleFrontier frontier;
  private LedgerTip tip;
  private long nonce;

  /** A chain from the first block. */
  public TestChain() {
    this.frontier = new MerkleFrontier();
    this.tip = LedgerTip.empty();
  }

  /**
   * A chain that extends {@code store}'s current tip. Its transactions start from a nonce no
   * earlier chain on this store used (each block holds far fewer than 2^20 transactions), so they
   * never repeat one already in the ledger.
   */
  public TestChain(BlockStore store) {
    this.frontier = store.frontier();
    this.tip = store.tip();
    this.nonce = tip.size() << 20;
  }

  public LedgerTip tip() {
    return tip;
  }

  /** The next block, holding {@code count} transactions of {@code payloadBytes} each. */
  public FinalizedBlock next(int count, int payloadBytes) {
    List<ByteString> transactions = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      transactions.add(transaction(payloadBytes));
    }
    return next(transactions);
  }

  /**
   * The next {@code blocks} blocks, each with {@code count} transactions of {@code payloadBytes}.
   */
  public List<FinalizedBlock> batch(int blocks, int count, int payloadBytes) {
    List<FinalizedBlock> batch = new ArrayList<>(blocks);
    for (int i = 0; i < blocks; i++) {
      batch.add(next(count, payloadBytes));
    }
    return batch;
  }

  public FinalizedBlock next(List<ByteString> transactions) {
    Block block =
        BlockAssembler.block(
            BlockAssembler.header(tip, transactions).setProposer("v1").setView(1).build(),
            transactions);
    byte[] hash = LedgerHashes.block(block);
    FinalizedBlock finalized = certified(block, tip.size());
    frontier.append(MerkleHash.leaf(hash));
    tip = new LedgerTip(tip.size() + 1, hash, frontier.root());
    return finalized;
  }

  /** {@code block} with a certificate naming it (its signature bytes are placeholders). */
  public static FinalizedBlock certified(Block block, long height) {
    return FinalizedBlock.newBuilder()
        .setBlock(block)
        .setCertificate(
            Certificate.newBuilder()
                .setKind(CertificateKind.CERTIFICATE_KIND_FAST)
                .setView(1)
                .setSequence(height)
                .setBlockHash(ByteString.copyFrom(LedgerHashes.block(block)))
                .addSignatures(
                    CertificateSignature.newBuilder()
                        .setSigner("v1")
                        .setSignature(ByteString.copyFrom(new byte[64]))))
        .build();
  }

  public ByteString transaction(int payloadBytes) {
    byte[] payload = new byte[payloadBytes];
    long n = nonce++;
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) (n >>> (8 * (i % 8)));
    }
    return Transaction.newBuilder()
        .setClientId("test")
        .setNonce(n)
        .setPayload(ByteString.copyFrom(payload))
        .build()
        .toByteString();
  }
}
