package io.swarmcore.node;

import io.swarmcore.election.Genesis;
import io.swarmcore.election.core.LeaderSchedule;
import io.swarmcore.election.core.Validator;
import io.swarmcore.election.core.ValidatorSet;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code swarm election schedule}: the leaders of an epoch's views, as every node computes them.
 */
@Command(
    name = "election",
    description = "The stake-weighted leader schedule.",
    subcommands = {ElectionCommand.Schedule.class})
final class ElectionCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a subcommand: schedule");
  }

  @Command(name = "schedule", description = "Prints the leader of each view: view, id, stake.")
  static final class Schedule implements Callable<Integer> {
    @Option(
        names = "--validators",
        required = true,
        paramLabel = "FILE",
        description = "A genesis file, or a JSON list of validators in its format.")
    Path validators;

    @Option(names = "--seed", required = true, description = "The epoch's seed, hex.")
    String seed;

    @Option(names = "--epoch", defaultValue = "0", description = "The epoch (for the output).")
    long epoch;

    @Option(names = "--views", defaultValue = "10", description = "How many views, from 0.")
    long views;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      byte[] seedBytes = MerkleCommand.hex(spec, seed, "--seed");
      if (views < 1 || views > 10_000_000) {
        throw new ParameterException(spec.commandLine(), "--views must be 1..10000000");
      }
      ValidatorSet set = read();
      JsonArray leaders = new JsonArray();
      for (long view = 0; view < views; view++) {
        Validator leader = LeaderSchedule.leader(set, seedBytes, view);
        if (json) {
          leaders.add(new JsonObject().put("view", view).put("leader", leader.id()));
        } else {
          spec.commandLine()
              .getOut()
              .printf(
                  "epoch %d view %d: %s (stake %d)%n", epoch, view, leader.id(), leader.stake());
        }
      }
      if (json) {
        spec.commandLine()
            .getOut()
            .println(new JsonObject().put("epoch", epoch).put("leaders", leaders).encode());
      }
      spec.commandLine().getOut().flush();
      return 0;
    }

    private ValidatorSet read() {
      try {
        String text = Files.readString(validators).strip();
        JsonArray list =
            text.startsWith("[")
                ? new JsonArray(text)
                : new JsonObject(text).getJsonArray("validators");
        if (list == null) {
          throw new ParameterException(
              spec.commandLine(), validators + " has no \"validators\" list");
        }
        return ValidatorSet.of(Genesis.validators(list));
      } catch (IOException e) {
        throw new ParameterException(spec.commandLine(), "cannot read " + validators + ": " + e);
      } catch (DecodeException | ClassCastException e) {
        throw new ParameterException(
            spec.commandLine(), validators + " is not JSON: " + e.getMessage());
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), validators + ": " + e.getMessage());
      }
    }
  }
}
