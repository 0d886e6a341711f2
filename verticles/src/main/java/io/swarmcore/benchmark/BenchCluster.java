package io.swarmcore.benchmark;

import java.util.List;

/** The validators a bench drives: where they listen and what CPU they used. */
interface BenchCluster extends AutoCloseable {
  /** One validator's gRPC gateway and HTTP (metrics) ports on 127.0.0.1. */
  record Endpoint(String nodeId, int grpcPort, int httpPort) {}

  List<Endpoint> endpoints();

  /**
   * CPU time the validators used so far, in nanoseconds; in one JVM with the load generator, the
   * whole process's.
   */
  long validatorCpuNanos();

  /** Whether the load generator runs in the same process as the validators. */
  boolean sharesProcessWithLoad();

  @Override
  void close();
}
