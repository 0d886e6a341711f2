package io.swarmcore.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.Codecs;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.ReceiptVerifier;
import io.swarmcore.codecs.ReceiptVerifier.Check;
import io.swarmcore.codecs.proto.BlockRange;
import io.swarmcore.codecs.proto.Receipt;
import io.swarmcore.node.NodeConfig;
import io.swarmcore.node.NodeConfigLoader;
import io.swarmcore.pbft.CertifiedTestChain;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Receipts as storage serves them, checked by {@link ReceiptVerifier} with nothing but the
 * validator set; every kind of tampering is caught by the check it breaks.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ReceiptVerifierTest {
  private static final HexFormat HEX = HexFormat.of();

  @TempDir Path dir;
  private final CertifiedTestChain chain = new CertifiedTestChain(5, "receipt");
  private final ReceiptVerifier verifier = new ReceiptVerifier(chain.verifier);

  @BeforeEach
  void storeTheChain(Vertx vertx, VertxTestContext test) {
    Codecs.register(vertx.eventBus());
    storedChain(vertx, "me", null).onComplete(test.succeedingThenComplete());
  }

  /** A storage node {@code nodeId} holding the certified chain (with {@code guard}, or none). */
  private Future<Object> storedChain(Vertx vertx, String nodeId, LedgerGuard guard) {
    NodeConfig config =
        NodeConfig.parse(
            NodeConfigLoader.defaults()
                .mergeIn(
                    new JsonObject()
                        .put("nodeId", nodeId)
                        .put("dataDir", dir.resolve(nodeId).toString())));
    return vertx
        .deployVerticle(new StorageVerticle(config, null, guard))
        .compose(
            id ->
                vertx
                    .eventBus()
                    .request(
                        StorageVerticle.address(nodeId, "append-range"),
                        BlockRange.newBuilder().addAllBlocks(chain.blocks).build()))
        .map(reply -> reply.body());
  }

  private Future<Receipt> receiptOf(Vertx vertx, int height) {
    return receiptAt(vertx, "me", height);
  }

  @Test
  void aReceiptBelowTheTipIsFinalAndAnchoredOneOfTheTipIsFinalOnly(
      Vertx vertx, VertxTestContext test) {
    Future.all(receiptOf(vertx, 2), receiptOf(vertx, 4))
        .onComplete(
            test.succeeding(
                both ->
                    test.verify(
                        () -> {
                          Receipt below = both.resultAt(0);
                          ReceiptVerifier.Verdict anchored = verifier.verify(below);
                          assertThat(anchored.failure()).isEmpty();
                          assertThat(anchored.anchored()).isTrue();
                          assertThat(anchored.passed()).containsExactly(Check.values());
                          assertThat(below.getLedgerTreeSize()).as("the tip's height").isEqualTo(4);

                          ReceiptVerifier.Verdict tip = verifier.verify(both.resultAt(1));
                          assertThat(tip.isFinal()).isTrue();
                          assertThat(tip.anchored()).isFalse();
                          assertThat(tip.passed())
                              .containsExactly(Check.HEADER, Check.CERTIFICATE, Check.TX_INCLUSION);
                          test.completeNow();
                        })));
  }

  @Test
  void everyTamperingIsCaughtByTheCheckItBreaks(Vertx vertx, VertxTestContext test) {
    receiptOf(vertx, 1)
        .onComplete(
            test.succeeding(
                receipt ->
                    test.verify(
                        () -> {
                          assertFails(
                              receipt,
                              r -> r.toBuilder().setHeight(3).build(),
                              Check.HEADER,
                              "not the receipt's 3");
                          assertFails(
                              receipt,
                              r -> r.toBuilder().setPosition(1).build(),
                              Check.HEADER,
                              "position 1 in a block of 1");
                          assertFails(
                              receipt,
                              r ->
                                  r.toBuilder()
                                      .setCertificate(
                                          chain.commit(
                                              1,
                                              r.getCertificate().getBlockHash(),
                                              List.of("v1", "v2")))
                                      .build(),
                              Check.CERTIFICATE,
                              "");
                          assertFails(
                              receipt,
                              r ->
                                  r.toBuilder()
                                      .setCertificate(
                                          r.getCertificate().toBuilder()
                                              .setSignatures(
                                                  0,
                                                  r.getCertificate().getSignatures(0).toBuilder()
                                                      .setSignature(
                                                          r.getCertificate()
                                                              .getSignatures(1)
                                                              .getSignature())))
                                      .build(),
                              Check.CERTIFICATE,
                              "v1");
                          assertFails(
                              receipt,
                              r ->
                                  r.toBuilder()
                                      .setTxHash(ByteString.copyFrom(new byte[32]))
                                      .build(),
                              Check.TX_INCLUSION,
                              "");
                          assertFails(
                              receipt,
                              r ->
                                  r.toBuilder()
                                      .setLedgerRoot(ByteString.copyFrom(new byte[32]))
                                      .build(),
                              Check.ANCHOR,
                              "another ledger root");
                          assertFails(
                              receipt,
                              r ->
                                  r.toBuilder()
                                      .setAnchor(
                                          r.getAnchor().toBuilder()
                                              .setCertificate(
                                                  r.getAnchor().getCertificate().toBuilder()
                                                      .removeSignatures(2)))
                                      .build(),
                              Check.ANCHOR,
                              "its certificate");
                          assertFails(
                              receipt,
                              r ->
                                  r.toBuilder()
                                      .setBlockInclusion(
                                          r.getBlockInclusion().toBuilder()
                                              .setAuditPath(0, ByteString.copyFrom(new byte[32])))
                                      .build(),
                              Check.BLOCK_INCLUSION,
                              "");
                          // Other keys under the same ids: they signed nothing here.
                          java.util.Map<String, io.swarmcore.crypto.PublicKey> others =
                              new java.util.HashMap<>();
                          for (String id : List.of("v1", "v2", "v3", "v4")) {
                            others.put(
                                id,
                                io.swarmcore.crypto.SigningKey.generate(
                                        new java.security.SecureRandom())
                                    .publicKey());
                          }
                          ReceiptVerifier.Verdict strangers =
                              new ReceiptVerifier(
                                      new io.swarmcore.codecs.CertificateVerifier(others, 4, 3))
                                  .verify(receipt);
                          assertThat(strangers.failure().orElseThrow().check())
                              .isEqualTo(Check.CERTIFICATE);
                          test.completeNow();
                        })));
  }

  private void assertFails(
      Receipt receipt, UnaryOperator<Receipt> tamper, Check check, String reasonContains) {
    ReceiptVerifier.Verdict verdict = verifier.verify(tamper.apply(receipt));
    assertThat(verdict.isFinal()).as(check.name()).isFalse();
    assertThat(verdict.failure().orElseThrow().check()).isEqualTo(check);
    assertThat(verdict.failure().orElseThrow().reason()).contains(reasonContains);
    assertThat(verdict.passed()).doesNotContain(check);
  }

  @Test
  void theAnchorStaysInTheBlocksEpochWhoseValidatorsCertifyBoth(
      Vertx vertx, VertxTestContext test) {
    // Epochs of 3 blocks: 0..2, 3..5. The tip (4) is in the next epoch, whose set may differ.
    LedgerGuard epochsOfThree =
        new LedgerGuard() {
          @Override
          public void check(io.swarmcore.codecs.proto.FinalizedBlock block) {}

          @Override
          public void applied(io.swarmcore.codecs.proto.FinalizedBlock block) {}

          @Override
          public long epochEnd(long height) {
            return (height / 3 + 1) * 3 - 1;
          }
        };
    storedChain(vertx, "epochs", epochsOfThree)
        .compose(
            appended -> Future.all(receiptAt(vertx, "epochs", 1), receiptAt(vertx, "epochs", 2)))
        .onComplete(
            test.succeeding(
                both ->
                    test.verify(
                        () -> {
                          Receipt first = both.resultAt(0);
                          assertThat(first.getLedgerTreeSize())
                              .as("anchored at its epoch's last block")
                              .isEqualTo(2);
                          assertThat(verifier.verify(first).anchored()).isTrue();
                          Receipt last = both.resultAt(1);
                          assertThat(last.hasAnchor()).as("the epoch's last block").isFalse();
                          assertThat(verifier.verify(last).isFinal()).isTrue();
                          test.completeNow();
                        })));
  }

  private Future<Receipt> receiptAt(Vertx vertx, String node, int height) {
    byte[] txHash =
        LedgerHashes.transaction(chain.blocks.get(height).getBlock().getTransactions(0));
    return vertx
        .eventBus()
        .<Receipt>request(
            StorageVerticle.address(node, "receipt"),
            new JsonObject().put("txHash", HEX.formatHex(txHash)))
        .map(reply -> reply.body());
  }
}
