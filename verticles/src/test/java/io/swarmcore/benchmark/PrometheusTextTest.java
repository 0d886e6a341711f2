package io.swarmcore.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  private static final String TEXT =
      """
      # HELP swarm_blocks_finalized Blocks finalized
      # TYPE swarm_blocks_finalized counter
      swarm_blocks_finalized{node="a"} 12.0
      swarm_blocks_finalized{node="b"} 30.0
      swarm_blocks_finalized_total 999.0
      swarm_blocks_fast_path 40.0
      """;

  @Test
  void sumsEveryLabelSetOfTheNameAndNothingElse() {
    assertThat(PrometheusText.sum(TEXT, "swarm_blocks_finalized")).hasValue(42.0);
    assertThat(PrometheusText.sum(TEXT, "swarm_blocks_fast_path")).hasValue(40.0);
  }

  @Test
  void aMissingMetricIsEmptyNotZero() {
    assertThat(PrometheusText.sum(TEXT, "swarm_blocks")).isEmpty();
    assertThat(PrometheusText.sum("", "swarm_blocks_finalized")).isEmpty();
  }
}
