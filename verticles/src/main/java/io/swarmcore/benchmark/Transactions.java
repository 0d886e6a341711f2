package io.swarmcore.benchmark;

import com.google.protobuf.ByteString;
import io.swarmcore.codecs.proto.SubmitRequest;
import io.swarmcore.codecs.proto.Transaction;
import java.util.Random;

/**
 * Bench transactions of one serialized size: a client id per load client, a nonce that counts up,
 * and a fixed random payload padded so that every transaction is exactly {@code size} bytes (the
 * nonce's varint grows by a byte now and then; the payload shrinks to match).
 */
final class Transactions {
  private final String clientId;
  private final int size;
  private final byte[] payload;
  private long nonce;

  Transactions(String clientId, int size, Random random) {
    this.clientId = clientId;
    this.size = size;
    this.payload = new byte[size];
    random.nextBytes(payload);
  }

  SubmitRequest next() {
    long current = ++nonce;
    Transaction empty = Transaction.newBuilder().setClientId(clientId).setNonce(current).build();
    int room = size - empty.getSerializedSize();
    // A payload of p bytes adds a tag byte, its length's varint and p bytes.
    int length = Math.max(0, room - 1 - varintSize(Math.max(0, room - 2)));
    while (length > 0 && 1 + varintSize(length) + length > room) {
      length--;
    }
    Transaction transaction =
        empty.toBuilder().setPayload(ByteString.copyFrom(payload, 0, length)).build();
    return SubmitRequest.newBuilder().setTransaction(transaction.toByteString()).build();
  }

  private static int varintSize(int value) {
    int bytes = 1;
    while ((value >>>= 7) != 0) {
      bytes++;
    }
    return bytes;
  }
}
