package io.swarmcore.node;

import io.swarmcore.crypto.KeyFile;
import io.swarmcore.crypto.KeyFileException;
import io.swarmcore.crypto.SigningKey;
import io.swarmcore.crypto.vrf.VrfKeyPair;
import io.swarmcore.crypto.vrf.VrfSuite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code swarm keygen --out FILE}: writes a new validator key file, readable by its owner only. */
@Command(
    name = "keygen",
    description = "Writes a new validator key file (Ed25519 voting key and VRF key), owner-only.")
final class KeygenCommand implements Callable<Integer> {
  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Where to write the key; an existing file is never overwritten.")
  Path out;

  @Option(
      names = "--vrf-suite",
      paramLabel = "SUITE",
      defaultValue = "P256_SHA256_TAI",
      description =
          "RFC 9381 suite of the VRF key: P256_SHA256_TAI (default) or EDWARDS25519_SHA512_TAI.")
  String vrfSuite;

  @Option(
      names = "--if-missing",
      description = "Keep an existing valid key file instead of failing (for scripts).")
  boolean ifMissing;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    VrfSuite suite;
    try {
      suite = VrfSuite.fromName(vrfSuite);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--vrf-suite: " + e.getMessage());
    }
    try {
      if (ifMissing && Files.exists(out)) {
        SigningKey existing = KeyFile.read(out);
        spec.commandLine()
            .getOut()
            .println("kept " + out + " (voting key " + existing.publicKey().hex() + ")");
        spec.commandLine().getOut().flush();
        return 0;
      }
      SecureRandom random = new SecureRandom();
      SigningKey key = SigningKey.generate(random);
      VrfKeyPair vrf = suite.vrf().generate(random);
      KeyFile.write(out, key, vrf);
      spec.commandLine()
          .getOut()
          .println(
              "wrote "
                  + out
                  + " (voting key "
                  + key.publicKey().hex()
                  + ", "
                  + suite
                  + " VRF key "
                  + HexFormat.of().formatHex(vrf.publicKey())
                  + ")");
      spec.commandLine().getOut().flush();
      return 0;
    } catch (KeyFileException e) {
      spec.commandLine().getErr().println("swarm keygen: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return 1;
    }
  }
}
