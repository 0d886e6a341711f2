package io.swarmcore.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.crypto.KeyFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class SwarmCommandTest {
  @TempDir Path dir;

  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();

  @Test
  void helpListsTheCommands() {
    assertThat(SwarmCommand.execute("--help")).isZero();
    assertThat(console.out()).contains("run", "keygen", "--version");
  }

  @Test
  void keygenWritesAKeyFileOnce() {
    Path key = dir.resolve("k.json");
    assertThat(SwarmCommand.execute("keygen", "--out", key.toString())).isZero();
    assertThat(KeyFile.read(key).publicKey().hex()).hasSize(64);

    assertThat(SwarmCommand.execute("keygen", "--out", key.toString())).isEqualTo(1);
    assertThat(console.err()).contains("refusing to overwrite");
  }

  @Test
  void keygenIfMissingKeepsAnExistingKey() {
    Path key = dir.resolve("k.json");
    assertThat(SwarmCommand.execute("keygen", "--out", key.toString(), "--if-missing")).isZero();
    String first = KeyFile.read(key).publicKey().hex();

    assertThat(SwarmCommand.execute("keygen", "--out", key.toString(), "--if-missing")).isZero();
    assertThat(KeyFile.read(key).publicKey().hex()).isEqualTo(first);
    assertThat(console.out()).contains("kept " + key);
  }

  @Test
  void runRejectsUnknownLauncherOptions() {
    assertThat(SwarmCommand.execute("run", "-bogus", "-conf", "{}")).isEqualTo(2);
  }

  @Test
  void runRefusesAnUnsafeConfigurationBeforeStartingAnything() {
    Path key = dir.resolve("k.json");
    SwarmCommand.execute("keygen", "--out", key.toString());
    String conf =
        "{\"keyFile\":\""
            + key
            + "\",\"consensus\":{\"validatorCount\":4,\"byzantineTolerance\":2}}";

    assertThat(SwarmCommand.execute("run", "-cluster", "-conf", conf)).isEqualTo(2);
    assertThat(console.err())
        .contains("swarm run: config: \"consensus.validatorCount\" n=4")
        .contains("f=2")
        .contains("n >= 3f+1");
  }

  @Test
  void runRefusesOptionsThatAreNotJson() {
    assertThat(SwarmCommand.execute("run", "-options", "{not json", "-conf", "{}")).isEqualTo(2);
    assertThat(console.err()).contains("swarm run: -options is not valid JSON");
  }

  @Test
  void runRefusesAMissingConfigurationFile() {
    assertThat(SwarmCommand.execute("run", "-conf", dir.resolve("none.yaml").toString()))
        .isEqualTo(2);
    assertThat(console.err()).contains("none.yaml does not exist");
  }
}
