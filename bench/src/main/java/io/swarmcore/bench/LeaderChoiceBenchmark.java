package io.swarmcore.bench;

import io.swarmcore.crypto.Sha256;
import io.swarmcore.crypto.SigningKey;
import io.swarmcore.crypto.vrf.VrfSuite;
import io.swarmcore.election.core.LeaderSchedule;
import io.swarmcore.election.core.Validator;
import io.swarmcore.election.core.ValidatorSet;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** leader(e, v): hash, wide reduction and binary search over the cumulative stakes. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LeaderChoiceBenchmark {
  @Param({"100", "10000"})
  public int validators;

  private ValidatorSet set;
  private final byte[] seed = Sha256.hash(new byte[] {42});
  private long view;

  @Setup
  public void setUp() {
    List<Validator> members = new ArrayList<>();
    byte[] vrfKey = new byte[33];
    vrfKey[0] = 2;
    for (int i = 0; i < validators; i++) {
      byte[] keySeed = Sha256.hash(ByteBuffer.allocate(4).putInt(i).array());
      members.add(
          new Validator(
              "v" + i,
              SigningKey.fromSeed(keySeed).publicKey(),
              VrfSuite.P256_SHA256_TAI,
              vrfKey,
              1 + (i * 7919L) % 1000,
              ""));
    }
    set = ValidatorSet.of(members);
  }

  @Benchmark
  public Validator leaderOfNextView() {
    return LeaderSchedule.leader(set, seed, view++);
  }
}
