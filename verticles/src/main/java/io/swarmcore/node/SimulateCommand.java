package io.swarmcore.node;

import io.swarmcore.pbft.core.Quorums;
import io.swarmcore.pbft.sim.Behaviour;
import io.swarmcore.pbft.sim.ScheduleResult;
import io.swarmcore.pbft.sim.SimulationConfig;
import io.swarmcore.pbft.sim.SimulationSummary;
import io.swarmcore.pbft.sim.Simulator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code swarm simulate}: runs the PBFT core in the deterministic Byzantine simulator
 * (docs/PROTOCOL.md, "Simulator") and reports what the schedules showed. Exit code 1 on any safety
 * violation or liveness failure, with the seed and trace that replay it.
 */
@Command(
    name = "simulate",
    description =
        "Runs random schedules of the consensus core with Byzantine replicas and a faulty network;"
            + " exit 1 on any violation.")
final class SimulateCommand implements Callable<Integer> {
  @Option(names = "--validators", defaultValue = "4", description = "n (default 4).")
  int validators;

  @Option(
      names = "--byzantine",
      description = "How many replicas are Byzantine (default f, the most n tolerates).")
  Integer byzantine;

  @Option(
      names = "--behaviours",
      defaultValue = "all",
      paramLabel = "LIST",
      description =
          "Comma-separated: equivocate, conflicting-votes, silent, withhold-fast-votes,"
              + " replay-old, forge, bogus-new-view; or all (default).")
  String behaviours;

  @Option(names = "--schedules", defaultValue = "1000", description = "How many (default 1000).")
  int schedules;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description =
          "First schedule's seed; a failing schedule's seed replays it with --schedules 1.")
  long seed;

  @Option(names = "--blocks", defaultValue = "8", description = "Blocks each schedule aims for.")
  int blocks;

  @Option(
      names = "--fault-free",
      description = "Honest network: jittered delays only, no drops, duplicates or partitions.")
  boolean faultFree;

  @Option(names = "--no-fast-path", description = "Finalize on the commit path only.")
  boolean noFastPath;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    SimulationConfig config = config();
    long started = System.nanoTime();
    SimulationSummary summary = Simulator.run(config, schedules, seed);
    double seconds = (System.nanoTime() - started) / 1e9;
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(toJson(summary, seconds).encode());
    } else {
      print(out, summary, seconds);
    }
    out.flush();
    return exitCode(summary);
  }

  static int exitCode(SimulationSummary summary) {
    return summary.passed() ? 0 : 1;
  }

  private SimulationConfig config() {
    if (validators < 1 || validators > 100) {
      throw new ParameterException(spec.commandLine(), "--validators must be 1..100");
    }
    if (schedules < 1) {
      throw new ParameterException(spec.commandLine(), "--schedules must be at least 1");
    }
    if (blocks < 1 || blocks > 10_000) {
      throw new ParameterException(spec.commandLine(), "--blocks must be 1..10000");
    }
    try {
      Set<Behaviour> chosen = Behaviour.parseList(behaviours);
      int bad = byzantine == null ? Quorums.maxFaulty(validators) : byzantine;
      return new SimulationConfig(validators, bad, chosen, blocks, 4, 8, !noFastPath, !faultFree);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  static void print(PrintWriter out, SimulationSummary s, double seconds) {
    SimulationConfig c = s.config();
    out.printf(
        Locale.ROOT,
        "n=%d f=%d byzantine=%d behaviours=%s network=%s fast path=%s%n",
        c.validators(),
        c.quorums().faulty(),
        c.byzantine(),
        c.behaviours().isEmpty() ? "none" : names(c.behaviours()),
        c.faultyNetwork() ? "faulty until stabilization" : "fault-free",
        c.fastPathEnabled() ? "on" : "off");
    out.printf(
        Locale.ROOT, "schedules run:        %d (first seed %d)%n", s.schedules(), s.firstSeed());
    out.printf(Locale.ROOT, "safety violations:    %d%n", s.safetyViolations());
    out.printf(Locale.ROOT, "liveness failures:    %d%n", s.livenessFailures());
    out.printf(
        Locale.ROOT, "blocks finalized:     %d (honest replicas × blocks)%n", s.blocksFinalized());
    out.printf(Locale.ROOT, "fast-path share:      %.2f %%%n", 100 * s.fastPathShare());
    out.printf(Locale.ROOT, "views changed:        %d%n", s.viewChanges());
    out.printf(Locale.ROOT, "forgeries rejected:   %d%n", s.forgeriesRejected());
    out.printf(Locale.ROOT, "time:                 %.1f s%n", seconds);
    s.firstFailure()
        .ifPresent(
            failure -> {
              out.printf(
                  Locale.ROOT,
                  "%nFAILED schedule, seed %d (shrunk to %d blocks):%n",
                  failure.seed(),
                  failure.targetBlocks());
              failure.violations().forEach(v -> out.println("  violation: " + v));
              failure.livenessFailure().ifPresent(l -> out.println("  liveness: " + l));
              out.println("  last events:");
              failure.trace().forEach(line -> out.println("    " + line));
              out.printf(
                  Locale.ROOT,
                  "  replay: swarm simulate --validators %d --byzantine %d --behaviours %s"
                      + " --schedules 1 --seed %d --blocks %d%s%n",
                  c.validators(),
                  c.byzantine(),
                  c.behaviours().isEmpty() ? "none" : names(c.behaviours()),
                  failure.seed(),
                  failure.targetBlocks(),
                  c.faultyNetwork() ? "" : " --fault-free");
            });
  }

  static JsonObject toJson(SimulationSummary s, double seconds) {
    SimulationConfig c = s.config();
    JsonObject json =
        new JsonObject()
            .put("validators", c.validators())
            .put("faulty", c.quorums().faulty())
            .put("byzantine", c.byzantine())
            .put(
                "behaviours",
                new JsonArray(c.behaviours().stream().map(Behaviour::cliName).toList()))
            .put("faultyNetwork", c.faultyNetwork())
            .put("fastPathEnabled", c.fastPathEnabled())
            .put("firstSeed", s.firstSeed())
            .put("schedules", s.schedules())
            .put("safetyViolations", s.safetyViolations())
            .put("livenessFailures", s.livenessFailures())
            .put("blocksFinalized", s.blocksFinalized())
            .put("fastPathShare", s.fastPathShare())
            .put("viewChanges", s.viewChanges())
            .put("forgeriesRejected", s.forgeriesRejected())
            .put("seconds", seconds)
            .put("passed", s.passed());
    s.firstFailure().ifPresent(failure -> json.put("firstFailure", failureJson(failure)));
    return json;
  }

  private static JsonObject failureJson(ScheduleResult failure) {
    return new JsonObject()
        .put("seed", failure.seed())
        .put("violations", new JsonArray(failure.violations()))
        .put("livenessFailure", failure.livenessFailure().orElse(null))
        .put("trace", new JsonArray(failure.trace()));
  }

  private static String names(Set<Behaviour> behaviours) {
    return String.join(",", behaviours.stream().map(Behaviour::cliName).toList());
  }
}
