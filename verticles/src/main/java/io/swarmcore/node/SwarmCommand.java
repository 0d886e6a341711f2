package io.swarmcore.node;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** The {@code swarm} command line: the fat jar's main class. */
@Command(
    name = "swarm",
    mixinStandardHelpOptions = true,
    versionProvider = SwarmCommand.Version.class,
    description = "Swarm: a Byzantine-fault-tolerant ledger on Eclipse Vert.x.",
    subcommands = {
      RunCommand.class,
      InitCommand.class,
      NodeCommand.class,
      KeygenCommand.class,
      MerkleCommand.class,
      StoreCommand.class,
      VrfCommand.class,
      ElectionCommand.class,
      SimulateCommand.class,
      DemoCommand.class,
      BenchCommand.class,
      ClientCommand.class,
      VerifyCommand.class,
      CommandLine.HelpCommand.class
    })
public final class SwarmCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int exitCode = execute(args);
    // On success, return instead of exiting: a node started by "run" lives on in Vert.x's
    // threads, and every other command has left none behind.
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }

  /** Runs the command line without exiting the JVM (for tests and embedding). */
  public static int execute(String... args) {
    return new CommandLine(new SwarmCommand()).execute(args);
  }

  /** Like {@link #execute(String...)}, printing to {@code out} and {@code err}. */
  public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    return new CommandLine(new SwarmCommand()).setOut(out).setErr(err).execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = SwarmCommand.class.getPackage().getImplementationVersion();
      return new String[] {"swarm " + (version == null ? "(development build)" : version)};
    }
  }
}
