package io.swarmcore.election.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaderScheduleTest {
  private static final byte[] SEED =
      HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

  @Test
  void theScheduleIsTheSameEverywhere() {
    // Golden values: any change to the hashing, the reduction or the order breaks consensus
    // between nodes of different versions, so it must be deliberate.
    ValidatorSet set = Validators.set(10, 20, 30, 40);
    List<String> leaders = new ArrayList<>();
    for (long view = 0; view < 12; view++) {
      leaders.add(LeaderSchedule.leader(set, SEED, view).id());
    }
    assertThat(leaders)
        .containsExactly(
            "v00003", "v00003", "v00003", "v00000", "v00003", "v00002", "v00001", "v00002",
            "v00001", "v00002", "v00001", "v00003")
        .isEqualTo(expectedByDefinition(set, 12));
  }

  /** The definition, computed the slow way: SHA-512, BigInteger reduction, linear scan. */
  private static List<String> expectedByDefinition(ValidatorSet set, int views) {
    List<String> leaders = new ArrayList<>();
    try {
      for (long view = 0; view < views; view++) {
        MessageDigest sha = MessageDigest.getInstance("SHA-512");
        sha.update("swarm/v1/leader\0".getBytes(StandardCharsets.US_ASCII));
        sha.update(SEED);
        sha.update(ByteBuffer.allocate(8).putLong(view).array());
        long r =
            new BigInteger(1, sha.digest()).mod(BigInteger.valueOf(set.totalStake())).longValue();
        long cumulative = 0;
        for (Validator validator : set.members()) {
          cumulative += validator.stake();
          if (r < cumulative) {
            leaders.add(validator.id());
            break;
          }
        }
      }
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    return leaders;
  }

  @Test
  void leaderFrequenciesMatchStakesOver200000Views() {
    long[] stakes = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89};
    ValidatorSet set = Validators.set(stakes);
    long[] counts = new long[stakes.length];
    int views = 200_000;
    for (long view = 0; view < views; view++) {
      String id = LeaderSchedule.leader(set, SEED, view).id();
      counts[Integer.parseInt(id.substring(1))]++;
    }
    double chiSquare = 0;
    for (int i = 0; i < stakes.length; i++) {
      double expected = (double) views * stakes[i] / set.totalStake();
      chiSquare += (counts[i] - expected) * (counts[i] - expected) / expected;
    }
    // Critical value of the chi-square distribution with 9 degrees of freedom at p = 0.001.
    assertThat(chiSquare).isLessThan(27.877);
  }

  @Test
  void aDifferentSeedGivesADifferentSchedule() {
    ValidatorSet set = Validators.set(1, 1, 1, 1, 1, 1, 1, 1);
    byte[] other = SEED.clone();
    other[0] ^= 1;
    int differences = 0;
    for (long view = 0; view < 64; view++) {
      if (!LeaderSchedule.leader(set, SEED, view).equals(LeaderSchedule.leader(set, other, view))) {
        differences++;
      }
    }
    assertThat(differences).isGreaterThan(32);
  }
}
