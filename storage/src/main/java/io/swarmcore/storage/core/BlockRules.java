package io.swarmcore.storage.core;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.codecs.proto.CertificateKind;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.storage.core.InvalidBlockException.Rule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * What a finalized block must satisfy before it is stored: it extends the tip (height, parent hash,
 * ledger root), its header agrees with its transactions (count and tx root), it respects the size
 * limits, no transaction repeats within it, and its certificate names it. Certificate signatures
 * are consensus's business (they need the validator set) and are not checked here.
 */
public final class BlockRules {
  private static final HexFormat HEX = HexFormat.of();

  private BlockRules() {}

  public static CheckedBlock check(FinalizedBlock finalized, LedgerTip tip, BlockLimits limits) {
    int size = finalized.getSerializedSize();
    if (size > limits.maxBlockBytes()) {
      throw new InvalidBlockException(
          Rule.TOO_LARGE, "block is " + size + " bytes, the limit is " + limits.maxBlockBytes());
    }
    if (!finalized.hasBlock() || finalized.getBlock().getHeader().isEmpty()) {
      throw new InvalidBlockException(Rule.MALFORMED, "block has no header");
    }
    BlockHeader header;
    try {
      header = BlockHeader.parseFrom(finalized.getBlock().getHeader());
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidBlockException(
          Rule.MALFORMED, "block header does not parse: " + e.getMessage());
    }
    if (header.getHeight() != tip.size()) {
      throw new InvalidBlockException(
          Rule.WRONG_HEIGHT,
          "block height "
              + header.getHeight()
              + " does not extend the tip: expected "
              + tip.size());
    }
    if (!Arrays.equals(header.getParentHash().toByteArray(), tip.tipHash())) {
      throw new InvalidBlockException(
          Rule.WRONG_PARENT,
          "block "
              + header.getHeight()
              + " names parent "
              + HEX.formatHex(header.getParentHash().toByteArray())
              + ", the tip is "
              + HEX.formatHex(tip.tipHash()));
    }
    if (!Arrays.equals(header.getLedgerRoot().toByteArray(), tip.ledgerRoot())) {
      throw new InvalidBlockException(
          Rule.WRONG_LEDGER_ROOT,
          "block "
              + header.getHeight()
              + " commits to ledger root "
              + HEX.formatHex(header.getLedgerRoot().toByteArray())
              + ", the ledger's root at size "
              + tip.size()
              + " is "
              + HEX.formatHex(tip.ledgerRoot()));
    }
    List<byte[]> txHashes = transactionHashes(finalized, header, limits);
    byte[] txRoot = LedgerHashes.txRoot(txHashes);
    if (!Arrays.equals(header.getTxRoot().toByteArray(), txRoot)) {
      throw new InvalidBlockException(
          Rule.WRONG_TX_ROOT,
          "block "
              + header.getHeight()
              + " names tx root "
              + HEX.formatHex(header.getTxRoot().toByteArray())
              + ", its transactions hash to "
              + HEX.formatHex(txRoot));
    }
    byte[] blockHash = LedgerHashes.block(finalized.getBlock());
    checkCertificate(finalized, header, blockHash);
    return new CheckedBlock(finalized, header, blockHash, txHashes);
  }

  private static List<byte[]> transactionHashes(
      FinalizedBlock finalized, BlockHeader header, BlockLimits limits) {
    List<ByteString> transactions = finalized.getBlock().getTransactionsList();
    if (transactions.size() > limits.maxTransactions()) {
      throw new InvalidBlockException(
          Rule.TOO_LARGE,
          "block holds "
              + transactions.size()
              + " transactions, the limit is "
              + limits.maxTransactions());
    }
    if (header.getTxCount() != transactions.size()) {
      throw new InvalidBlockException(
          Rule.WRONG_TX_ROOT,
          "header counts "
              + header.getTxCount()
              + " transactions, the block holds "
              + transactions.size());
    }
    List<byte[]> hashes = new ArrayList<>(transactions.size());
    Set<ByteString> seen = new HashSet<>();
    for (int i = 0; i < transactions.size(); i++) {
      ByteString transaction = transactions.get(i);
      if (transaction.size() > limits.maxTransactionBytes()) {
        throw new InvalidBlockException(
            Rule.TOO_LARGE,
            "transaction "
                + i
                + " is "
                + transaction.size()
                + " bytes, the limit is "
                + limits.maxTransactionBytes());
      }
      byte[] hash = LedgerHashes.transaction(transaction);
      if (!seen.add(ByteString.copyFrom(hash))) {
        throw new InvalidBlockException(
            Rule.DUPLICATE_TRANSACTION,
            "transaction "
                + i
                + " repeats an earlier one in the block ("
                + HEX.formatHex(hash)
                + ")");
      }
      hashes.add(hash);
    }
    return hashes;
  }

  private static void checkCertificate(
      FinalizedBlock finalized, BlockHeader header, byte[] blockHash) {
    if (!finalized.hasCertificate()) {
      throw new InvalidBlockException(Rule.WRONG_CERTIFICATE, "block has no certificate");
    }
    var certificate = finalized.getCertificate();
    if (certificate.getKind() != CertificateKind.CERTIFICATE_KIND_FAST
        && certificate.getKind() != CertificateKind.CERTIFICATE_KIND_COMMIT) {
      throw new InvalidBlockException(
          Rule.WRONG_CERTIFICATE,
          "certificate kind " + certificate.getKind() + " is not FAST or COMMIT");
    }
    if (!Arrays.equals(certificate.getBlockHash().toByteArray(), blockHash)) {
      throw new InvalidBlockException(
          Rule.WRONG_CERTIFICATE,
          "certificate is for block "
              + HEX.formatHex(certificate.getBlockHash().toByteArray())
              + ", this block is "
              + HEX.formatHex(blockHash));
    }
    if (certificate.getSequence() != header.getHeight()) {
      throw new InvalidBlockException(
          Rule.WRONG_CERTIFICATE,
          "certificate is for sequence "
              + certificate.getSequence()
              + ", the block's height is "
              + header.getHeight());
    }
    if (certificate.getSignaturesCount() == 0) {
      throw new InvalidBlockException(Rule.WRONG_CERTIFICATE, "certificate carries no signatures");
    }
  }
}
