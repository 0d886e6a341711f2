package io.swarmcore.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.pbft.sim.ScheduleResult;
import io.swarmcore.pbft.sim.SimulationConfig;
import io.swarmcore.pbft.sim.SimulationSummary;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SimulateCommandTest {
  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();

  @Test
  void printsWhatTheSchedulesShowed() {
    assertThat(console.swarm("simulate", "--validators", "4", "--schedules", "200", "--seed", "9"))
        .isZero();

    assertThat(console.out())
        .contains("n=4 f=1 byzantine=1 behaviours=equivocate,conflicting-votes")
        .contains("schedules run:        200 (first seed 9)")
        .contains("safety violations:    0")
        .contains("liveness failures:    0")
        .contains("fast-path share:");
  }

  @Test
  void jsonForScriptsAndFaultFreeRunsStayOnTheFastPath() {
    assertThat(
            console.swarm(
                "simulate",
                "--validators",
                "7",
                "--byzantine",
                "0",
                "--behaviours",
                "none",
                "--fault-free",
                "--schedules",
                "50",
                "--json"))
        .isZero();

    JsonObject summary = new JsonObject(console.out().strip());
    assertThat(summary.getInteger("schedules")).isEqualTo(50);
    assertThat(summary.getInteger("safetyViolations")).isZero();
    assertThat(summary.getDouble("fastPathShare")).isGreaterThanOrEqualTo(0.99);
    assertThat(summary.getLong("blocksFinalized")).isEqualTo(50L * 7 * 8);
    assertThat(summary.getBoolean("passed")).isTrue();
  }

  @Test
  void badArgumentsAreExplained() {
    assertThat(console.swarm("simulate", "--validators", "4", "--byzantine", "2")).isEqualTo(2);
    assertThat(console.err()).contains("2 Byzantine validators, but 4 validators tolerate 1");

    assertThat(console.swarm("simulate", "--behaviours", "teleport")).isEqualTo(2);
    assertThat(console.err()).contains("unknown behaviour 'teleport'");
  }

  @Test
  void aFailureIsReportedWithItsSeedTraceAndReplayCommand() {
    ScheduleResult failed =
        new ScheduleResult(
            77,
            4,
            3,
            20,
            10,
            2,
            0,
            List.of("agreement: replica 1 finalized aa at height 2, another honest replica has bb"),
            Optional.empty(),
            List.of("t=10 r1 finalized 2 (FAST)"));
    SimulationSummary summary =
        new SimulationSummary(
            SimulationConfig.adversarial(4), 5, 10, 1, 0, 200, 100, 7, 3, Optional.of(failed));
    StringWriter text = new StringWriter();

    SimulateCommand.print(new PrintWriter(text), summary, 0.5);

    assertThat(SimulateCommand.exitCode(summary)).isEqualTo(1);
    assertThat(text.toString())
        .contains("safety violations:    1")
        .contains("FAILED schedule, seed 77")
        .contains("violation: agreement: replica 1")
        .contains("t=10 r1 finalized 2 (FAST)")
        .contains("replay: swarm simulate --validators 4 --byzantine 1 --behaviours ")
        .contains("--schedules 1 --seed 77 --blocks 4");
    assertThat(SimulateCommand.toJson(summary, 0.5).getJsonObject("firstFailure").getLong("seed"))
        .isEqualTo(77);
  }
}
