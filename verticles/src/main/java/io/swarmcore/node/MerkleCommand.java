package io.swarmcore.node;

import io.swarmcore.merkle.MerkleHash;
import io.swarmcore.merkle.MerkleTree;
import io.swarmcore.merkle.MerkleVerifier;
import io.swarmcore.merkle.ProofException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code swarm merkle ...}: RFC 9162 Merkle trees over a file of leaves (one hex-encoded leaf per
 * line; an empty line is the empty leaf), and offline proof verification. Verification exits 0 when
 * the proof is valid, 1 when it is not (the reason on stderr), 2 on malformed input.
 */
@Command(
    name = "merkle",
    description = "RFC 9162 Merkle trees: roots, proofs and their verification.",
    subcommands = {
      MerkleCommand.Root.class,
      MerkleCommand.Prove.class,
      MerkleCommand.Consistency.class,
      MerkleCommand.VerifyInclusion.class,
      MerkleCommand.VerifyConsistency.class
    })
final class MerkleCommand implements Runnable {
  private static final HexFormat HEX = HexFormat.of();

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "name a subcommand: root, prove, consistency, verify-inclusion, verify-consistency");
  }

  /** Shared: the leaves file and the tree over it. */
  abstract static class OverLeaves {
    @Parameters(
        index = "0",
        paramLabel = "LEAVES",
        description = "File with one hex leaf per line.")
    Path leaves;

    @Spec CommandSpec spec;

    MerkleTree tree() {
      List<String> lines;
      try {
        lines = Files.readAllLines(leaves, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ParameterException(spec.commandLine(), "cannot read " + leaves + ": " + e);
      }
      MerkleTree tree = new MerkleTree();
      for (int i = 0; i < lines.size(); i++) {
        tree.appendData(hex(spec, lines.get(i).strip(), leaves + " line " + (i + 1)));
      }
      return tree;
    }

    void print(Object value) {
      spec.commandLine().getOut().println(value);
      spec.commandLine().getOut().flush();
    }
  }

  @Command(name = "root", description = "Prints the tree's root hash (hex).")
  static final class Root extends OverLeaves implements Callable<Integer> {
    @Override
    public Integer call() {
      print(HEX.formatHex(tree().root()));
      return 0;
    }
  }

  @Command(name = "prove", description = "Prints the inclusion proof of leaf --index as JSON.")
  static final class Prove extends OverLeaves implements Callable<Integer> {
    @Option(names = "--index", required = true, description = "Leaf index, from 0.")
    long index;

    @Override
    public Integer call() {
      MerkleTree tree = tree();
      if (index < 0 || index >= tree.size()) {
        throw new ParameterException(
            spec.commandLine(),
            "--index " + index + " is outside a tree of " + tree.size() + " leaves");
      }
      print(
          new JsonObject()
              .put("treeSize", tree.size())
              .put("leafIndex", index)
              .put("path", hexArray(tree.inclusionProof(index, tree.size())))
              .encode());
      return 0;
    }
  }

  @Command(
      name = "consistency",
      description =
          "Prints the proof that the first --old leaves are a prefix of the tree, as JSON.")
  static final class Consistency extends OverLeaves implements Callable<Integer> {
    @Option(names = "--old", required = true, description = "Size of the older tree.")
    long old;

    @Override
    public Integer call() {
      MerkleTree tree = tree();
      if (old < 0 || old > tree.size()) {
        throw new ParameterException(
            spec.commandLine(), "--old " + old + " must be 0.." + tree.size());
      }
      print(
          new JsonObject()
              .put("oldSize", old)
              .put("newSize", tree.size())
              .put("path", hexArray(tree.consistencyProof(old, tree.size())))
              .encode());
      return 0;
    }
  }

  @Command(
      name = "verify-inclusion",
      description = "Checks an inclusion proof; exit 0 valid, 1 not.")
  static final class VerifyInclusion implements Callable<Integer> {
    @Option(names = "--leaf", required = true, description = "The leaf's data, hex (may be empty).")
    String leaf;

    @Option(names = "--leaf-index", required = true)
    long leafIndex;

    @Option(names = "--tree-size", required = true)
    long treeSize;

    @Option(names = "--path", split = ",", description = "Proof hashes, hex, comma-separated.")
    List<String> path = new ArrayList<>();

    @Option(names = "--root", required = true, description = "Root hash, hex.")
    String root;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      if (leafIndex < 0 || treeSize < 1 || leafIndex >= treeSize) {
        throw new ParameterException(
            spec.commandLine(), "--leaf-index must be in 0..--tree-size-1");
      }
      try {
        MerkleVerifier.checkInclusion(
            MerkleHash.leaf(hex(spec, leaf, "--leaf")),
            leafIndex,
            treeSize,
            hashes(spec, path, "--path"),
            hash(spec, root, "--root"));
        spec.commandLine().getOut().println("valid");
        return 0;
      } catch (ProofException e) {
        spec.commandLine().getErr().println("invalid: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(
      name = "verify-consistency",
      description = "Checks a consistency proof; exit 0 valid, 1 not.")
  static final class VerifyConsistency implements Callable<Integer> {
    @Option(names = "--old-size", required = true)
    long oldSize;

    @Option(names = "--new-size", required = true)
    long newSize;

    @Option(names = "--path", split = ",", description = "Proof hashes, hex, comma-separated.")
    List<String> path = new ArrayList<>();

    @Option(names = "--old-root", required = true)
    String oldRoot;

    @Option(names = "--new-root", required = true)
    String newRoot;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      if (oldSize < 0 || newSize < oldSize) {
        throw new ParameterException(spec.commandLine(), "need 0 <= --old-size <= --new-size");
      }
      try {
        MerkleVerifier.checkConsistency(
            oldSize,
            newSize,
            hashes(spec, path, "--path"),
            hash(spec, oldRoot, "--old-root"),
            hash(spec, newRoot, "--new-root"));
        spec.commandLine().getOut().println("valid");
        return 0;
      } catch (ProofException e) {
        spec.commandLine().getErr().println("invalid: " + e.getMessage());
        return 1;
      }
    }
  }

  static byte[] hex(CommandSpec spec, String text, String where) {
    try {
      return HEX.parseHex(text);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), where + ": not hex: \"" + text + "\"");
    }
  }

  static byte[] hash(CommandSpec spec, String text, String where) {
    byte[] bytes = hex(spec, text, where);
    if (bytes.length != MerkleHash.LENGTH) {
      throw new ParameterException(
          spec.commandLine(),
          where + ": a hash is " + MerkleHash.LENGTH + " bytes, got " + bytes.length);
    }
    return bytes;
  }

  static List<byte[]> hashes(CommandSpec spec, List<String> texts, String where) {
    List<byte[]> hashes = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      hashes.add(hash(spec, texts.get(i), where + " item " + (i + 1)));
    }
    return hashes;
  }

  static JsonArray hexArray(List<byte[]> hashes) {
    JsonArray array = new JsonArray();
    hashes.forEach(h -> array.add(HEX.formatHex(h)));
    return array;
  }
}
