package io.swarmcore.bench;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.Codecs;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.ProtobufCodec;
import io.swarmcore.codecs.proto.Transaction;
import io.swarmcore.codecs.proto.TransactionBatch;
import io.swarmcore.crypto.LinkKeys;
import io.swarmcore.crypto.SigningKey;
import io.vertx.core.buffer.Buffer;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What each transaction and each message costs on the wire: the event-bus codec of a gossip batch
 * (encode to a cluster buffer and decode), a transaction's hash, and the two ways a message is
 * authenticated (an Ed25519 signature and its check for consensus; an HMAC under a link key for
 * mempool gossip and confirmations).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {
  /** Transactions per gossip batch, 128 bytes each. */
  @Param({"1", "100", "1000"})
  public int batch;

  private ProtobufCodec<TransactionBatch> codec;
  private TransactionBatch gossip;
  private Buffer encoded;
  private ByteString transaction;
  private SigningKey key;
  private byte[] message;
  private byte[] signature;
  private LinkKeys links;
  private SigningKey peer;

  @Setup
  @SuppressWarnings("unchecked")
  public void setUp() {
    SecureRandom random = new SecureRandom();
    TransactionBatch.Builder builder = TransactionBatch.newBuilder();
    for (int i = 0; i < batch; i++) {
      byte[] payload = new byte[100];
      random.nextBytes(payload);
      builder.addTransactions(
          Transaction.newBuilder()
              .setClientId("bench-1")
              .setNonce(i)
              .setPayload(ByteString.copyFrom(payload))
              .build()
              .toByteString());
    }
    gossip = builder.build();
    transaction = gossip.getTransactions(0);
    codec =
        (ProtobufCodec<TransactionBatch>)
            Codecs.all().stream().filter(c -> c.type() == TransactionBatch.class).findFirst().get();
    encoded = Buffer.buffer();
    codec.encodeToWire(encoded, gossip);
    key = SigningKey.generate(random);
    peer = SigningKey.generate(random);
    links = LinkKeys.of(key);
    message = gossip.toByteArray();
    signature = key.sign(message);
  }

  @Benchmark
  public Buffer encodeBatch() {
    Buffer buffer = Buffer.buffer();
    codec.encodeToWire(buffer, gossip);
    return buffer;
  }

  @Benchmark
  public TransactionBatch decodeBatch() {
    return codec.decodeFromWire(0, encoded);
  }

  @Benchmark
  public byte[] hashOneTransaction() {
    return LedgerHashes.transaction(transaction);
  }

  @Benchmark
  public byte[] signBatch() {
    return key.sign(message);
  }

  @Benchmark
  public boolean verifyBatchSignature() {
    return key.publicKey().verify(message, signature);
  }

  @Benchmark
  public byte[] macBatch() {
    return links.mac(peer.publicKey(), message);
  }
}
