package io.swarmcore.codecs;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.codecs.proto.Certificate;
import io.swarmcore.codecs.proto.CertificateKind;
import io.swarmcore.codecs.proto.CertificateSignature;
import io.swarmcore.codecs.proto.Commit;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.Prepare;
import io.swarmcore.crypto.PublicKey;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a block's certificate against a validator set, trusting nobody who handed it over. A FAST
 * certificate holds PREPARE signatures, a COMMIT certificate COMMIT signatures; votes are canonical
 * protobuf, so each signed payload is rebuilt from (view, sequence, block hash) and each signature
 * checked over it. The block must be the certified one: its header hash and height.
 */
public final class CertificateVerifier {
  private final Map<String, PublicKey> validators;
  private final int fastQuorum;
  private final int slowQuorum;

  /**
   * @param validators each validator's voting key by id
   * @param fastQuorum distinct signers a FAST certificate needs
   * @param slowQuorum distinct signers a COMMIT certificate needs
   */
  public CertificateVerifier(Map<String, PublicKey> validators, int fastQuorum, int slowQuorum) {
    if (fastQuorum < 1 || slowQuorum < 1) {
      throw new IllegalArgumentException("quorums must be positive");
    }
    this.validators = Map.copyOf(validators);
    this.fastQuorum = fastQuorum;
    this.slowQuorum = slowQuorum;
  }

  /** Why {@code block}'s certificate does not prove it final, or empty if it does. */
  public Optional<String> problem(FinalizedBlock block) {
    long height;
    try {
      height = BlockHeader.parseFrom(block.getBlock().getHeader()).getHeight();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return Optional.of("block header does not parse");
    }
    ByteString hash = ByteString.copyFrom(LedgerHashes.block(block.getBlock()));
    return problem(block.getCertificate(), height, hash);
  }

  /** Why {@code certificate} does not prove the block of {@code height} and {@code hash} final. */
  public Optional<String> problem(Certificate certificate, long height, ByteString hash) {
    return check(certificate, height, hash, true);
  }

  /**
   * Like {@link #problem(Certificate, long, ByteString)} without checking the signature bytes:
   * kind, height, hash, and a quorum of distinct validators named. For a block whose content is
   * already proven another way (a certified block above it names it through parent hashes).
   */
  public Optional<String> shapeProblem(Certificate certificate, long height, ByteString hash) {
    return check(certificate, height, hash, false);
  }

  private Optional<String> check(
      Certificate certificate, long height, ByteString hash, boolean signatures) {
    if (certificate.getSequence() != height) {
      return Optional.of(
          "certificate names height " + certificate.getSequence() + ", the block is " + height);
    }
    if (!certificate.getBlockHash().equals(hash)) {
      return Optional.of("certificate names another block hash");
    }
    MessageType type;
    byte[] payload;
    int quorum;
    if (certificate.getKind() == CertificateKind.CERTIFICATE_KIND_FAST) {
      type = MessageType.MESSAGE_TYPE_PREPARE;
      payload =
          Prepare.newBuilder()
              .setView(certificate.getView())
              .setSequence(height)
              .setBlockHash(hash)
              .build()
              .toByteArray();
      quorum = fastQuorum;
    } else if (certificate.getKind() == CertificateKind.CERTIFICATE_KIND_COMMIT) {
      type = MessageType.MESSAGE_TYPE_COMMIT;
      payload =
          Commit.newBuilder()
              .setView(certificate.getView())
              .setSequence(height)
              .setBlockHash(hash)
              .build()
              .toByteArray();
      quorum = slowQuorum;
    } else {
      return Optional.of(
          "certificate kind " + certificate.getKindValue() + " is not FAST or COMMIT");
    }
    byte[] signed = MessageDomain.signedBytes(type, payload);
    Set<String> signers = new HashSet<>();
    for (CertificateSignature signature : certificate.getSignaturesList()) {
      PublicKey key = validators.get(signature.getSigner());
      if (key == null) {
        return Optional.of("signer " + signature.getSigner() + " is not a validator");
      }
      if (!signers.add(signature.getSigner())) {
        return Optional.of("signer " + signature.getSigner() + " signs twice");
      }
      if (signatures && !key.verify(signed, signature.getSignature().toByteArray())) {
        return Optional.of("signature of " + signature.getSigner() + " does not verify");
      }
    }
    if (signers.size() < quorum) {
      return Optional.of(
          "certificate has " + signers.size() + " signatures, needs " + quorum + " for its kind");
    }
    return Optional.empty();
  }
}
