package io.swarmcore.benchmark;

import io.swarmcore.demo.LocalChain;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/** Validators as clustered Vert.x instances in this JVM (what {@code swarm demo} runs). */
final class InJvmCluster implements BenchCluster {
  private final LocalChain chain;

  private InJvmCluster(LocalChain chain) {
    this.chain = chain;
  }

  static InJvmCluster start(int validators, JsonObject overrides, Duration timeout) {
    return new InJvmCluster(
        LocalChain.start(validators, (nodeId, firstLeader) -> overrides.copy(), timeout));
  }

  @Override
  public List<Endpoint> endpoints() {
    return chain.members().stream()
        .map(member -> new Endpoint(member.nodeId(), member.grpcPort(), member.httpPort()))
        .toList();
  }

  @Override
  public long validatorCpuNanos() {
    return ProcessCpu.thisProcessNanos();
  }

  @Override
  public boolean sharesProcessWithLoad() {
    return true;
  }

  @Override
  public void close() {
    chain.close();
  }
}
