package io.swarmcore.node;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.swarmcore.crypto.KeyFile;
import io.swarmcore.crypto.KeyFileException;
import io.swarmcore.fuzz.Findings;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Fuzz targets for the files an operator hands a node: its key file and its configuration (merged
 * over the defaults, environment overrides applied, as {@code swarm node} does). See {@link
 * io.swarmcore.pbft.ConsensusFuzzTest} for the Short and Long variants.
 */
class NodeInputsFuzzTest {
  private static final Path KEY_FILE;

  static {
    try {
      Path dir = Files.createTempDirectory("swarm-fuzz-key");
      dir.toFile().deleteOnExit();
      KEY_FILE = dir.resolve("key.json");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static void keyFile(byte[] bytes) throws Exception {
    Files.write(KEY_FILE, bytes);
    Files.setPosixFilePermissions(KEY_FILE, PosixFilePermissions.fromString("rw-------"));
    Findings.refusesOnlyWith(() -> KeyFile.readValidatorKeys(KEY_FILE), KeyFileException.class);
  }

  static void config(byte[] bytes) throws Exception {
    String json = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    JsonObject user;
    try {
      user = new JsonObject(json);
    } catch (DecodeException | ClassCastException e) {
      return; // the loader reports unreadable JSON before this point
    }
    JsonObject merged = NodeConfigLoader.defaults().mergeIn(user, true);
    Findings.refusesOnlyWith(
        () -> NodeConfig.parse(EnvironmentOverrides.apply(merged)), ConfigException.class);
  }

  @DictionaryEntries({"\"format\"", "\"swarm-key-v1\"", "\"seed\"", "\"vrf\"", "\"secretKey\""})
  @FuzzTest(maxDuration = "2s")
  void keyFileShort(byte[] bytes) throws Exception {
    keyFile(bytes);
  }

  @DictionaryEntries({"\"format\"", "\"swarm-key-v1\"", "\"seed\"", "\"vrf\"", "\"secretKey\""})
  @FuzzTest(maxExecutions = 1_000_000, maxDuration = "60m")
  void keyFileLong(byte[] bytes) throws Exception {
    keyFile(bytes);
  }

  @DictionaryEntries({"\"nodeId\"", "\"consensus\"", "\"mempool\"", "\"cluster\"", "\"tls\""})
  @FuzzTest(maxDuration = "2s")
  void configShort(byte[] bytes) throws Exception {
    config(bytes);
  }

  @DictionaryEntries({"\"nodeId\"", "\"consensus\"", "\"mempool\"", "\"cluster\"", "\"tls\""})
  @FuzzTest(maxExecutions = 1_000_000, maxDuration = "60m")
  void configLong(byte[] bytes) throws Exception {
    config(bytes);
  }
}
