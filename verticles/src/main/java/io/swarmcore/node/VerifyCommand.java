package io.swarmcore.node;

import io.swarmcore.codecs.CertificateVerifier;
import io.swarmcore.codecs.ReceiptVerifier;
import io.swarmcore.codecs.proto.Receipt;
import io.swarmcore.crypto.PublicKey;
import io.swarmcore.pbft.core.Quorums;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code swarm verify receipt}: checks a receipt offline against a validator set the user trusts,
 * with nothing from the node that gave it. Exit 0 when the transaction is proven final, 1 when a
 * check fails (which one and why are printed), 2 for unreadable input.
 */
@Command(
    name = "verify",
    description = "Offline checks of what a node hands out.",
    subcommands = {VerifyCommand.ReceiptCheck.class})
final class VerifyCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a subcommand: receipt");
  }

  @Command(
      name = "receipt",
      description =
          "Checks a receipt against a validator set: certificate quorum and every signature, header"
              + " hash, tx inclusion under the tx root, block inclusion under a certified ledger"
              + " root.")
  static final class ReceiptCheck implements Callable<Integer> {
    @Option(
        names = "--validators",
        required = true,
        description =
            "A genesis file, or any JSON file with \"validators\": [{\"id\", \"votingKey\": hex}]:"
                + " the set of the receipt's epoch.")
    Path validators;

    @Option(
        names = "--receipt",
        required = true,
        description =
            "The receipt: binary protobuf (swarm client receipt --out), or the JSON of the"
                + " event-bus API (its \"receipt\" field).")
    Path receipt;

    @Option(
        names = "--faulty",
        description = "f, the Byzantine validators the set tolerates (default ⌊(n − 1) / 3⌋).")
    Integer faulty;

    @Option(names = "--json", description = "One JSON object instead of text.")
    boolean json;

    @Option(
        names = "--tx-hash",
        description = "The transaction the receipt must be for, hex (else any is accepted).")
    String txHash;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Map<String, PublicKey> keys = validatorKeys(spec, validators);
      Quorums quorums;
      try {
        quorums = Quorums.of(keys.size(), faulty == null ? Quorums.maxFaulty(keys.size()) : faulty);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--faulty: " + e.getMessage());
      }
      ReceiptVerifier verifier =
          new ReceiptVerifier(
              new CertificateVerifier(keys, quorums.fastQuorum(), quorums.slowQuorum()));
      Receipt read = readReceipt(spec, receipt);
      ReceiptVerifier.Verdict verdict = verifier.verify(read);
      if (txHash != null
          && !java.util.Arrays.equals(
              read.getTxHash().toByteArray(), MerkleCommand.hex(spec, txHash, "--tx-hash"))) {
        verdict =
            new ReceiptVerifier.Verdict(
                verdict.passed(),
                java.util.Optional.of(
                    new ReceiptVerifier.Failure(
                        ReceiptVerifier.Check.HEADER,
                        "the receipt is for transaction "
                            + HexFormat.of().formatHex(read.getTxHash().toByteArray())
                            + ", not "
                            + txHash)),
                false);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        JsonObject result =
            new JsonObject()
                .put("final", verdict.isFinal())
                .put("anchored", verdict.anchored())
                .put("passed", new JsonArray(verdict.passed().stream().map(Enum::name).toList()));
        verdict
            .failure()
            .ifPresent(
                f ->
                    result.put(
                        "failure",
                        new JsonObject().put("check", f.check().name()).put("reason", f.reason())));
        out.println(result.encode());
      } else {
        verdict.passed().forEach(check -> out.println("ok    " + check + ": " + check.meaning()));
        verdict.failure().ifPresent(f -> out.println("FAIL  " + f));
        if (verdict.isFinal()) {
          out.println(
              verdict.anchored()
                  ? "the transaction is final and its block is in the certified ledger tree"
                  : "the transaction is final; its block is the newest, so no later block anchors"
                      + " it in the ledger tree yet (ask for the receipt again later)");
        }
      }
      out.flush();
      return verdict.isFinal() ? 0 : 1;
    }
  }

  /** Ids and voting keys from a genesis-like JSON file. */
  static Map<String, PublicKey> validatorKeys(CommandSpec spec, Path file) {
    JsonArray listed;
    try {
      listed =
          new JsonObject(Files.readString(file, StandardCharsets.UTF_8)).getJsonArray("validators");
    } catch (IOException | RuntimeException e) {
      throw new ParameterException(
          spec.commandLine(), "--validators " + file + ": " + e.getMessage());
    }
    if (listed == null || listed.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "--validators " + file + " has no \"validators\" array");
    }
    Map<String, PublicKey> keys = new LinkedHashMap<>();
    for (int i = 0; i < listed.size(); i++) {
      try {
        JsonObject validator = listed.getJsonObject(i);
        keys.put(validator.getString("id"), PublicKey.ofHex(validator.getString("votingKey")));
      } catch (RuntimeException e) {
        throw new ParameterException(
            spec.commandLine(),
            "--validators " + file + ": validator " + i + " needs an id and a hex votingKey");
      }
    }
    return keys;
  }

  /** A receipt file: binary protobuf, or event-bus API JSON with a base64 "receipt". */
  static Receipt readReceipt(CommandSpec spec, Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      String text = new String(bytes, StandardCharsets.UTF_8).trim();
      if (text.startsWith("{")) {
        return Receipt.parseFrom(
            Base64.getDecoder().decode(new JsonObject(text).getString("receipt")));
      }
      return Receipt.parseFrom(bytes);
    } catch (IOException | RuntimeException e) {
      throw new ParameterException(
          spec.commandLine(), "--receipt " + file + " is not a receipt: " + e.getMessage());
    }
  }
}
