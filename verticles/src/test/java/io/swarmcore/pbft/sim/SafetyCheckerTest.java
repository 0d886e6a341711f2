package io.swarmcore.pbft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.swarmcore.pbft.core.Quorums;
import io.swarmcore.pbft.core.ReplicaOutput.Finalize;
import io.swarmcore.pbft.core.Slot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The simulator's checks must fail when the protocol misbehaves, or its passes mean nothing. */
class SafetyCheckerTest {
  private final SimKeys keys = new SimKeys(4, 1);
  private final Set<ByteString> proposed = new HashSet<>();
  private final SafetyChecker checker =
      new SafetyChecker(Quorums.of(4, 1), keys, proposed, SimBlock.GENESIS);

  private Finalize<SimBlock, SimSignature> fast(SimBlock block, int signers) {
    proposed.add(block.digest());
    List<SimSignature> votes = new ArrayList<>();
    for (int i = 0; i < signers; i++) {
      votes.add(keys.sign(i, new SimKeys.Vote("PREPARE", 0, block.height(), block.digest())));
    }
    return new Finalize<>(block.height(), block, Slot.Path.FAST, votes);
  }

  @Test
  void aValidChainPasses() {
    SimBlock one = new SimBlock(1, SimBlock.GENESIS, "a");
    checker.finalized(0, fast(one, 4));
    checker.finalized(1, fast(one, 4));
    checker.finalized(0, fast(new SimBlock(2, one.digest(), "b"), 4));

    assertThat(checker.violations()).isEmpty();
  }

  @Test
  void twoBlocksAtOneHeightBreakAgreement() {
    checker.finalized(0, fast(new SimBlock(1, SimBlock.GENESIS, "a"), 4));
    checker.finalized(2, fast(new SimBlock(1, SimBlock.GENESIS, "b"), 4));

    assertThat(checker.violations()).singleElement().asString().startsWith("agreement");
  }

  @Test
  void aBlockThatDoesNotExtendTheFinalChainIsALoss() {
    checker.finalized(0, fast(new SimBlock(1, SimBlock.GENESIS, "a"), 4));
    checker.finalized(0, fast(new SimBlock(2, ByteString.copyFromUtf8("other"), "b"), 4));

    assertThat(checker.violations()).singleElement().asString().contains("does not extend");
  }

  @Test
  void shortOrForgedCertificatesAndUnproposedBlocksAreCaught() {
    checker.finalized(0, fast(new SimBlock(1, SimBlock.GENESIS, "a"), 3));
    assertThat(checker.violations()).singleElement().asString().contains("3 signers, needs 4");

    SimBlock forged = new SimBlock(1, SimBlock.GENESIS, "a");
    List<SimSignature> votes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      votes.add(SimKeys.forge(i, new SimKeys.Vote("PREPARE", 0, 1, forged.digest())));
    }
    checker.finalized(1, new Finalize<>(1, forged, Slot.Path.FAST, votes));
    assertThat(checker.violations()).last().asString().contains("invalid FAST certificate");

    SimBlock nobody = new SimBlock(2, forged.digest(), "never proposed");
    Finalize<SimBlock, SimSignature> finalize = fast(nobody, 4);
    proposed.remove(nobody.digest());
    checker.finalized(1, finalize);
    assertThat(checker.violations()).last().asString().contains("nobody proposed");
  }
}
