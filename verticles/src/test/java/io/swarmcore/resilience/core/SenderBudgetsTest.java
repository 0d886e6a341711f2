package io.swarmcore.resilience.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SenderBudgetsTest {
  private static int taken(SenderBudgets budgets, String sender, boolean known, int tries) {
    int taken = 0;
    for (int i = 0; i < tries; i++) {
      if (budgets.take(sender, known, 0)) {
        taken++;
      }
    }
    return taken;
  }

  @Test
  void eachKnownSenderHasTwiceTheRateAndUnknownOnesShareOneBudget() {
    SenderBudgets budgets = new SenderBudgets(5);
    assertThat(taken(budgets, "a", true, 100)).isEqualTo(10);
    assertThat(taken(budgets, "b", true, 100)).as("a's flood costs b nothing").isEqualTo(10);
    assertThat(taken(budgets, "x", false, 100) + taken(budgets, "y", false, 100))
        .as("made-up names share one")
        .isEqualTo(10);
    assertThat(taken(budgets, null, true, 100)).as("no name: the shared one, spent").isZero();
    assertThat(budgets.take("a", true, 1_000_000_000L)).as("refilled a second later").isTrue();
  }
}
