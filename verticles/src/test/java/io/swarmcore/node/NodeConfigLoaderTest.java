package io.swarmcore.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.crypto.KeyFile;
import io.swarmcore.crypto.SigningKey;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class NodeConfigLoaderTest {
  @TempDir Path dir;
  private Path key;

  @BeforeEach
  void writeKey() {
    key = dir.resolve("node.json");
    KeyFile.write(key, SigningKey.fromSeed(new byte[32]));
  }

  @Test
  void loadsYamlOverTheDefaults(Vertx vertx, VertxTestContext test) throws IOException {
    Path yaml = dir.resolve("node.yaml");
    Files.writeString(
        yaml,
        "nodeId: node-7\nkeyFile: "
            + key
            + "\nconsensus:\n  validatorCount: 7\n  byzantineTolerance: 2\n");
    NodeConfigLoader.load(vertx, yaml.toString())
        .onComplete(
            test.succeeding(
                config ->
                    test.verify(
                        () -> {
                          assertThat(config.nodeId()).isEqualTo("node-7");
                          assertThat(config.consensus().validatorCount()).isEqualTo(7);
                          assertThat(config.http().port()).isEqualTo(8080); // default kept
                          test.completeNow();
                        })));
  }

  @Test
  void loadsAnInlineJsonObject(Vertx vertx, VertxTestContext test) {
    NodeConfigLoader.load(vertx, "{\"nodeId\":\"inline\",\"keyFile\":\"" + key + "\"}")
        .onComplete(
            test.succeeding(
                config ->
                    test.verify(
                        () -> {
                          assertThat(config.nodeId()).isEqualTo("inline");
                          test.completeNow();
                        })));
  }

  @Test
  void aMissingKeyFileIsAConfigurationProblem(Vertx vertx, VertxTestContext test) {
    String source = "{\"keyFile\":\"" + dir.resolve("absent.json") + "\"}";
    expectRefusal(vertx, test, source, "\"keyFile\": key file", "does not exist");
  }

  @Test
  void aBrokenFileNamesTheFile(Vertx vertx, VertxTestContext test) throws IOException {
    Path broken = Files.writeString(dir.resolve("broken.json"), "{ nope");
    expectRefusal(vertx, test, broken.toString(), "cannot read configuration " + broken);
  }

  @Test
  void anUnknownExtensionIsRefused(Vertx vertx, VertxTestContext test) throws IOException {
    Path toml = Files.writeString(dir.resolve("node.toml"), "x = 1");
    expectRefusal(vertx, test, toml.toString(), "must end in .json, .yaml or .yml");
  }

  private static void expectRefusal(
      Vertx vertx, VertxTestContext test, String source, String... reasons) {
    NodeConfigLoader.load(vertx, source)
        .onComplete(
            test.failing(
                failure ->
                    test.verify(
                        () -> {
                          assertThat(failure).isInstanceOf(ConfigException.class);
                          for (String reason : reasons) {
                            assertThat(failure).hasMessageContaining(reason);
                          }
                          test.completeNow();
                        })));
  }
}
