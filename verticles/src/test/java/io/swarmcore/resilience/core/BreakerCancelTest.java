package io.swarmcore.resilience.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BreakerCancelTest {
  @Test
  void aCancelledProbeIsHandedBack() {
    BreakerPolicy policy =
        new BreakerPolicy(
            BreakerSettings.builder().minRequests(1).openMillis(100).permittedProbes(1).build());
    policy.tryAcquire(0);
    policy.onFailure(0, 1, false);
    assertThat(policy.state(0)).isEqualTo(BreakerState.OPEN);

    Admission probe = policy.tryAcquire(100);
    assertThat(probe.admitted()).isTrue();
    assertThat(probe.probe()).isTrue();
    assertThat(policy.tryAcquire(100).admitted()).isFalse();

    policy.onCancelled(true);
    assertThat(policy.tryAcquire(100).probe()).isTrue();
  }

  @Test
  void cancellingInTheClosedStateRecordsNothing() {
    BreakerPolicy policy = new BreakerPolicy(BreakerSettings.DEFAULTS);
    policy.tryAcquire(0);
    policy.onCancelled(false);
    assertThat(policy.window(0).calls()).isZero();
  }
}
