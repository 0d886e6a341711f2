package io.swarmcore.pbft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuorumsTest {

  @ParameterizedTest(name = "n={0} f={1}: c={2} q={3} F={4}")
  @CsvSource({"4,1,0,3,4", "6,1,1,4,5", "7,2,0,5,7", "9,2,1,6,8", "1,0,0,1,1", "10,3,0,7,10"})
  void matchesTheTableInProtocolMd(int n, int f, int c, int q, int fast) {
    Quorums quorums = Quorums.of(n, f);

    assertThat(quorums.slowTolerance()).isEqualTo(c);
    assertThat(quorums.slowQuorum()).isEqualTo(q);
    assertThat(quorums.fastQuorum()).isEqualTo(fast);
    assertThat(quorums.fastPathEnabled()).isTrue();
    assertThat(quorums.notice()).isEmpty();
  }

  @Test
  void aThresholdBelowTheSafeFastQuorumIsReportedAndIgnored() {
    Quorums quorums = Quorums.configure(7, 2, true, Optional.of(new BigDecimal("0.85")));

    assertThat(quorums.fastQuorum()).isEqualTo(7);
    assertThat(quorums.notice())
        .contains("threshold 0.85 of 7 = 6 votes is below the safe fast quorum 7 for f=2; using 7");
  }

  @Test
  void aThresholdMayRaiseTheFastQuorum() {
    // n = 9, f = 2 tolerates one slow validator (F = 8); 0.95 · 9 = 8.55 asks for all 9.
    Quorums quorums = Quorums.configure(9, 2, true, Optional.of(new BigDecimal("0.95")));

    assertThat(quorums.fastQuorum()).isEqualTo(9);
    assertThat(quorums.notice()).isEmpty();
  }

  @Test
  void theThresholdProductIsExactNotFloatingPoint() {
    // In doubles 0.7 · 10 is 7.000000000000001, whose ceiling would wrongly ask for 8 votes.
    Quorums quorums = Quorums.configure(10, 1, true, Optional.of(new BigDecimal("0.7")));

    // n = 10, f = 1: c = 3 and the safe F = 7, so exactly 7 asked is accepted as it is.
    assertThat(quorums.fastQuorum()).isEqualTo(7);
    assertThat(quorums.notice()).isEmpty();
  }

  @Test
  void theFastPathCanBeTurnedOff() {
    Quorums quorums = Quorums.configure(4, 1, false, Optional.empty());

    assertThat(quorums.fastPathEnabled()).isFalse();
    assertThat(quorums.slowQuorum()).isEqualTo(3);
  }

  @Test
  void rejectsThresholdsOutsideTheUnitInterval() {
    assertThatThrownBy(() -> Quorums.configure(4, 1, true, Optional.of(BigDecimal.ZERO)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> Quorums.configure(4, 1, true, Optional.of(new BigDecimal("1.5"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 1.5");
  }

  @Test
  void rejectsTooFewValidatorsForTheFaultsTolerated() {
    assertThatThrownBy(() -> Quorums.of(6, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("need n ≥ 3f + 1");
    assertThatThrownBy(() -> Quorums.of(4, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsInconsistentHandBuiltQuorums() {
    assertThatThrownBy(() -> new Quorums(7, 2, 0, 5, 6, true, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inconsistent");
  }

  @Test
  void maxFaultyIsTheLargestTolerableF() {
    assertThat(Quorums.maxFaulty(4)).isEqualTo(1);
    assertThat(Quorums.maxFaulty(6)).isEqualTo(1);
    assertThat(Quorums.maxFaulty(7)).isEqualTo(2);
    assertThatThrownBy(() -> Quorums.maxFaulty(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
