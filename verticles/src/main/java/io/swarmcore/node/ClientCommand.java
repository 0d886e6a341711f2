package io.swarmcore.node;

import com.google.protobuf.ByteString;
import io.swarmcore.client.SwarmGrpcClient;
import io.swarmcore.codecs.CertificateVerifier;
import io.swarmcore.codecs.LedgerHashes;
import io.swarmcore.codecs.ReceiptVerifier;
import io.swarmcore.codecs.proto.BlockHeader;
import io.swarmcore.codecs.proto.CertificateSignature;
import io.swarmcore.codecs.proto.FinalizedBlock;
import io.swarmcore.codecs.proto.GetBlockRequest;
import io.swarmcore.codecs.proto.GetReceiptRequest;
import io.swarmcore.codecs.proto.GetStatusRequest;
import io.swarmcore.codecs.proto.NodeStatus;
import io.swarmcore.codecs.proto.Receipt;
import io.swarmcore.codecs.proto.SubmitRequest;
import io.swarmcore.codecs.proto.SwarmClientGrpcClient;
import io.swarmcore.codecs.proto.Transaction;
import io.swarmcore.codecs.proto.ValidatorInfo;
import io.swarmcore.crypto.PublicKey;
import io.swarmcore.pbft.core.Quorums;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code swarm client submit|receipt|block|status|stream --target HOST:PORT}: a node's gRPC API
 * from the command line, human-readable by default, one JSON object (a line per block for {@code
 * stream}) with {@code --json}. Exit 0 on success, 1 when the node refuses or cannot be reached
 * (the status and the node's message are printed), 2 for bad arguments.
 */
@Command(
    name = "client",
    description = "Talks to a node's client gRPC API.",
    subcommands = {
      ClientCommand.Submit.class,
      ClientCommand.ReceiptOf.class,
      ClientCommand.Block.class,
      ClientCommand.Status.class,
      ClientCommand.Stream.class
    })
final class ClientCommand implements Runnable {
  private static final HexFormat HEX = HexFormat.of();

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "name a subcommand: submit, receipt, block, status, stream");
  }

  /** The options every subcommand shares. */
  static final class Target {
    @Option(
        names = "--target",
        defaultValue = "127.0.0.1:9090",
        description = "The node's gRPC address, HOST:PORT (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--json", description = "JSON instead of text.")
    boolean json;

    @Option(
        names = "--timeout-ms",
        defaultValue = "30000",
        description = "Deadline of each call (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(
        names = "--faulty",
        description =
            "f of the validator set receipts are checked against (default ⌊(n − 1) / 3⌋, as the"
                + " chain's configuration after validator changes).")
    Integer faulty;

    /** Runs {@code call} against the target and waits for it; prints a refusal and returns null. */
    <T> T run(CommandSpec spec, Function<SwarmGrpcClient, Future<T>> call) {
      int colon = target.lastIndexOf(':');
      int port;
      try {
        port = Integer.parseInt(target.substring(colon + 1));
      } catch (RuntimeException e) {
        throw new ParameterException(
            spec.commandLine(), "--target must be HOST:PORT, got " + target);
      }
      String host = colon > 0 ? target.substring(0, colon) : "127.0.0.1";
      Vertx vertx = Vertx.vertx();
      try (SwarmGrpcClient client = new SwarmGrpcClient(vertx, host, port)) {
        return call.apply(client)
            .toCompletionStage()
            .toCompletableFuture()
            .get(timeoutMs + 5_000, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        refused(spec, e.getCause());
        return null;
      } catch (java.util.concurrent.TimeoutException e) {
        refused(spec, new IllegalStateException("no answer from " + target + " in time"));
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      } finally {
        try {
          vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception closing) {
          // Nothing left to do: the command's answer is printed already.
        }
      }
    }

    private void refused(CommandSpec spec, Throwable failure) {
      PrintWriter err = spec.commandLine().getErr();
      if (failure instanceof SwarmGrpcClient.Refused refused) {
        err.println(
            "refused by "
                + target
                + ": "
                + refused.getMessage()
                + (refused.retryAfterMs() > 0
                    ? " (retry after " + refused.retryAfterMs() + " ms)"
                    : ""));
      } else {
        err.println("could not reach " + target + ": " + failure.getMessage());
      }
      err.flush();
    }
  }

  private static void print(CommandSpec spec, String text) {
    spec.commandLine().getOut().println(text);
    spec.commandLine().getOut().flush();
  }

  @Command(name = "submit", description = "Submits a transaction; --wait for its verified receipt.")
  static final class Submit implements Callable<Integer> {
    @Mixin Target target;

    @Option(
        names = "--client-id",
        defaultValue = "cli",
        description = "The transaction's client id.")
    String clientId;

    @Option(names = "--nonce", description = "The transaction's nonce (default: the time in ms).")
    Long nonce;

    @ArgGroup(multiplicity = "1")
    Payload payload;

    static final class Payload {
      @Option(names = "--payload", description = "The payload, as text.")
      String text;

      @Option(names = "--payload-file", description = "The payload, read from a file.")
      Path file;
    }

    @Option(names = "--wait", description = "Wait until final, then print the verified receipt.")
    boolean await;

    @Option(
        names = "--validators",
        description =
            "With --wait: verify against this validator set (a genesis file), not the one the node"
                + " reports.")
    Path validators;

    @Option(names = "--out", description = "With --wait: write the receipt (protobuf) here.")
    Path out;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      byte[] bytes;
      try {
        bytes =
            payload.file != null
                ? Files.readAllBytes(payload.file)
                : payload.text.getBytes(StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ParameterException(
            spec.commandLine(), "--payload-file " + payload.file + ": " + e.getMessage());
      }
      SubmitRequest request =
          SubmitRequest.newBuilder()
              .setTransaction(
                  Transaction.newBuilder()
                      .setClientId(clientId)
                      .setNonce(nonce == null ? System.currentTimeMillis() : nonce)
                      .setPayload(ByteString.copyFrom(bytes))
                      .build()
                      .toByteString())
              .build();
      if (!await) {
        var ack =
            target.run(
                spec,
                client ->
                    client.call(SwarmClientGrpcClient.SubmitAsync, request, target.timeoutMs));
        if (ack == null) {
          return 1;
        }
        String hash = HEX.formatHex(ack.getTxHash().toByteArray());
        print(
            spec, target.json ? new JsonObject().put("hash", hash).encode() : "submitted " + hash);
        return 0;
      }
      return fetchAndPrint(
          spec,
          target,
          client -> client.call(SwarmClientGrpcClient.Submit, request, target.timeoutMs),
          ByteString.copyFrom(LedgerHashes.transaction(request.getTransaction())),
          validators,
          out);
    }
  }

  private static Map<String, PublicKey> keysOf(NodeStatus status) {
    Map<String, PublicKey> keys = new LinkedHashMap<>();
    for (ValidatorInfo v : status.getValidatorsList()) {
      keys.put(v.getId(), PublicKey.of(v.getPublicKey().toByteArray()));
    }
    return keys;
  }

  /**
   * Fetches a receipt (and, without a validators file, the set the node reports), then prints it
   * verified; exit code as {@link #printReceipt}, or 1 when the node refused.
   */
  static int fetchAndPrint(
      CommandSpec spec,
      Target target,
      Function<SwarmGrpcClient, Future<Receipt>> fetch,
      ByteString expectedTxHash,
      Path validatorsFile,
      Path out) {
    Object[] found = new Object[2];
    Boolean fetched =
        target.run(
            spec,
            client ->
                fetch
                    .apply(client)
                    .compose(
                        receipt -> {
                          found[0] = receipt;
                          return validatorsFile != null
                              ? Future.succeededFuture((NodeStatus) null)
                              : client.call(
                                  SwarmClientGrpcClient.GetStatus,
                                  GetStatusRequest.getDefaultInstance(),
                                  target.timeoutMs);
                        })
                    .map(
                        status -> {
                          found[1] = status;
                          return true;
                        }));
    if (fetched == null) {
      return 1;
    }
    Map<String, PublicKey> keys =
        validatorsFile != null
            ? VerifyCommand.validatorKeys(spec, validatorsFile)
            : keysOf((NodeStatus) found[1]);
    return printReceipt(
        spec, target, (Receipt) found[0], expectedTxHash, keys, validatorsFile, out);
  }

  /**
   * Prints a receipt and its verification; writes it to {@code out} if given. A receipt for another
   * transaction than the one asked about fails; a check against the keys the node itself reported
   * is said to be no independent proof.
   */
  static int printReceipt(
      CommandSpec spec,
      Target target,
      Receipt receipt,
      ByteString expectedTxHash,
      Map<String, PublicKey> keys,
      Path validatorsFile,
      Path out) {
    if (keys.isEmpty()) {
      spec.commandLine()
          .getErr()
          .println("the node reported no validators: nothing to check against");
      spec.commandLine().getErr().flush();
      return 1;
    }
    ReceiptVerifier.Verdict verdict;
    try {
      Quorums quorums =
          Quorums.of(
              keys.size(), target.faulty == null ? Quorums.maxFaulty(keys.size()) : target.faulty);
      verdict =
          new ReceiptVerifier(
                  new CertificateVerifier(keys, quorums.fastQuorum(), quorums.slowQuorum()))
              .verify(receipt);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--faulty: " + e.getMessage());
    }
    boolean sameTransaction = receipt.getTxHash().equals(expectedTxHash);
    boolean ok = verdict.isFinal() && sameTransaction;
    if (out != null) {
      try {
        Files.write(out, receipt.toByteArray());
      } catch (IOException e) {
        throw new ParameterException(spec.commandLine(), "--out " + out + ": " + e.getMessage());
      }
    }
    String hash = HEX.formatHex(receipt.getTxHash().toByteArray());
    String setFrom =
        validatorsFile != null
            ? "file " + validatorsFile
            : "the node's own report (no independent proof: pass --validators)";
    if (target.json) {
      JsonObject result =
          new JsonObject()
              .put("hash", hash)
              .put("height", receipt.getHeight())
              .put("position", receipt.getPosition())
              .put("verified", ok)
              .put("independent", validatorsFile != null)
              .put("anchored", verdict.anchored())
              .put("checks", new JsonArray(verdict.passed().stream().map(Enum::name).toList()))
              .put("validatorsFrom", setFrom);
      verdict.failure().ifPresent(f -> result.put("failure", f.toString()));
      if (!sameTransaction) {
        result.put("failure", "the receipt is for another transaction");
      }
      print(spec, result.encode());
    } else {
      print(spec, "transaction " + hash);
      print(spec, "final at height " + receipt.getHeight() + ", position " + receipt.getPosition());
      if (!sameTransaction) {
        print(spec, "receipt does NOT verify: it is for another transaction than the one asked");
      } else {
        print(
            spec,
            verdict.isFinal()
                ? "receipt verified against the validator set from "
                    + setFrom
                    + ": "
                    + verdict.passed()
                    + (verdict.anchored()
                        ? ""
                        : " (not anchored yet: the newest block of its epoch)")
                : "receipt does NOT verify: " + verdict.failure().orElseThrow());
      }
    }
    return ok ? 0 : 1;
  }

  @Command(name = "receipt", description = "Fetches and verifies a final transaction's receipt.")
  static final class ReceiptOf implements Callable<Integer> {
    @Mixin Target target;

    @Option(names = "--hash", required = true, description = "The transaction hash, hex.")
    String hash;

    @Option(names = "--validators", description = "Verify against this validator set file.")
    Path validators;

    @Option(names = "--out", description = "Write the receipt (protobuf) here.")
    Path out;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      byte[] txHash = MerkleCommand.hex(spec, hash, "--hash");
      return fetchAndPrint(
          spec,
          target,
          client ->
              client.call(
                  SwarmClientGrpcClient.GetReceipt,
                  GetReceiptRequest.newBuilder().setTxHash(ByteString.copyFrom(txHash)).build(),
                  target.timeoutMs),
          ByteString.copyFrom(txHash),
          validators,
          out);
    }
  }

  @Command(name = "block", description = "Fetches a block by height or hash.")
  static final class Block implements Callable<Integer> {
    @Mixin Target target;

    @ArgGroup(multiplicity = "1")
    Selector selector;

    static final class Selector {
      @Option(names = "--height", description = "The block's height.")
      Long height;

      @Option(names = "--hash", description = "The block's hash, hex.")
      String hash;
    }

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      GetBlockRequest request =
          selector.height != null
              ? GetBlockRequest.newBuilder().setHeight(selector.height).build()
              : GetBlockRequest.newBuilder()
                  .setBlockHash(
                      ByteString.copyFrom(MerkleCommand.hex(spec, selector.hash, "--hash")))
                  .build();
      FinalizedBlock block =
          target.run(
              spec,
              client -> client.call(SwarmClientGrpcClient.GetBlock, request, target.timeoutMs));
      if (block == null) {
        return 1;
      }
      JsonObject json = blockJson(block);
      if (target.json) {
        print(spec, json.encode());
      } else {
        print(
            spec,
            "block "
                + json.getLong("height")
                + " "
                + json.getString("hash")
                + ": "
                + json.getInteger("txCount")
                + " transactions, proposed by "
                + json.getString("proposer")
                + " in view "
                + json.getLong("view")
                + ", certified ("
                + json.getString("certificate")
                + ") by "
                + json.getJsonArray("signers").getList());
      }
      return 0;
    }
  }

  static JsonObject blockJson(FinalizedBlock block) {
    BlockHeader header;
    try {
      header = BlockHeader.parseFrom(block.getBlock().getHeader());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("the node sent a block whose header does not parse", e);
    }
    JsonArray signers = new JsonArray();
    block.getCertificate().getSignaturesList().stream()
        .map(CertificateSignature::getSigner)
        .forEach(signers::add);
    return new JsonObject()
        .put("height", header.getHeight())
        .put("hash", HEX.formatHex(LedgerHashes.block(block.getBlock())))
        .put("view", header.getView())
        .put("proposer", header.getProposer())
        .put("txCount", header.getTxCount())
        .put("ledgerRoot", HEX.formatHex(header.getLedgerRoot().toByteArray()))
        .put("certificate", block.getCertificate().getKind().name())
        .put("signers", signers);
  }

  @Command(name = "status", description = "The node's height, view, epoch, leader and validators.")
  static final class Status implements Callable<Integer> {
    @Mixin Target target;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      NodeStatus status =
          target.run(
              spec,
              client ->
                  client.call(
                      SwarmClientGrpcClient.GetStatus,
                      GetStatusRequest.getDefaultInstance(),
                      target.timeoutMs));
      if (status == null) {
        return 1;
      }
      if (target.json) {
        print(spec, io.swarmcore.gateway.EventBusApiVerticle.statusJson(status).encode());
      } else {
        print(spec, "node      " + status.getNodeId());
        print(spec, "height    " + status.getHeight());
        print(spec, "view      " + status.getView() + " (leader " + status.getLeader() + ")");
        print(spec, "epoch     " + status.getEpoch());
        print(spec, String.format("fast path %.1f %%", 100 * status.getFastPathShare()));
        print(spec, "peers up  " + status.getPeersUp());
        status
            .getValidatorsList()
            .forEach(
                v ->
                    print(
                        spec,
                        "validator "
                            + v.getId()
                            + " stake "
                            + v.getStake()
                            + (v.getUp() ? " up" : " DOWN")));
      }
      return 0;
    }
  }

  @Command(name = "stream", description = "Prints blocks from a height on, as they are final.")
  static final class Stream implements Callable<Integer> {
    @Mixin Target target;

    @Option(names = "--from", defaultValue = "0", description = "First height (default: 0).")
    long from;

    @Option(names = "--count", description = "Stop after this many blocks (default: never).")
    Long count;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      if (count != null && count < 1) {
        throw new ParameterException(spec.commandLine(), "--count must be at least 1");
      }
      long[] seen = {0};
      long limit = count == null ? Long.MAX_VALUE : count;
      // The deadline of a stream is its blocks: without --count it runs until interrupted.
      target.timeoutMs = count == null ? Long.MAX_VALUE / 4 : target.timeoutMs;
      Boolean ended =
          target.run(
              spec,
              client ->
                  client.stream(
                          from,
                          block -> {
                            JsonObject json = blockJson(block);
                            print(
                                spec,
                                target.json
                                    ? json.encode()
                                    : json.getLong("height")
                                        + " "
                                        + json.getString("hash")
                                        + " "
                                        + json.getInteger("txCount")
                                        + " tx");
                            return ++seen[0] < limit;
                          })
                      .map(done -> true));
      return ended == null ? 1 : 0;
    }
  }
}
