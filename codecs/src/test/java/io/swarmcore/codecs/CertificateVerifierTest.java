package io.swarmcore.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.proto.Block;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.codecs.proto.Certificate;
import io.swarmcore.codecs.proto.CertificateKind;
import io.swarmcore.codecs.proto.CertificateSignature;
import io.swarmcore.codecs.proto.Commit;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.codecs.proto.Prepare;
import io.swarmcore.crypto.PublicKey;
import io.swarmcore.crypto.SigningKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CertificateVerifierTest {
  private final Map<String, SigningKey> keys = new LinkedHashMap<>();
  private final Map<String, PublicKey> validators = new LinkedHashMap<>();
  // n = 4, f = 1: fast certificates need all 4 PREPAREs, commit certificates 3 COMMITs.
  private final CertificateVerifier verifier;
  private final Block block =
      Block.newBuilder()
          .setHeader(
              BlockHeader.newBuilder()
                  .setHeight(5)
                  .setParentHash(ByteString.copyFrom(new byte[32]))
                  .build()
                  .toByteString())
          .build();
  private final ByteString hash = ByteString.copyFrom(LedgerHashes.block(block));

  CertificateVerifierTest() {
    for (int i = 1; i <= 4; i++) {
      byte[] seed = new byte[32];
      seed[0] = (byte) i;
      SigningKey key = SigningKey.fromSeed(seed);
      keys.put("node-" + i, key);
      validators.put("node-" + i, key.publicKey());
    }
    verifier = new CertificateVerifier(validators, 4, 3);
  }

  private Certificate certificate(CertificateKind kind, List<String> signers) {
    byte[] payload =
        kind == CertificateKind.CERTIFICATE_KIND_FAST
            ? Prepare.newBuilder()
                .setView(2)
                .setSequence(5)
                .setBlockHash(hash)
                .build()
                .toByteArray()
            : Commit.newBuilder()
                .setView(2)
                .setSequence(5)
                .setBlockHash(hash)
                .build()
                .toByteArray();
    MessageType type =
        kind == CertificateKind.CERTIFICATE_KIND_FAST
            ? MessageType.MESSAGE_TYPE_PREPARE
            : MessageType.MESSAGE_TYPE_COMMIT;
    Certificate.Builder certificate =
        Certificate.newBuilder().setKind(kind).setView(2).setSequence(5).setBlockHash(hash);
    for (String signer : signers) {
      byte[] signature = keys.get(signer).sign(MessageDomain.signedBytes(type, payload));
      certificate.addSignatures(
          CertificateSignature.newBuilder()
              .setSigner(signer)
              .setSignature(ByteString.copyFrom(signature)));
    }
    return certificate.build();
  }

  /** The certificate with its second signer's signature bytes replaced by the first's. */
  private static Certificate withSecondSignatureCopiedFromFirst(Certificate certificate) {
    return certificate.toBuilder()
        .setSignatures(
            1,
            certificate.getSignatures(1).toBuilder()
                .setSignature(certificate.getSignatures(0).getSignature()))
        .build();
  }

  private FinalizedBlock finalized(Certificate certificate) {
    return FinalizedBlock.newBuilder().setBlock(block).setCertificate(certificate).build();
  }

  @Test
  void quorumsOfValidSignaturesProveTheBlock() {
    var commit =
        certificate(CertificateKind.CERTIFICATE_KIND_COMMIT, List.of("node-1", "node-3", "node-4"));
    var fast =
        certificate(
            CertificateKind.CERTIFICATE_KIND_FAST, List.of("node-1", "node-2", "node-3", "node-4"));

    assertThat(verifier.problem(finalized(commit))).isEmpty();
    assertThat(verifier.problem(finalized(fast))).isEmpty();
  }

  @Test
  void tooFewSignersForTheKindAreRefused() {
    var fast =
        certificate(CertificateKind.CERTIFICATE_KIND_FAST, List.of("node-1", "node-2", "node-3"));

    assertThat(verifier.problem(finalized(fast)))
        .contains("certificate has 3 signatures, needs 4 for its kind");
  }

  @Test
  void aPrepareSignatureDoesNotCountInACommitCertificate() {
    var fast =
        certificate(
            CertificateKind.CERTIFICATE_KIND_FAST, List.of("node-1", "node-2", "node-3", "node-4"));
    var relabelled = fast.toBuilder().setKind(CertificateKind.CERTIFICATE_KIND_COMMIT).build();

    assertThat(verifier.problem(finalized(relabelled)))
        .contains("signature of node-1 does not verify");
  }

  @Test
  void aBadSignatureNamesItsSigner() {
    var commit =
        certificate(CertificateKind.CERTIFICATE_KIND_COMMIT, List.of("node-1", "node-2", "node-3"));
    var tampered = withSecondSignatureCopiedFromFirst(commit);

    assertThat(verifier.problem(finalized(tampered)))
        .contains("signature of node-2 does not verify");
  }

  @Test
  void theShapeCheckSkipsSignatureBytesButNotTheQuorum() {
    var commit =
        certificate(CertificateKind.CERTIFICATE_KIND_COMMIT, List.of("node-1", "node-2", "node-3"));
    var tampered = withSecondSignatureCopiedFromFirst(commit);
    var short2 = certificate(CertificateKind.CERTIFICATE_KIND_COMMIT, List.of("node-1", "node-2"));

    assertThat(verifier.shapeProblem(tampered, 5, hash)).isEmpty();
    assertThat(verifier.problem(tampered, 5, hash)).isPresent();
    assertThat(verifier.shapeProblem(short2, 5, hash))
        .contains("certificate has 2 signatures, needs 3 for its kind");
  }

  @Test
  void duplicateAndUnknownSignersAreRefused() {
    var commit =
        certificate(CertificateKind.CERTIFICATE_KIND_COMMIT, List.of("node-1", "node-2", "node-3"));
    var twice = commit.toBuilder().addSignatures(commit.getSignatures(0)).build();
    var stranger =
        commit.toBuilder()
            .addSignatures(commit.getSignatures(0).toBuilder().setSigner("mallory"))
            .build();

    assertThat(verifier.problem(finalized(twice))).contains("signer node-1 signs twice");
    assertThat(verifier.problem(finalized(stranger))).contains("signer mallory is not a validator");
  }

  @Test
  void aCertificateOfAnotherBlockOrHeightIsRefused() {
    var commit =
        certificate(CertificateKind.CERTIFICATE_KIND_COMMIT, List.of("node-1", "node-2", "node-3"));
    Block other =
        block.toBuilder()
            .setHeader(
                BlockHeader.newBuilder()
                    .setHeight(5)
                    .setParentHash(ByteString.copyFrom(new byte[32]))
                    .setTxCount(0)
                    .setProposer("node-2")
                    .build()
                    .toByteString())
            .build();

    assertThat(
            verifier.problem(
                FinalizedBlock.newBuilder().setBlock(other).setCertificate(commit).build()))
        .contains("certificate names another block hash");
    assertThat(verifier.problem(commit, 6, hash))
        .contains("certificate names height 5, the block is 6");
    assertThat(verifier.problem(commit.toBuilder().clearKind().build(), 5, hash))
        .contains("certificate kind 0 is not FAST or COMMIT");
  }
}
