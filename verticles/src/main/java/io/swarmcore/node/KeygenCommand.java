package io.swarmcore.node;

import io.swarmcore.crypto.KeyFile;
import io.swarmcore.crypto.KeyFileException;
import io.swarmcore.crypto.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code swarm keygen --out FILE}: writes a new validator key file, readable by its owner only. */
@Command(name = "keygen", description = "Writes a new validator key file (Ed25519), owner-only.")
final class KeygenCommand implements Callable<Integer> {
  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Where to write the key; an existing file is never overwritten.")
  Path out;

  @Option(
      names = "--if-missing",
      description = "Keep an existing valid key file instead of failing (for scripts).")
  boolean ifMissing;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try {
      if (ifMissing && Files.exists(out)) {
        SigningKey existing = KeyFile.read(out);
        spec.commandLine()
            .getOut()
            .println("kept " + out + " (public key " + existing.publicKey().hex() + ")");
        spec.commandLine().getOut().flush();
        return 0;
      }
      SigningKey key = SigningKey.generate(new SecureRandom());
      KeyFile.write(out, key);
      spec.commandLine()
          .getOut()
          .println("wrote " + out + " (public key " + key.publicKey().hex() + ")");
      spec.commandLine().getOut().flush();
      return 0;
    } catch (KeyFileException e) {
      spec.commandLine().getErr().println("swarm keygen: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return 1;
    }
  }
}
