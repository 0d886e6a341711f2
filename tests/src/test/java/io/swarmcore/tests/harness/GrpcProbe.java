package io.swarmcore.tests.harness;

import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.swarmcore.codecs.proto.ConsistencyProof;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.GetBlockRequest;
import io.swarmcore.codecs.proto.GetConsistencyProofRequest;
import io.swarmcore.codecs.proto.GetReceiptRequest;
import io.swarmcore.codecs.proto.GetResilienceStatsRequest;
import io.swarmcore.codecs.proto.GetStatusRequest;
import io.swarmcore.codecs.proto.NodeStatus;
import io.swarmcore.codecs.proto.Receipt;
import io.swarmcore.codecs.proto.ResilienceStats;
import io.swarmcore.codecs.proto.StreamBlocksRequest;
import io.swarmcore.codecs.proto.SubmitAck;
import io.swarmcore.codecs.proto.SubmitBatchRequest;
import io.swarmcore.codecs.proto.SubmitBatchResponse;
import io.swarmcore.codecs.proto.SubmitRequest;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * A plain grpc-java client of the SwarmClient service (no generated grpc-java stubs: method
 * descriptors built by hand, as any other language's client would), on 127.0.0.1 only. Each call
 * names its client id in the {@code swarm-client-id} metadata and has a deadline.
 */
public final class GrpcProbe implements AutoCloseable {
  private static final String SERVICE = "swarm.v1.SwarmClient";

  public static final MethodDescriptor<SubmitRequest, Receipt> SUBMIT =
      unary("Submit", SubmitRequest.getDefaultInstance(), Receipt.getDefaultInstance());
  public static final MethodDescriptor<SubmitRequest, SubmitAck> SUBMIT_ASYNC =
      unary("SubmitAsync", SubmitRequest.getDefaultInstance(), SubmitAck.getDefaultInstance());
  public static final MethodDescriptor<SubmitBatchRequest, SubmitBatchResponse> SUBMIT_BATCH =
      unary(
          "SubmitBatch",
          SubmitBatchRequest.getDefaultInstance(),
          SubmitBatchResponse.getDefaultInstance());
  public static final MethodDescriptor<GetReceiptRequest, Receipt> GET_RECEIPT =
      unary("GetReceipt", GetReceiptRequest.getDefaultInstance(), Receipt.getDefaultInstance());
  public static final MethodDescriptor<GetBlockRequest, FinalizedBlock> GET_BLOCK =
      unary("GetBlock", GetBlockRequest.getDefaultInstance(), FinalizedBlock.getDefaultInstance());
  public static final MethodDescriptor<GetConsistencyProofRequest, ConsistencyProof>
      GET_CONSISTENCY_PROOF =
          unary(
              "GetConsistencyProof",
              GetConsistencyProofRequest.getDefaultInstance(),
              ConsistencyProof.getDefaultInstance());
  public static final MethodDescriptor<GetStatusRequest, NodeStatus> GET_STATUS =
      unary("GetStatus", GetStatusRequest.getDefaultInstance(), NodeStatus.getDefaultInstance());
  public static final MethodDescriptor<GetResilienceStatsRequest, ResilienceStats>
      GET_RESILIENCE_STATS =
          unary(
              "GetResilienceStats",
              GetResilienceStatsRequest.getDefaultInstance(),
              ResilienceStats.getDefaultInstance());
  public static final MethodDescriptor<StreamBlocksRequest, FinalizedBlock> STREAM_BLOCKS =
      MethodDescriptor.<StreamBlocksRequest, FinalizedBlock>newBuilder()
          .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "StreamBlocks"))
          .setRequestMarshaller(ProtoUtils.marshaller(StreamBlocksRequest.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(FinalizedBlock.getDefaultInstance()))
          .build();

  private final ManagedChannel channel;

  public GrpcProbe(int port) {
    this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  public ManagedChannel channel() {
    return channel;
  }

  /** One unary call as {@code client}, within {@code deadlineMs}. */
  public <Q, R> R call(MethodDescriptor<Q, R> method, Q request, String client, long deadlineMs) {
    return ClientCalls.blockingUnaryCall(
        ClientInterceptors.intercept(channel, clientId(client)),
        method,
        CallOptions.DEFAULT.withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS),
        request);
  }

  /** Like {@link #call}, without waiting: many such calls are in flight at once. */
  public <Q, R> com.google.common.util.concurrent.ListenableFuture<R> start(
      MethodDescriptor<Q, R> method, Q request, String client, long deadlineMs) {
    return ClientCalls.futureUnaryCall(
        ClientInterceptors.intercept(channel, clientId(client))
            .newCall(
                method, CallOptions.DEFAULT.withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)),
        request);
  }

  /** The blocks a StreamBlocks call sends, as they come, within {@code deadlineMs}. */
  public Iterator<FinalizedBlock> stream(long fromHeight, String client, long deadlineMs) {
    return ClientCalls.blockingServerStreamingCall(
        ClientInterceptors.intercept(channel, clientId(client)),
        STREAM_BLOCKS,
        CallOptions.DEFAULT.withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS),
        StreamBlocksRequest.newBuilder().setFromHeight(fromHeight).build());
  }

  private static io.grpc.ClientInterceptor clientId(String client) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("swarm-client-id", Metadata.ASCII_STRING_MARSHALLER), client);
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }

  private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> unary(
      String name, Q request, R response) {
    return MethodDescriptor.<Q, R>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(ProtoUtils.marshaller(request))
        .setResponseMarshaller(ProtoUtils.marshaller(response))
        .build();
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
