package io.swarmcore.tests.harness;

import io.swarmcore.node.SwarmCommand;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code swarm} command line in this JVM, as a user would from a shell. */
public final class SwarmCli {
  /** The exit code and what the command printed. */
  public record Run(int exit, String out, String err) {}

  private SwarmCli() {}

  public static Run swarm(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = SwarmCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(exit, out.toString(), err.toString());
  }
}
