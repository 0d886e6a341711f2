package io.swarmcore.pbft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProgressTimerTest {

  @Test
  void idleReplicasNeverTimeOut() {
    ProgressTimer timer = new ProgressTimer(100, 1_000);

    assertThat(timer.tick(1_000_000)).isFalse();
    assertThat(timer.deadline()).isEmpty();
  }

  @Test
  void pendingWorkWithoutProgressExpiresOnceAtTheDeadline() {
    ProgressTimer timer = new ProgressTimer(100, 1_000);
    timer.workPending(10);
    timer.workPending(50); // already counting: the deadline stays

    assertThat(timer.deadline()).hasValue(110);
    assertThat(timer.tick(109)).isFalse();
    assertThat(timer.tick(110)).isTrue();
    assertThat(timer.tick(111)).isFalse();
  }

  @Test
  void eachFailedViewDoublesTheTimeoutUpToTheCap() {
    ProgressTimer timer = new ProgressTimer(100, 500);
    timer.workPending(0);

    assertThat(timer.tick(100)).isTrue();
    assertThat(timer.deadline()).hasValue(300);
    assertThat(timer.tick(300)).isTrue();
    assertThat(timer.deadline()).hasValue(700);
    assertThat(timer.tick(700)).isTrue();
    assertThat(timer.timeout()).isEqualTo(500);
    assertThat(timer.failedViewsInARow()).isEqualTo(3);
  }

  @Test
  void progressResetsTheBackoffAndDisarmsWhenNothingWaits() {
    ProgressTimer timer = new ProgressTimer(100, 500);
    timer.workPending(0);
    timer.tick(100);
    timer.tick(300);

    timer.progressed(350, true);
    assertThat(timer.deadline()).hasValue(450);
    assertThat(timer.failedViewsInARow()).isZero();

    timer.progressed(400, false);
    assertThat(timer.deadline()).isEmpty();
  }

  @Test
  void theTimeoutNeverOverflows() {
    ProgressTimer timer = new ProgressTimer(1, Long.MAX_VALUE / 2);
    timer.workPending(0);
    long now = 0;
    for (int i = 0; i < 100; i++) {
      now = timer.deadline().getAsLong();
      assertThat(timer.tick(now)).isTrue();
    }
    assertThat(timer.timeout()).isEqualTo(Long.MAX_VALUE / 2);
    assertThat(timer.deadline()).hasValue(Long.MAX_VALUE); // saturated, still armed
  }

  @Test
  void rejectsNonsenseTimeouts() {
    assertThatThrownBy(() -> new ProgressTimer(0, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ProgressTimer(10, 5)).hasMessageContaining("need 1 ≤ base ≤ cap");
  }

  @Test
  void slowBlocksInAWorkingViewLengthenTheTimeoutAndTheEffectFades() {
    ProgressTimer timer = new ProgressTimer(100, 10_000);
    timer.workPending(0);
    timer.progressed(80, true); // a block took 80: 4 × 80 = 320 > 100
    assertThat(timer.timeout()).isEqualTo(320);
    assertThat(timer.deadline()).hasValue(400);
    long now = 80;
    for (int i = 0; i < 40; i++) { // quick blocks: the slow one is forgotten by eighths
      now += 1;
      timer.progressed(now, true);
    }
    assertThat(timer.timeout()).isEqualTo(100);
  }

  @Test
  void aWaitThatSpannedAFailedViewOrAViewChangeIsNotCounted() {
    ProgressTimer timer = new ProgressTimer(100, 10_000);
    timer.workPending(0);
    assertThat(timer.tick(100)).isTrue(); // the view failed
    timer.restart(150); // the next view begins
    timer.progressed(900, true); // its first block, after a long view change: not a block's time
    assertThat(timer.timeout()).isEqualTo(100);
    timer.progressed(930, true); // 30: 4 × 30 = 120
    assertThat(timer.timeout()).isEqualTo(120);
  }

  @Test
  void anIdlePauseIsNotASlowBlock() {
    ProgressTimer timer = new ProgressTimer(100, 10_000);
    timer.workPending(0);
    timer.progressed(10, false); // nothing more waits
    timer.workPending(5_000); // work again, much later
    timer.progressed(5_020, true);
    assertThat(timer.timeout()).isEqualTo(100);
  }
}
