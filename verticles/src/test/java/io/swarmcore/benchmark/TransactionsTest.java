package io.swarmcore.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.swarmcore.codecs.proto.SubmitRequest;
import io.swarmcore.codecs.proto.Transaction;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransactionsTest {
  @ParameterizedTest
  @ValueSource(ints = {64, 128, 129, 130, 1_000, 16_384})
  void everyTransactionHasExactlyTheAskedSizeAndItsOwnNonce(int size)
      throws InvalidProtocolBufferException {
    Transactions transactions = new Transactions("b1a2b3-12", size, new Random(1));
    Set<Long> nonces = new HashSet<>();
    // Past 127 and 16,383: the nonce's varint grows by a byte each time.
    for (int i = 0; i < 20_000; i++) {
      SubmitRequest request = transactions.next();
      assertThat(request.getTransaction().size()).as("transaction %d", i).isEqualTo(size);
      Transaction transaction = Transaction.parseFrom(request.getTransaction());
      assertThat(transaction.getClientId()).isEqualTo("b1a2b3-12");
      assertThat(nonces.add(transaction.getNonce())).isTrue();
    }
  }
}
