package io.swarmcore.pbft;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.CertificateVerifier;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.MessageDomain;
import io.swarmcore.codecs.proto.Block;
import io.swarmcore.codecs.proto.Certificate;
import io.swarmcore.codecs.proto.CertificateKind;
import io.swarmcore.codecs.proto.CertificateSignature;
import io.swarmcore.codecs.proto.Commit;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.MessageType;
import io.swarmcore.crypto.PublicKey;
import io.swarmcore.crypto.SigningKey;
import io.swarmcore.merkle.MerkleFrontier;
import io.swarmcore.merkle.MerkleHash;
import io.swarmcore.storage.core.BlockAssembler;
import io.swarmcore.storage.core.LedgerTip;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Four validators v1..v4 with fixed keys and a chain of blocks, each certified by the COMMIT
 * signatures of v1, v2 and v3: what a peer serves in sync tests.
 */
public final class CertifiedTestChain {
  public final Map<String, SigningKey> keys = new LinkedHashMap<>();
  public final List<FinalizedBlock> blocks = new ArrayList<>();
  public final CertificateVerifier verifier;

  /** {@code length} blocks of one transaction each, named after {@code label} and the height. */
  public CertifiedTestChain(int length, String label) {
    Map<String, PublicKey> publicKeys = new LinkedHashMap<>();
    for (int i = 1; i <= 4; i++) {
      byte[] seed = new byte[32];
      seed[0] = (byte) i;
      SigningKey key = SigningKey.fromSeed(seed);
      keys.put("v" + i, key);
      publicKeys.put("v" + i, key.publicKey());
    }
    verifier = new CertificateVerifier(publicKeys, 4, 3);
    MerkleFrontier frontier = new MerkleFrontier();
    LedgerTip tip = LedgerTip.empty();
    for (int height = 0; height < length; height++) {
      List<ByteString> txs = List.of(ByteString.copyFromUtf8(label + "-" + height));
      Block block = BlockAssembler.block(BlockAssembler.header(tip, txs).build(), txs);
      byte[] hash = LedgerHashes.block(block);
      blocks.add(
          FinalizedBlock.newBuilder()
              .setBlock(block)
              .setCertificate(commit(height, ByteString.copyFrom(hash)))
              .build());
      frontier.append(MerkleHash.leaf(hash));
      tip = new LedgerTip(tip.size() + 1, hash, frontier.root());
    }
  }

  public Certificate commit(long height, ByteString hash) {
    return commit(height, hash, List.of("v1", "v2", "v3"));
  }

  public Certificate commit(long height, ByteString hash, List<String> signers) {
    byte[] signed =
        MessageDomain.signedBytes(
            MessageType.MESSAGE_TYPE_COMMIT,
            Commit.newBuilder().setSequence(height).setBlockHash(hash).build().toByteArray());
    Certificate.Builder certificate =
        Certificate.newBuilder()
            .setKind(CertificateKind.CERTIFICATE_KIND_COMMIT)
            .setSequence(height)
            .setBlockHash(hash);
    for (String signer : signers) {
      certificate.addSignatures(
          CertificateSignature.newBuilder()
              .setSigner(signer)
              .setSignature(ByteString.copyFrom(keys.get(signer).sign(signed))));
    }
    return certificate.build();
  }
}
