package io.swarmcore.pbft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.swarmcore.pbft.core.Checkpoints.Outcome;
import io.swarmcore.pbft.core.Checkpoints.Stable;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointsTest {
  private static final ByteString GENESIS = ByteString.copyFromUtf8("root-0");
  private static final ByteString ROOT = ByteString.copyFromUtf8("root-10");
  private static final ByteString FORK = ByteString.copyFromUtf8("root-10-fork");

  private static Checkpoints<String> fourValidators() {
    return new Checkpoints<>(Quorums.of(4, 1), 10, 20, new Stable<>(0, GENESIS, List.of()));
  }

  @Test
  void aSlowQuorumOfMatchingRootsMakesTheCheckpointStableAndMovesTheWindow() {
    Checkpoints<String> checkpoints = fourValidators();
    assertThat(checkpoints.inWindow(21)).isFalse();

    assertThat(checkpoints.add(0, 10, ROOT, "c0")).isEqualTo(Outcome.COUNTED);
    assertThat(checkpoints.add(3, 10, FORK, "c3")).isEqualTo(Outcome.COUNTED);
    assertThat(checkpoints.add(1, 10, ROOT, "c1")).isEqualTo(Outcome.COUNTED);
    assertThat(checkpoints.add(2, 10, ROOT, "c2")).isEqualTo(Outcome.BECAME_STABLE);

    assertThat(checkpoints.stable()).isEqualTo(new Stable<>(10, ROOT, List.of("c0", "c1", "c2")));
    assertThat(checkpoints.inWindow(10)).isFalse();
    assertThat(checkpoints.inWindow(30)).isTrue();
    assertThat(checkpoints.inWindow(31)).isFalse();
    assertThat(checkpoints.stableDigestAt(10)).contains(ROOT);
  }

  @Test
  void refusesVotesOutsideTheWindowOrOffTheInterval() {
    Checkpoints<String> checkpoints = fourValidators();

    assertThat(checkpoints.add(0, 0, GENESIS, "old")).isEqualTo(Outcome.IGNORED_OLD);
    assertThat(checkpoints.add(0, 30, ROOT, "far")).isEqualTo(Outcome.REFUSED_BEYOND_WINDOW);
    assertThat(checkpoints.add(0, 15, ROOT, "odd")).isEqualTo(Outcome.NOT_A_CHECKPOINT_SEQUENCE);
  }

  @Test
  void aValidatorCountsOncePerCheckpoint() {
    Checkpoints<String> checkpoints = fourValidators();
    checkpoints.add(0, 10, ROOT, "c0");

    assertThat(checkpoints.add(0, 10, ROOT, "c0")).isEqualTo(Outcome.DUPLICATE);
    assertThat(checkpoints.add(0, 10, FORK, "c0'")).isEqualTo(Outcome.CONFLICTING);
    assertThat(checkpoints.add(1, 10, ROOT, "c1")).isEqualTo(Outcome.COUNTED);
  }

  @Test
  void aLaterCheckpointCanBecomeStableFirstAndDropsTheEarlierVotes() {
    Checkpoints<String> checkpoints = fourValidators();
    checkpoints.add(0, 10, ROOT, "c0");
    ByteString root20 = ByteString.copyFromUtf8("root-20");
    checkpoints.add(0, 20, root20, "d0");
    checkpoints.add(1, 20, root20, "d1");

    assertThat(checkpoints.add(2, 20, root20, "d2")).isEqualTo(Outcome.BECAME_STABLE);
    assertThat(checkpoints.add(1, 10, ROOT, "c1")).isEqualTo(Outcome.IGNORED_OLD);
    assertThat(checkpoints.highWatermark()).isEqualTo(40);
  }

  @Test
  void theWindowMustHoldTwoIntervals() {
    assertThatThrownBy(
            () -> new Checkpoints<>(Quorums.of(4, 1), 10, 15, new Stable<>(0, GENESIS, List.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("W ≥ 2K");
  }
}
