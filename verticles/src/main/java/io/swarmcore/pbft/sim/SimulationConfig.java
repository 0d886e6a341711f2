package io.swarmcore.pbft.sim;

import io.swarmcore.pbft.core.Quorums;
import java.util.EnumSet;
import java.util.Set;

/**
 * One family of simulated schedules: the validator set, how many of them are Byzantine and with
 * which behaviours, and how long each schedule runs. Each schedule then draws its own network
 * (delays, drops, duplicates, partitions, stabilization time) and Byzantine indices from its seed.
 *
 * @param faultyNetwork whether schedules draw drops, duplicates and partitions before
 *     stabilization; false gives the fault-free network (jittered delays only)
 */
public record SimulationConfig(
    int validators,
    int byzantine,
    Set<Behaviour> behaviours,
    int targetBlocks,
    long checkpointInterval,
    long window,
    boolean fastPathEnabled,
    boolean faultyNetwork) {

  public SimulationConfig {
    behaviours =
        behaviours.isEmpty() ? EnumSet.noneOf(Behaviour.class) : EnumSet.copyOf(behaviours);
    int f = Quorums.maxFaulty(validators);
    if (byzantine < 0 || byzantine > f) {
      throw new IllegalArgumentException(
          byzantine + " Byzantine validators, but " + validators + " validators tolerate " + f);
    }
    if (byzantine > 0 && behaviours.isEmpty()) {
      throw new IllegalArgumentException("Byzantine validators need at least one behaviour");
    }
    if (targetBlocks < 1) {
      throw new IllegalArgumentException("each schedule must aim for at least one block");
    }
  }

  /** n validators, f of them Byzantine with every behaviour, over a faulty network. */
  public static SimulationConfig adversarial(int validators) {
    return new SimulationConfig(
        validators,
        Quorums.maxFaulty(validators),
        EnumSet.allOf(Behaviour.class),
        8,
        4,
        8,
        true,
        true);
  }

  /** n honest validators on a network that only jitters delays. */
  public static SimulationConfig faultFree(int validators) {
    return new SimulationConfig(
        validators, 0, EnumSet.noneOf(Behaviour.class), 8, 4, 8, true, false);
  }

  public Quorums quorums() {
    return Quorums.configure(
        validators, Quorums.maxFaulty(validators), fastPathEnabled, java.util.Optional.empty());
  }

  public SimulationConfig withTargetBlocks(int blocks) {
    return new SimulationConfig(
        validators,
        byzantine,
        behaviours,
        blocks,
        checkpointInterval,
        window,
        fastPathEnabled,
        faultyNetwork);
  }
}
