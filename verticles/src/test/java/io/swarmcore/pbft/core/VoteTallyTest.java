package io.swarmcore.pbft.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swarmcore.pbft.core.VoteTally.Outcome;
import org.junit.jupiter.api.Test;

class VoteTallyTest {
  private static final ByteString A = ByteString.copyFromUtf8("digest-a");
  private static final ByteString B = ByteString.copyFromUtf8("digest-b");

  @Test
  void countsEachValidatorOnce() {
    VoteTally<String> tally = new VoteTally<>();

    assertThat(tally.add(0, A, "sig-0-a")).isEqualTo(Outcome.COUNTED);
    assertThat(tally.add(1, A, "sig-1-a")).isEqualTo(Outcome.COUNTED);
    assertThat(tally.add(1, ByteString.copyFromUtf8("digest-a"), "sig-1-a-again"))
        .isEqualTo(Outcome.DUPLICATE);

    assertThat(tally.votesFor(A)).isEqualTo(2);
    assertThat(tally.voters()).isEqualTo(2);
    assertThat(tally.proofsFor(A)).containsExactly("sig-0-a", "sig-1-a");
  }

  @Test
  void aSecondDigestFromOneValidatorIsReportedAndNotCounted() {
    VoteTally<String> tally = new VoteTally<>();
    tally.add(3, A, "sig-3-a");

    assertThat(tally.add(3, B, "sig-3-b")).isEqualTo(Outcome.CONFLICTING);

    assertThat(tally.votesFor(B)).isZero();
    assertThat(tally.votesFor(A)).isEqualTo(1);
    assertThat(tally.voteOf(3)).contains(A);
    assertThat(tally.voteOf(4)).isEmpty();
    assertThat(tally.proofsFor(B)).isEmpty();
  }

  @Test
  void proofsComeInValidatorOrderWhateverTheArrivalOrder() {
    VoteTally<String> tally = new VoteTally<>();
    tally.add(2, A, "sig-2");
    tally.add(0, A, "sig-0");
    tally.add(1, B, "sig-1");

    assertThat(tally.proofsFor(A)).containsExactly("sig-0", "sig-2");
  }
}
