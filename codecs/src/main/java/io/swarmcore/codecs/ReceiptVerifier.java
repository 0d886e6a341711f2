package io.swarmcore.codecs;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.InclusionProof;
import io.swarmcore.codecs.proto.Receipt;
import io.swarmcore.merkle.MerkleHash;
import io.swarmcore.merkle.MerkleVerifier;
import io.swarmcore.merkle.ProofException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a receipt against a validator set and nothing else: not the node that answered. A receipt
 * proves its transaction final when its block's certificate holds a quorum of valid signatures over
 * the header, and the transaction is at its position under the header's tx root. Its block is then
 * proven in the ledger when an anchor (a later certified block, whose header commits to the ledger
 * root) is present and the block's inclusion proof leads to that root.
 */
public final class ReceiptVerifier {
  /** The checks, in the order they run; each names what a failure means. */
  public enum Check {
    HEADER("the block header parses and is the receipt's height"),
    CERTIFICATE("a quorum of the validators signed the block"),
    TX_INCLUSION("the transaction is at its position under the header's tx root"),
    ANCHOR("a later certified block commits to the ledger root"),
    BLOCK_INCLUSION("the block is in the ledger tree under that root");

    private final String meaning;

    Check(String meaning) {
      this.meaning = meaning;
    }

    public String meaning() {
      return meaning;
    }
  }

  /**
   * The outcome: the checks that passed, and the first that failed with why (empty if none did).
   * {@code anchored} is false when the receipt carries no anchor (its block was the newest): the
   * transaction is still proven final, its place in the ledger tree is not.
   */
  public record Verdict(List<Check> passed, Optional<Failure> failure, boolean anchored) {
    public boolean isFinal() {
      return failure.isEmpty();
    }
  }

  /** A failed check and why. */
  public record Failure(Check check, String reason) {
    @Override
    public String toString() {
      return check + " (" + check.meaning() + ") failed: " + reason;
    }
  }

  private final CertificateVerifier certificates;

  /**
   * @param certificates the validator set of the receipt's epoch, with its quorums
   */
  public ReceiptVerifier(CertificateVerifier certificates) {
    this.certificates = certificates;
  }

  public Verdict verify(Receipt receipt) {
    List<Check> passed = new ArrayList<>();
    Check current = Check.HEADER;
    try {
      BlockHeader header = BlockHeader.parseFrom(receipt.getBlockHeader());
      require(
          header.getHeight() == receipt.getHeight(),
          "header height " + header.getHeight() + " is not the receipt's " + receipt.getHeight());
      require(
          receipt.getPosition() < header.getTxCount(),
          "position " + receipt.getPosition() + " in a block of " + header.getTxCount());
      passed.add(current);

      current = Check.CERTIFICATE;
      ByteString blockHash =
          ByteString.copyFrom(
              io.swarmcore.crypto.Sha256.hash(receipt.getBlockHeader().toByteArray()));
      Optional<String> problem =
          certificates.problem(receipt.getCertificate(), header.getHeight(), blockHash);
      require(problem.isEmpty(), problem.orElse(""));
      passed.add(current);

      current = Check.TX_INCLUSION;
      InclusionProof tx = receipt.getTxInclusion();
      require(
          tx.getLeafIndex() == receipt.getPosition() && tx.getTreeSize() == header.getTxCount(),
          "the proof is for leaf " + tx.getLeafIndex() + " of " + tx.getTreeSize());
      require(receipt.getTxHash().size() == MerkleHash.LENGTH, "the tx hash is not 32 bytes");
      MerkleVerifier.checkInclusion(
          MerkleHash.leaf(receipt.getTxHash().toByteArray()),
          tx.getLeafIndex(),
          tx.getTreeSize(),
          bytes(tx.getAuditPathList()),
          header.getTxRoot().toByteArray());
      passed.add(current);

      if (!receipt.hasAnchor()) {
        return new Verdict(passed, Optional.empty(), false);
      }
      current = Check.ANCHOR;
      FinalizedBlock anchor = receipt.getAnchor();
      BlockHeader anchorHeader = BlockHeader.parseFrom(anchor.getBlock().getHeader());
      require(
          anchorHeader.getHeight() == receipt.getLedgerTreeSize()
              && anchorHeader.getHeight() > receipt.getHeight(),
          "the anchor is block "
              + anchorHeader.getHeight()
              + ", not block "
              + receipt.getLedgerTreeSize()
              + " above "
              + receipt.getHeight());
      require(
          anchorHeader.getLedgerRoot().equals(receipt.getLedgerRoot()),
          "the anchor commits to another ledger root");
      Optional<String> anchorProblem =
          certificates.problem(
              anchor.getCertificate(),
              anchorHeader.getHeight(),
              ByteString.copyFrom(
                  io.swarmcore.crypto.Sha256.hash(anchor.getBlock().getHeader().toByteArray())));
      require(anchorProblem.isEmpty(), "its certificate: " + anchorProblem.orElse(""));
      passed.add(current);

      current = Check.BLOCK_INCLUSION;
      InclusionProof block = receipt.getBlockInclusion();
      require(
          block.getLeafIndex() == receipt.getHeight()
              && block.getTreeSize() == receipt.getLedgerTreeSize(),
          "the proof is for leaf " + block.getLeafIndex() + " of " + block.getTreeSize());
      MerkleVerifier.checkInclusion(
          MerkleHash.leaf(blockHash.toByteArray()),
          block.getLeafIndex(),
          block.getTreeSize(),
          bytes(block.getAuditPathList()),
          receipt.getLedgerRoot().toByteArray());
      passed.add(current);
      return new Verdict(passed, Optional.empty(), true);
    } catch (InvalidProtocolBufferException e) {
      return failed(passed, current, "does not parse: " + e.getMessage());
    } catch (ProofException e) {
      return failed(passed, current, e.getMessage());
    } catch (Refused e) {
      return failed(passed, current, e.getMessage());
    }
  }

  private static Verdict failed(List<Check> passed, Check check, String reason) {
    return new Verdict(passed, Optional.of(new Failure(check, reason)), false);
  }

  private static List<byte[]> bytes(List<ByteString> path) {
    return path.stream().map(ByteString::toByteArray).toList();
  }

  private static void require(boolean holds, String otherwise) {
    if (!holds) {
      throw new Refused(otherwise);
    }
  }

  /** A check that does not hold; caught in {@link #verify}. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message, null, false, false);
    }
  }
}
