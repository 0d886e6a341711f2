package io.swarmcore.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.swarmcore.codecs.CertificateVerifier;
import io.swarmcore.codecs.ReceiptVerifier;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.codecs.proto.ComponentStats;
import io.swarmcore.codecs.proto.ConsistencyProof;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.GetBlockRequest;
import io.swarmcore.codecs.proto.GetConsistencyProofRequest;
import io.swarmcore.codecs.proto.GetReceiptRequest;
import io.swarmcore.codecs.proto.GetResilienceStatsRequest;
import io.swarmcore.codecs.proto.GetStatusRequest;
import io.swarmcore.codecs.proto.NodeStatus;
import io.swarmcore.codecs.proto.Receipt;
import io.swarmcore.codecs.proto.SubmitAck;
import io.swarmcore.codecs.proto.SubmitBatchRequest;
import io.swarmcore.codecs.proto.SubmitBatchResponse;
import io.swarmcore.codecs.proto.SubmitOutcome;
import io.swarmcore.codecs.proto.SubmitRequest;
import io.swarmcore.codecs.proto.SwarmClientGrpcClient;
import io.swarmcore.codecs.proto.Transaction;
import io.swarmcore.merkle.MerkleVerifier;
import io.swarmcore.tests.harness.ClusterHarness;
import io.swarmcore.tests.harness.ClusterProbe;
import io.swarmcore.tests.harness.Deadline;
import io.swarmcore.tests.harness.GrpcProbe;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client gRPC API of a one-validator chain in this JVM (Hazelcast on 127.0.0.1), through a
 * plain grpc-java client: every method, every error status with its message, reflection, the Vert.x
 * client generated from the same proto, and random bytes in every request.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GrpcGatewayTest {
  private static final Duration STARTUP = Duration.ofSeconds(90);
  private static final long CALL_MS = 20_000;

  private static ClusterHarness cluster;
  private static GrpcProbe grpc;
  private static ReceiptVerifier receipts;

  @BeforeAll
  static void startOneValidator() {
    cluster =
        ClusterHarness.prepareValidators(
            "grpc-gateway",
            1,
            new JsonObject()
                .put(
                    "gateway",
                    new JsonObject()
                        .put("maxMessageBytes", 64 * 1024)
                        .put("maxBatchTransactions", 10)
                        .put("clientRatePerSecond", 100)
                        .put("clientBurst", 100)
                        // The tests all call from 127.0.0.1: the address's bucket must not bind.
                        .put("addressRatePerSecond", 100_000)
                        .put("addressBurst", 100_000)));
    cluster.startNodeInJvm("node-a", STARTUP);
    grpc = new GrpcProbe(cluster.grpcPort("node-a"));
    receipts =
        new ReceiptVerifier(
            new CertificateVerifier(
                Map.of("node-a", cluster.signingKey("node-a").publicKey()), 1, 1));
  }

  @AfterAll
  static void stop() {
    if (grpc != null) {
      grpc.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static SubmitRequest tx(String client, long nonce) {
    return SubmitRequest.newBuilder()
        .setTransaction(
            Transaction.newBuilder()
                .setClientId(client)
                .setNonce(nonce)
                .setPayload(ByteString.copyFromUtf8(client + "-" + nonce))
                .build()
                .toByteString())
        .build();
  }

  private static Status.Code codeOf(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  void submitAnswersWithAReceiptThatVerifiesAgainstTheValidatorsAlone() {
    Receipt receipt = grpc.call(GrpcProbe.SUBMIT, tx("submit", 1), "submit", CALL_MS);
    ReceiptVerifier.Verdict verdict = receipts.verify(receipt);
    assertThat(verdict.failure()).isEmpty();

    // Once another block follows, the receipt is anchored in the ledger tree too.
    grpc.call(GrpcProbe.SUBMIT, tx("submit", 2), "submit", CALL_MS);
    Receipt later =
        grpc.call(
            GrpcProbe.GET_RECEIPT,
            GetReceiptRequest.newBuilder().setTxHash(receipt.getTxHash()).build(),
            "submit",
            CALL_MS);
    ReceiptVerifier.Verdict anchored = receipts.verify(later);
    assertThat(anchored.failure()).isEmpty();
    assertThat(anchored.anchored()).isTrue();
    assertThat(anchored.passed()).containsExactly(ReceiptVerifier.Check.values());
  }

  @Test
  void submitAsyncAnswersAtOnceAndTheReceiptFollows() {
    SubmitAck ack = grpc.call(GrpcProbe.SUBMIT_ASYNC, tx("async", 1), "async", CALL_MS);
    assertThat(ack.getTxHash().size()).isEqualTo(32);
    Receipt[] found = new Receipt[1];
    Deadline.await(
        "the receipt of a transaction submitted asynchronously",
        Duration.ofSeconds(30),
        () -> {
          try {
            found[0] =
                grpc.call(
                    GrpcProbe.GET_RECEIPT,
                    GetReceiptRequest.newBuilder().setTxHash(ack.getTxHash()).build(),
                    "async",
                    CALL_MS);
            return true;
          } catch (StatusRuntimeException pending) {
            assertThat(pending.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            return false;
          }
        });
    assertThat(found[0].getTxHash()).isEqualTo(ack.getTxHash());
    assertThat(receipts.verify(found[0]).isFinal()).isTrue();
  }

  @Test
  void submitBatchAnswersEveryTransactionInOrderWithWhereItIsFinal() {
    Receipt earlier = grpc.call(GrpcProbe.SUBMIT, tx("batch", 1), "batch", CALL_MS);
    ByteString garbage = ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff});
    SubmitBatchResponse answer =
        grpc.call(
            GrpcProbe.SUBMIT_BATCH,
            SubmitBatchRequest.newBuilder()
                .addTransactions(tx("batch", 2).getTransaction())
                .addTransactions(tx("batch", 3).getTransaction())
                .addTransactions(garbage)
                .addTransactions(tx("batch", 2).getTransaction())
                .addTransactions(tx("batch", 1).getTransaction())
                .setWaitFinal(true)
                .build(),
            "batch",
            CALL_MS);

    List<SubmitOutcome> outcomes = answer.getOutcomesList();
    assertThat(outcomes).hasSize(5);
    assertThat(outcomes.get(2).getStatus()).isEqualTo(SubmitOutcome.Status.REFUSED);
    assertThat(outcomes.get(2).getTxHash().isEmpty()).isTrue();
    assertThat(outcomes.get(2).getError()).isNotEmpty();
    for (int i : new int[] {0, 1, 3, 4}) {
      SubmitOutcome outcome = outcomes.get(i);
      assertThat(outcome.getStatus()).as("outcome %d", i).isEqualTo(SubmitOutcome.Status.FINAL);
      // Where the outcome says it is final, the receipt (which verifies) says so too.
      Receipt receipt =
          grpc.call(
              GrpcProbe.GET_RECEIPT,
              GetReceiptRequest.newBuilder().setTxHash(outcome.getTxHash()).build(),
              "batch",
              CALL_MS);
      assertThat(receipts.verify(receipt).isFinal()).isTrue();
      assertThat(receipt.getHeight()).isEqualTo(outcome.getHeight());
      assertThat(receipt.getPosition()).isEqualTo(outcome.getPosition());
    }
    assertThat(outcomes.get(3)).isEqualTo(outcomes.get(0)); // the same transaction twice
    assertThat(outcomes.get(4).getTxHash()).isEqualTo(earlier.getTxHash()); // final before
    assertThat(outcomes.get(4).getHeight()).isEqualTo(earlier.getHeight());

    // Without wait_final the answer comes once replicated; the transaction becomes final later.
    SubmitOutcome pending =
        grpc.call(
                GrpcProbe.SUBMIT_BATCH,
                SubmitBatchRequest.newBuilder()
                    .addTransactions(tx("batch", 4).getTransaction())
                    .build(),
                "batch",
                CALL_MS)
            .getOutcomes(0);
    assertThat(pending.getStatus()).isIn(SubmitOutcome.Status.PENDING, SubmitOutcome.Status.FINAL);
    assertThat(pending.getTxHash().size()).isEqualTo(32);
    Deadline.await(
        "the receipt of a transaction submitted in a batch without waiting",
        Duration.ofSeconds(30),
        () -> {
          try {
            grpc.call(
                GrpcProbe.GET_RECEIPT,
                GetReceiptRequest.newBuilder().setTxHash(pending.getTxHash()).build(),
                "batch",
                CALL_MS);
            return true;
          } catch (StatusRuntimeException notYet) {
            assertThat(notYet.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            return false;
          }
        });

    assertRefused(
        () ->
            grpc.call(
                GrpcProbe.SUBMIT_BATCH, SubmitBatchRequest.getDefaultInstance(), "batch", CALL_MS),
        Status.Code.INVALID_ARGUMENT,
        "at least one transaction");
    SubmitBatchRequest.Builder tooMany = SubmitBatchRequest.newBuilder();
    for (int i = 0; i < 11; i++) {
      tooMany.addTransactions(tx("batch-many", i).getTransaction());
    }
    assertRefused(
        () -> grpc.call(GrpcProbe.SUBMIT_BATCH, tooMany.build(), "batch", CALL_MS),
        Status.Code.INVALID_ARGUMENT,
        "at most 10 transactions");
  }

  @Test
  void blocksByHeightOrHashAndConsistencyProofsAnchoredInCertifiedHeaders() throws Exception {
    for (int i = 0; i < 3; i++) {
      grpc.call(GrpcProbe.SUBMIT, tx("blocks", i), "blocks", CALL_MS);
    }
    long height = status("blocks").getHeight();
    assertThat(height).isGreaterThanOrEqualTo(3);
    FinalizedBlock first =
        grpc.call(
            GrpcProbe.GET_BLOCK,
            GetBlockRequest.newBuilder().setHeight(0).build(),
            "blocks",
            CALL_MS);
    ByteString firstHash =
        ByteString.copyFrom(io.swarmcore.codecs.LedgerHashes.block(first.getBlock()));
    FinalizedBlock byHash =
        grpc.call(
            GrpcProbe.GET_BLOCK,
            GetBlockRequest.newBuilder().setBlockHash(firstHash).build(),
            "blocks",
            CALL_MS);
    assertThat(byHash).isEqualTo(first);

    // Block h's header commits to the root of the first h blocks: both roots come certified.
    long oldSize = 1;
    long newSize = height - 1;
    ConsistencyProof proof =
        grpc.call(
            GrpcProbe.GET_CONSISTENCY_PROOF,
            GetConsistencyProofRequest.newBuilder().setOldSize(oldSize).setNewSize(newSize).build(),
            "blocks",
            CALL_MS);
    assertThat(proof.getOldRoot()).isEqualTo(header(oldSize).getLedgerRoot());
    assertThat(proof.getNewRoot()).isEqualTo(header(newSize).getLedgerRoot());
    MerkleVerifier.checkConsistency(
        oldSize,
        newSize,
        proof.getPathList().stream().map(ByteString::toByteArray).toList(),
        proof.getOldRoot().toByteArray(),
        proof.getNewRoot().toByteArray());
  }

  private static BlockHeader header(long height) throws Exception {
    return BlockHeader.parseFrom(
        grpc.call(
                GrpcProbe.GET_BLOCK,
                GetBlockRequest.newBuilder().setHeight(height).build(),
                "blocks",
                CALL_MS)
            .getBlock()
            .getHeader());
  }

  private static NodeStatus status(String client) {
    return grpc.call(GrpcProbe.GET_STATUS, GetStatusRequest.getDefaultInstance(), client, CALL_MS);
  }

  @Test
  void statusNamesTheNodeItsValidatorsAndLeaderToGrpcJavaAndToTheVertxClient() {
    NodeStatus status = status("status");
    assertThat(status.getNodeId()).isEqualTo("node-a");
    assertThat(status.getLeader()).isEqualTo("node-a");
    assertThat(status.getEpoch()).isZero();
    assertThat(status.getValidatorsList()).hasSize(1);
    assertThat(status.getValidators(0).getId()).isEqualTo("node-a");
    assertThat(status.getValidators(0).getUp()).isTrue();
    assertThat(status.getValidators(0).getPublicKey().toByteArray())
        .isEqualTo(cluster.signingKey("node-a").publicKey().bytes());

    Vertx vertx = Vertx.vertx();
    try {
      SwarmClientGrpcClient client =
          SwarmClientGrpcClient.create(
              GrpcClient.client(vertx),
              SocketAddress.inetSocketAddress(cluster.grpcPort("node-a"), "127.0.0.1"));
      NodeStatus fromVertx =
          ClusterProbe.await(
              client.getStatus(GetStatusRequest.getDefaultInstance()), Duration.ofSeconds(20));
      assertThat(fromVertx.getNodeId()).isEqualTo("node-a");
    } finally {
      ClusterProbe.await(vertx.close(), Duration.ofSeconds(20));
    }
  }

  @Test
  void resilienceStatsListTheGatewaysProtections() {
    List<String> names =
        grpc
            .call(
                GrpcProbe.GET_RESILIENCE_STATS,
                GetResilienceStatsRequest.getDefaultInstance(),
                "stats",
                CALL_MS)
            .getComponentsList()
            .stream()
            .map(ComponentStats::getName)
            .toList();
    assertThat(names)
        .contains("clusterRateLimiter/gateway-clients", "bulkhead/gateway-submissions");
  }

  @Test
  void streamBlocksResumesFromAnyHeightAndFollowsNewBlocks() {
    grpc.call(GrpcProbe.SUBMIT, tx("stream", 0), "stream", CALL_MS);
    long height = status("stream").getHeight();
    long from = height - 1;
    Iterator<FinalizedBlock> blocks = grpc.stream(from, "stream", 60_000);
    assertThat(heightOf(blocks.next())).isEqualTo(from);
    // A block stored after the call began comes next.
    Receipt next = grpc.call(GrpcProbe.SUBMIT, tx("stream", 1), "stream", CALL_MS);
    long expected = from + 1;
    FinalizedBlock block = blocks.next();
    while (heightOf(block) < next.getHeight()) {
      assertThat(heightOf(block)).isEqualTo(expected++);
      block = blocks.next();
    }
    assertThat(heightOf(block)).isEqualTo(next.getHeight());
  }

  private static long heightOf(FinalizedBlock block) {
    try {
      return BlockHeader.parseFrom(block.getBlock().getHeader()).getHeight();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void everyRefusalHasItsStatusAndAMessageThatSaysWhatToDo() {
    assertRefused(
        () ->
            grpc.call(
                GrpcProbe.SUBMIT_ASYNC,
                SubmitRequest.newBuilder()
                    .setTransaction(ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff}))
                    .build(),
                "errors",
                CALL_MS),
        Status.Code.INVALID_ARGUMENT,
        "not a serialized swarm.v1.Transaction");
    assertRefused(
        () ->
            grpc.call(
                GrpcProbe.GET_RECEIPT,
                GetReceiptRequest.newBuilder().setTxHash(ByteString.copyFromUtf8("abc")).build(),
                "errors",
                CALL_MS),
        Status.Code.INVALID_ARGUMENT,
        "32 bytes");
    assertRefused(
        () ->
            grpc.call(GrpcProbe.GET_BLOCK, GetBlockRequest.getDefaultInstance(), "errors", CALL_MS),
        Status.Code.INVALID_ARGUMENT,
        "height or by its 32-byte hash");
    assertRefused(
        () ->
            grpc.call(
                GrpcProbe.GET_CONSISTENCY_PROOF,
                GetConsistencyProofRequest.newBuilder().setOldSize(5).setNewSize(2).build(),
                "errors",
                CALL_MS),
        Status.Code.INVALID_ARGUMENT,
        "old_size ≤ new_size");
    assertRefused(
        () ->
            grpc.call(
                GrpcProbe.GET_RECEIPT,
                GetReceiptRequest.newBuilder().setTxHash(ByteString.copyFrom(new byte[32])).build(),
                "errors",
                CALL_MS),
        Status.Code.NOT_FOUND,
        "not final here");
    assertRefused(
        () ->
            grpc.call(
                GrpcProbe.GET_BLOCK,
                GetBlockRequest.newBuilder().setHeight(1_000_000).build(),
                "errors",
                CALL_MS),
        Status.Code.NOT_FOUND,
        "no block");
    // A deadline shorter than finality (51 ms: the node answers after 1 ms, before the client's
    // own deadline; a block takes at least the 5 ms batching delay): it stays submitted.
    assertRefused(
        () -> grpc.call(GrpcProbe.SUBMIT, tx("errors", 1), "errors", 51),
        Status.Code.DEADLINE_EXCEEDED,
        "it stays submitted");
    // Larger than gateway.maxMessageBytes.
    SubmitRequest huge =
        SubmitRequest.newBuilder()
            .setTransaction(
                Transaction.newBuilder()
                    .setClientId("errors")
                    .setPayload(ByteString.copyFrom(new byte[100 * 1024]))
                    .build()
                    .toByteString())
            .build();
    Status.Code oversized =
        codeOf(() -> grpc.call(GrpcProbe.SUBMIT_ASYNC, huge, "errors", CALL_MS));
    assertThat(oversized).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
  }

  @Test
  void aClientOverItsRateIsToldWhenToRetry() throws Exception {
    // 300 calls at once against a burst of 100: however slow the machine, most are over it.
    List<com.google.common.util.concurrent.ListenableFuture<NodeStatus>> calls = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      calls.add(
          grpc.start(
              GrpcProbe.GET_STATUS, GetStatusRequest.getDefaultInstance(), "greedy", CALL_MS));
    }
    StatusRuntimeException limited = null;
    for (var call : calls) {
      try {
        call.get(CALL_MS, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof StatusRuntimeException refused && limited == null) {
          limited = refused;
        }
      }
    }
    assertThat(limited).as("a refusal among 300 calls at once, 100 allowed").isNotNull();
    assertThat(limited.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(limited.getStatus().getDescription()).contains("rate limited", "id:greedy");
    Metadata trailers = Status.trailersFromThrowable(limited);
    assertThat(trailers.get(Metadata.Key.of("retry-after-ms", Metadata.ASCII_STRING_MARSHALLER)))
        .isNotNull();
    // Another client is not affected.
    assertThat(status("patient").getNodeId()).isEqualTo("node-a");
  }

  @Test
  void reflectionListsTheService() throws Exception {
    List<String> services = new ArrayList<>();
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    io.grpc.stub.StreamObserver<io.grpc.reflection.v1.ServerReflectionRequest> requests =
        io.grpc.reflection.v1.ServerReflectionGrpc.newStub(grpc.channel())
            .withDeadlineAfter(20, TimeUnit.SECONDS)
            .serverReflectionInfo(
                new io.grpc.stub.StreamObserver<>() {
                  @Override
                  public void onNext(io.grpc.reflection.v1.ServerReflectionResponse response) {
                    response
                        .getListServicesResponse()
                        .getServiceList()
                        .forEach(s -> services.add(s.getName()));
                  }

                  @Override
                  public void onError(Throwable t) {
                    done.countDown();
                  }

                  @Override
                  public void onCompleted() {
                    done.countDown();
                  }
                });
    requests.onNext(
        io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("*").build());
    requests.onCompleted();
    assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(services).contains("swarm.v1.SwarmClient", "grpc.reflection.v1.ServerReflection");
  }

  /** Random bytes as the request of every method: a clear refusal or an answer, never a crash. */
  @Test
  void randomBytesInEveryRequestGetAClearAnswer() {
    Random random = new Random(20261128);
    Set<Status.Code> allowed =
        Set.of(
            Status.Code.OK,
            Status.Code.INVALID_ARGUMENT,
            Status.Code.NOT_FOUND,
            Status.Code.RESOURCE_EXHAUSTED,
            Status.Code.DEADLINE_EXCEEDED);
    List<String> methods =
        List.of(
            "SubmitAsync",
            "Submit",
            "SubmitBatch",
            "GetReceipt",
            "GetBlock",
            "GetConsistencyProof",
            "GetStatus",
            "GetResilienceStats");
    for (int i = 0; i < 300; i++) {
      String method = methods.get(i % methods.size());
      byte[] body = new byte[random.nextInt(64)];
      random.nextBytes(body);
      String client = "fuzz-" + (i % 10);
      Status.Code code = codeOf(() -> grpc.call(raw(method), body, client, 3_000));
      assertThat(code)
          .as(method + " with " + java.util.HexFormat.of().formatHex(body))
          .isIn(allowed);
    }
    assertThat(status("after-fuzz").getNodeId()).isEqualTo("node-a");
  }

  private static MethodDescriptor<byte[], byte[]> raw(String method) {
    MethodDescriptor.Marshaller<byte[]> bytes =
        new MethodDescriptor.Marshaller<>() {
          @Override
          public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
          }

          @Override
          public byte[] parse(InputStream stream) {
            try {
              return stream.readAllBytes();
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        };
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName("swarm.v1.SwarmClient", method))
        .setRequestMarshaller(bytes)
        .setResponseMarshaller(bytes)
        .build();
  }

  private static void assertRefused(Runnable call, Status.Code code, String messagePart) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(String.valueOf(e.getStatus().getDescription())).contains(messagePart);
            });
  }
}
