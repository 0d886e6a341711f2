package io.swarmcore.node;

import io.swarmcore.crypto.vrf.VrfException;
import io.swarmcore.crypto.vrf.VrfSuite;
import io.vertx.core.json.JsonObject;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code swarm vrf prove|verify}: RFC 9381 ECVRF proofs. {@code verify} prints the beta and exits 0
 * when valid, exits 1 with the reason when not; malformed input exits 2.
 */
@Command(
    name = "vrf",
    description = "RFC 9381 verifiable random functions: prove and verify.",
    subcommands = {VrfCommand.Prove.class, VrfCommand.Verify.class})
final class VrfCommand implements Runnable {
  private static final HexFormat HEX = HexFormat.of();

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a subcommand: prove, verify");
  }

  static VrfSuite suite(CommandSpec spec, String name) {
    try {
      return VrfSuite.fromName(name);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--suite: " + e.getMessage());
    }
  }

  @Command(name = "prove", description = "Prints {\"pi\":HEX,\"beta\":HEX}.")
  static final class Prove implements Callable<Integer> {
    @Option(
        names = "--suite",
        required = true,
        description = "P256_SHA256_TAI or EDWARDS25519_SHA512_TAI")
    String suite;

    @Option(names = "--sk", required = true, description = "Secret key, hex.")
    String secretKey;

    @Option(names = "--alpha", required = true, description = "Input, hex (may be empty).")
    String alpha;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      VrfSuite chosen = suite(spec, suite);
      byte[] sk = MerkleCommand.hex(spec, secretKey, "--sk");
      byte[] input = MerkleCommand.hex(spec, alpha, "--alpha");
      byte[] pi;
      try {
        pi = chosen.vrf().prove(sk, input);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--sk: " + e.getMessage());
      }
      byte[] beta;
      try {
        beta = chosen.vrf().proofToHash(pi);
      } catch (VrfException e) {
        throw new IllegalStateException("a fresh proof must decode: " + e.getMessage(), e);
      }
      spec.commandLine()
          .getOut()
          .println(
              new JsonObject()
                  .put("pi", HEX.formatHex(pi))
                  .put("beta", HEX.formatHex(beta))
                  .encode());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(name = "verify", description = "Prints the beta and exits 0 when the proof is valid.")
  static final class Verify implements Callable<Integer> {
    @Option(names = "--suite", required = true)
    String suite;

    @Option(names = "--pk", required = true, description = "Public key, hex.")
    String publicKey;

    @Option(names = "--alpha", required = true, description = "Input, hex (may be empty).")
    String alpha;

    @Option(names = "--pi", required = true, description = "Proof, hex.")
    String proof;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      VrfSuite chosen = suite(spec, suite);
      byte[] pk = MerkleCommand.hex(spec, publicKey, "--pk");
      byte[] input = MerkleCommand.hex(spec, alpha, "--alpha");
      byte[] pi = MerkleCommand.hex(spec, proof, "--pi");
      try {
        byte[] beta = chosen.vrf().verify(pk, input, pi);
        spec.commandLine().getOut().println(HEX.formatHex(beta));
        spec.commandLine().getOut().flush();
        return 0;
      } catch (VrfException e) {
        spec.commandLine().getErr().println("invalid: " + e.getMessage());
        spec.commandLine().getErr().flush();
        return 1;
      }
    }
  }
}
