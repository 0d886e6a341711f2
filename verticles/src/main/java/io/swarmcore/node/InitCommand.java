package io.swarmcore.node;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code swarm init}: writes a new chain's keys, genesis, node configurations and Hazelcast file
 * (and with {@code --tls} a cluster CA and node certificates) into one folder, then says how to
 * start each validator.
 */
@Command(
    name = "init",
    description = {
      "Writes a new chain for N validators into a folder: keys, genesis, node-<i>.json configs,",
      "cluster.xml and (--tls) a cluster CA with node certificates. Node i listens on",
      "http-port+i-1, grpc-port+i-1 and cluster-port+i-1. Refuses a folder that is not empty."
    })
final class InitCommand implements Callable<Integer> {
  @Option(names = "--validators", defaultValue = "4", description = "n (default: 4).")
  int validators;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "The new folder.")
  Path folder;

  @Option(
      names = "--tls",
      description = "Mutual TLS on the event bus: a cluster CA and a certificate per node.")
  boolean tls;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "The address every node binds and is reached at (default: 127.0.0.1).")
  String host;

  @Option(names = "--http-port", defaultValue = "8080", description = "First HTTP port.")
  int httpPort;

  @Option(names = "--grpc-port", defaultValue = "9090", description = "First gRPC port.")
  int grpcPort;

  @Option(names = "--cluster-port", defaultValue = "5701", description = "First Hazelcast port.")
  int clusterPort;

  @Option(
      names = "--cluster-name",
      description = "Hazelcast cluster name (default: swarm-<random>, so chains never mix).")
  String clusterName;

  @Option(
      names = "--epoch-length",
      defaultValue = "10000",
      description = "Blocks per epoch (new VRF seed, validator changes): default 10000.")
  long epochLength;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String problem = problem();
    if (problem != null) {
      err.println("swarm init: " + problem);
      return RunCommand.USAGE;
    }
    SecureRandom random = new SecureRandom();
    String name =
        clusterName != null ? clusterName : ClusterFiles.randomClusterName("swarm-", random);
    ClusterFiles.Written written;
    try {
      written =
          ClusterFiles.write(
              folder,
              new ClusterFiles.Layout(
                  validators,
                  host,
                  name,
                  i -> httpPort + i - 1,
                  i -> grpcPort + i - 1,
                  i -> clusterPort + i - 1,
                  epochLength,
                  2000,
                  tls),
              random);
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println("swarm init: " + e.getMessage());
      return 1;
    } catch (java.io.UncheckedIOException e) {
      err.println("swarm init: " + SwarmApplication.oneLine(e));
      return 1;
    }
    out.printf(
        "Wrote a chain of %d validators to %s (cluster %s, f = %d%s).%n",
        validators,
        written.dir(),
        name,
        (validators - 1) / 3,
        tls ? ", mutual TLS on the event bus" : "");
    out.println("Start each validator in its own terminal (swarm = java -jar swarm.jar):");
    written.configs().values().forEach(file -> out.println("  swarm node --conf " + file));
    out.printf(
        "Then: swarm client status --target %s:%d   (health: http://%s:%d/health)%n",
        host, grpcPort, host, httpPort);
    out.println(
        "Keep governance-key.json"
            + (tls ? " and tls/ca.key" : "")
            + " offline: they sign validator changes"
            + (tls ? " and new node certificates." : "."));
    return 0;
  }

  private String problem() {
    if (validators < 1 || validators > 1000) {
      return "--validators must be 1 to 1000, got " + validators;
    }
    for (int first : new int[] {httpPort, grpcPort, clusterPort}) {
      if (first < 1 || first + validators - 1 > 65_535) {
        return "ports " + first + ".." + (first + validators - 1) + " are not all valid";
      }
    }
    if (ranges(httpPort, grpcPort)
        || ranges(httpPort, clusterPort)
        || ranges(grpcPort, clusterPort)) {
      return "the HTTP, gRPC and cluster port ranges overlap: nodes would clash";
    }
    if (epochLength < 1) {
      return "--epoch-length must be positive, got " + epochLength;
    }
    return null;
  }

  private boolean ranges(int a, int b) {
    return Math.abs(a - b) < validators;
  }
}
