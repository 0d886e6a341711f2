package io.swarmcore.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The command line over the 8-leaf Certificate Transparency reference tree (RFC 9162 data). */
class MerkleCommandTest {
  /** The CT reference leaves; the first is the empty leaf (an empty line). */
  private static final String LEAVES =
      "\n00\n10\n2021\n3031\n40414243\n5051525354555657\n606162636465666768696a6b6c6d6e6f\n";

  private static final String ROOT_8 =
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328";
  private static final String ROOT_3 =
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77";

  @TempDir Path dir;
  private Path leaves;
  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();

  @BeforeEach
  void setUp() throws Exception {
    leaves = Files.writeString(dir.resolve("leaves.txt"), LEAVES);
  }

  private int swarm(String... args) {
    return console.swarm(args);
  }

  private String stdout() {
    return console.out().strip();
  }

  @Test
  void rootOfTheReferenceTree() {
    assertThat(swarm("merkle", "root", leaves.toString())).isZero();
    assertThat(stdout()).isEqualTo(ROOT_8);
  }

  @Test
  void proveAndVerifyInclusion() {
    assertThat(swarm("merkle", "prove", leaves.toString(), "--index", "5")).isZero();
    JsonObject proof = new JsonObject(stdout());
    assertThat(proof.getLong("treeSize")).isEqualTo(8);
    assertThat(proof.getLong("leafIndex")).isEqualTo(5);
    String path =
        proof.getJsonArray("path").stream().map(String::valueOf).collect(Collectors.joining(","));

    String[] verify = {
      "merkle",
      "verify-inclusion",
      "--leaf",
      "40414243",
      "--leaf-index",
      "5",
      "--tree-size",
      "8",
      "--path",
      path,
      "--root",
      ROOT_8
    };
    assertThat(swarm(verify)).isZero();

    verify[3] = "40414244";
    assertThat(swarm(verify)).isEqualTo(1);
    assertThat(console.err()).contains("invalid: the path leads to a different root");
  }

  @Test
  void consistencyAndItsVerification() {
    assertThat(swarm("merkle", "consistency", leaves.toString(), "--old", "3")).isZero();
    JsonObject proof = new JsonObject(stdout());
    assertThat(proof.getLong("oldSize")).isEqualTo(3);
    assertThat(proof.getLong("newSize")).isEqualTo(8);
    String path =
        proof.getJsonArray("path").stream().map(String::valueOf).collect(Collectors.joining(","));

    assertThat(
            swarm(
                "merkle",
                "verify-consistency",
                "--old-size",
                "3",
                "--new-size",
                "8",
                "--path",
                path,
                "--old-root",
                ROOT_3,
                "--new-root",
                ROOT_8))
        .isZero();
    assertThat(
            swarm(
                "merkle",
                "verify-consistency",
                "--old-size",
                "4",
                "--new-size",
                "8",
                "--path",
                path,
                "--old-root",
                ROOT_3,
                "--new-root",
                ROOT_8))
        .isEqualTo(1);
  }

  @Test
  void malformedInputExitsWithTwo() throws Exception {
    assertThat(swarm("merkle", "prove", leaves.toString(), "--index", "8")).isEqualTo(2);
    assertThat(console.err()).contains("--index 8 is outside a tree of 8 leaves");

    Path bad = Files.writeString(dir.resolve("bad.txt"), "00\nzz\n");
    assertThat(swarm("merkle", "root", bad.toString())).isEqualTo(2);
    assertThat(console.err()).contains("line 2: not hex");

    assertThat(
            swarm(
                "merkle",
                "verify-inclusion",
                "--leaf",
                "00",
                "--leaf-index",
                "0",
                "--tree-size",
                "1",
                "--root",
                "abcd"))
        .isEqualTo(2);
    assertThat(console.err()).contains("--root: a hash is 32 bytes, got 2");
  }
}
