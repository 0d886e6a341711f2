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
    VoteTally tally = new VoteTally();

    assertThat(tally.add(0, A)).isEqualTo(Outcome.COUNTED);
    assertThat(tally.add(1, A)).isEqualTo(Outcome.COUNTED);
    assertThat(tally.add(1, ByteString.copyFromUtf8("digest-a"))).isEqualTo(Outcome.DUPLICATE);

    assertThat(tally.votesFor(A)).isEqualTo(2);
    assertThat(tally.voters()).isEqualTo(2);
  }

  @Test
  void aSecondDigestFromOneValidatorIsReportedAndNotCounted() {
    VoteTally tally = new VoteTally();
    tally.add(3, A);

    assertThat(tally.add(3, B)).isEqualTo(Outcome.CONFLICTING);

    assertThat(tally.votesFor(B)).isZero();
    assertThat(tally.votesFor(A)).isEqualTo(1);
    assertThat(tally.voteOf(3)).contains(A);
    assertThat(tally.voteOf(4)).isEmpty();
  }
}
