package io.swarmcore.node;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code swarm node --conf FILE}: runs one clustered validator from a configuration that {@code
 * swarm init} wrote (or any node configuration). The same as {@code swarm run NodeVerticle -cluster
 * -conf FILE}, which it hands over to.
 */
@Command(
    name = "node",
    description = {
      "Runs one validator (clustered) from its configuration file.",
      "Example: swarm init --validators 4 --out cluster && swarm node --conf cluster/node-1.json",
      "Further Vert.x launcher options (-options, -cluster-host, ...) pass through."
    })
final class NodeCommand implements Callable<Integer> {
  @Option(
      names = "--conf",
      required = true,
      paramLabel = "FILE",
      description = "The node configuration (JSON or YAML), e.g. cluster/node-1.json")
  String conf;

  @Unmatched List<String> launcherArgs = new ArrayList<>();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    List<String> args = new ArrayList<>();
    args.add(NodeVerticle.class.getName());
    args.add("-cluster");
    args.add("-conf");
    args.add(conf);
    args.addAll(launcherArgs);
    return RunCommand.launch(args, spec.commandLine().getErr(), "swarm node");
  }
}
