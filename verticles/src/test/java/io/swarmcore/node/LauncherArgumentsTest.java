package io.swarmcore.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LauncherArgumentsTest {
  @Test
  void findsTheVerticleAndTheOptionsInAnyForm() {
    LauncherArguments args =
        LauncherArguments.parse(
            List.of(
                "-cluster",
                "-cluster-host",
                "127.0.0.1",
                "io.swarmcore.node.NodeVerticle",
                "--CONF=conf/node.json",
                "-options",
                "{}",
                "-instances",
                "2"));
    assertThat(args.mainVerticle()).isEqualTo("io.swarmcore.node.NodeVerticle");
    assertThat(args.conf()).isEqualTo("conf/node.json");
    assertThat(args.vertxOptions()).isEqualTo("{}");
    assertThat(args.clustered()).isTrue();
    assertThat(args.deploysSwarmVerticle()).isTrue();
  }

  @Test
  void withoutAVerticleTheNodeRuns() {
    LauncherArguments args = LauncherArguments.parse(List.of("-conf", "x.yaml"));
    assertThat(args.mainVerticle()).isNull();
    assertThat(args.verticleOrDefault()).isEqualTo(NodeVerticle.class.getName());
    assertThat(args.clustered()).isFalse();
  }

  @Test
  void foreignVerticlesAreNotTreatedAsNodes() {
    LauncherArguments args = LauncherArguments.parse(List.of("com.example.Other", "-conf", "{}"));
    assertThat(args.deploysSwarmVerticle()).isFalse();
  }
}
