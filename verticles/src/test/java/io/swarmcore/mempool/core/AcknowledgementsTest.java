package io.swarmcore.mempool.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.List;
import org.junit.jupiter.api.Test;

class AcknowledgementsTest {
  private static final ByteString TX = ByteString.copyFrom(new byte[32]);
  private static final ByteString OTHER = ByteString.copyFrom(new byte[] {1});

  @Test
  void aWaiterIsAnsweredOnceEnoughDistinctHoldersConfirmed() {
    Acknowledgements<String> acks = new Acknowledgements<>();
    acks.await(TX, "client", 1_000);

    assertThat(acks.confirmed("b", List.of(TX), 2)).isEmpty();
    assertThat(acks.confirmed("b", List.of(TX), 2)).as("the same holder twice").isEmpty();
    assertThat(acks.confirmed("c", List.of(TX), 2)).containsExactly("client");
    assertThat(acks.replicated(TX, 2)).isTrue();
    assertThat(acks.waitingCount()).isZero();
    assertThat(acks.expired(2_000)).as("answered: never expires").isEmpty();
  }

  @Test
  void onlyTransactionsSubmittedHereAreTracked() {
    Acknowledgements<String> acks = new Acknowledgements<>();
    assertThat(acks.confirmed("b", List.of(OTHER), 1)).isEmpty();
    assertThat(acks.tracked()).isZero();
    assertThat(acks.replicated(OTHER, 1)).isFalse();
    assertThat(acks.replicated(OTHER, 0)).as("none needed").isTrue();
  }

  @Test
  void waitersExpireAtTheirDeadlineInOrderAndTheHoldersStay() {
    Acknowledgements<String> acks = new Acknowledgements<>();
    acks.await(TX, "first", 100);
    acks.await(TX, "retry", 300);
    acks.confirmed("b", List.of(TX), 2);

    assertThat(acks.expired(99)).isEmpty();
    assertThat(acks.expired(100)).containsExactly("first");
    assertThat(acks.holderCount(TX)).as("the retry still waits").isEqualTo(1);
    assertThat(acks.confirmed("c", List.of(TX), 2)).containsExactly("retry");
  }

  @Test
  void whenTheLastWaiterExpiresTheHoldersAreForgottenAndARetryAsksAnew() {
    Acknowledgements<String> acks = new Acknowledgements<>();
    acks.await(TX, "client", 100);
    acks.confirmed("b", List.of(TX), 2);
    assertThat(acks.expired(100)).containsExactly("client");
    assertThat(acks.holderCount(TX)).isZero();

    acks.await(TX, "retry", 300);
    assertThat(acks.confirmed("c", List.of(TX), 2)).isEmpty();
    assertThat(acks.confirmed("b", List.of(TX), 2)).containsExactly("retry");
  }

  @Test
  void forgettingAnswersTheWaitersAndDropsTheHolders() {
    Acknowledgements<String> acks = new Acknowledgements<>();
    acks.await(TX, "client", 100);
    acks.confirmed("b", List.of(TX), 2);

    assertThat(acks.forget(List.of(TX))).containsExactly("client");
    assertThat(acks.tracked()).isZero();
    assertThat(acks.expired(1_000)).isEmpty();
  }
}
