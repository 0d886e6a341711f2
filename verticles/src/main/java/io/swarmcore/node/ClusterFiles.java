package io.swarmcore.node;

import io.swarmcore.crypto.KeyFile;
import io.swarmcore.crypto.PublicKey;
import io.swarmcore.crypto.SigningKey;
import io.swarmcore.crypto.vrf.VrfKeyPair;
import io.swarmcore.crypto.vrf.VrfSuite;
import io.swarmcore.election.Genesis;
import io.swarmcore.election.core.LeaderSchedule;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * Everything a new chain's validators need, written to one folder: a key file per validator
 * (Ed25519 voting key and VRF key pair), the genesis (validator set, seed, governance key), one
 * node configuration per validator, the Hazelcast file they share and, with TLS, a cluster CA and a
 * certificate per node. {@code swarm init} and the demo both write through here.
 *
 * <pre>
 * DIR/genesis.json  DIR/cluster.xml  DIR/governance-key.json
 * DIR/node-1.json   DIR/node-1/key.json  DIR/node-1/data/  [DIR/node-1/tls.crt, tls.key]
 * [DIR/tls/ca.crt, DIR/tls/ca.key]
 * </pre>
 */
public final class ClusterFiles {
  private static final HexFormat HEX = HexFormat.of();

  /**
   * What to write.
   *
   * @param httpPort node number (1-based) to its HTTP port; likewise {@code grpcPort} and {@code
   *     clusterPort} (the Hazelcast port)
   * @param epochLength blocks per epoch (the VRF seed and the validator set change between epochs)
   */
  public record Layout(
      int validators,
      String host,
      String clusterName,
      IntUnaryOperator httpPort,
      IntUnaryOperator grpcPort,
      IntUnaryOperator clusterPort,
      long epochLength,
      long announceIntervalMs,
      boolean tls) {
    public Layout {
      if (validators < 1) {
        throw new IllegalArgumentException("at least one validator, got " + validators);
      }
    }
  }

  /**
   * What was written.
   *
   * @param configs each node's configuration file, by node id, in order
   * @param votingKeys each validator's voting key, by node id: what receipts verify against
   * @param firstLeader the leader of view 0
   */
  public record Written(
      Path dir,
      Path genesisFile,
      Map<String, Path> configs,
      Map<String, PublicKey> votingKeys,
      String firstLeader) {}

  private ClusterFiles() {}

  /** A random cluster name, so that two chains on one network never join each other. */
  public static String randomClusterName(String prefix, SecureRandom random) {
    byte[] bytes = new byte[6];
    random.nextBytes(bytes);
    return prefix + HEX.formatHex(bytes);
  }

  /** Writes the files into {@code dir}, which must be empty or absent (nothing is overwritten). */
  public static Written write(Path dir, Layout layout, SecureRandom random) {
    Path root = dir.toAbsolutePath().normalize();
    refuseNonEmpty(root);
    JsonArray members = new JsonArray();
    for (int i = 1; i <= layout.validators(); i++) {
      members.add(layout.host() + ":" + layout.clusterPort().applyAsInt(i));
    }
    ClusterCertificates authority = null;
    if (layout.tls()) {
      authority = ClusterCertificates.newAuthority(layout.clusterName(), random);
      authority.writeAuthority(root.resolve("tls/ca.crt"), root.resolve("tls/ca.key"));
    }
    Path clusterXml = root.resolve("cluster.xml");
    copyBuiltInHazelcastFile(clusterXml);
    JsonArray validators = new JsonArray();
    Map<String, PublicKey> votingKeys = new LinkedHashMap<>();
    Map<String, JsonObject> configs = new LinkedHashMap<>();
    for (int i = 1; i <= layout.validators(); i++) {
      String nodeId = "node-" + i;
      Path nodeDir = root.resolve(nodeId);
      createDirectories(nodeDir);
      SigningKey key = SigningKey.generate(random);
      VrfKeyPair vrf = VrfSuite.P256_SHA256_TAI.vrf().generate(random);
      KeyFile.write(nodeDir.resolve("key.json"), key, vrf);
      votingKeys.put(nodeId, key.publicKey());
      validators.add(
          new JsonObject()
              .put("id", nodeId)
              .put("votingKey", key.publicKey().hex())
              .put("vrfSuite", vrf.suite().name())
              .put("vrfKey", HEX.formatHex(vrf.publicKey()))
              .put("stake", 100)
              .put("address", ""));
      JsonObject tls = new JsonObject().put("certFile", "").put("keyFile", "").put("caFile", "");
      if (authority != null) {
        Path cert = nodeDir.resolve("tls.crt");
        Path tlsKey = nodeDir.resolve("tls.key");
        authority.writeNode(nodeId, layout.host(), cert, tlsKey);
        tls.put("certFile", cert.toString())
            .put("keyFile", tlsKey.toString())
            .put("caFile", root.resolve("tls/ca.crt").toString());
      }
      configs.put(nodeId, nodeConfig(layout, i, root, members, clusterXml, tls));
    }
    Path genesisFile = root.resolve("genesis.json");
    SigningKey governance = SigningKey.generate(random);
    KeyFile.write(root.resolve("governance-key.json"), governance);
    byte[] seed = new byte[32];
    random.nextBytes(seed);
    writeString(
        genesisFile,
        new JsonObject()
            .put("seed", HEX.formatHex(seed))
            .put("epochLength", layout.epochLength())
            .put("governanceKey", governance.publicKey().hex())
            .put("validators", validators)
            .encodePrettily());
    Map<String, Path> configFiles = new LinkedHashMap<>();
    configs.forEach(
        (nodeId, config) -> {
          config.put("genesisFile", genesisFile.toString());
          Path file = root.resolve(nodeId + ".json");
          writeString(file, config.encodePrettily());
          configFiles.put(nodeId, file);
        });
    var parameters = Genesis.read(genesisFile);
    String firstLeader =
        LeaderSchedule.leader(parameters.genesisValidators(), parameters.genesisSeed(), 0).id();
    return new Written(root, genesisFile, configFiles, votingKeys, firstLeader);
  }

  private static JsonObject nodeConfig(
      Layout layout, int i, Path root, JsonArray members, Path clusterXml, JsonObject tls) {
    String nodeId = "node-" + i;
    return new JsonObject()
        .put("nodeId", nodeId)
        .put("keyFile", root.resolve(nodeId).resolve("key.json").toString())
        .put("dataDir", root.resolve(nodeId).resolve("data").toString())
        .put("http", endpoint(layout.host(), layout.httpPort().applyAsInt(i)))
        .put("grpc", endpoint(layout.host(), layout.grpcPort().applyAsInt(i)))
        .put(
            "cluster",
            new JsonObject()
                .put("name", layout.clusterName())
                .put("host", layout.host())
                .put("port", layout.clusterPort().applyAsInt(i))
                .put("members", members.copy())
                .put("hazelcastConfig", clusterXml.toString())
                .put("tls", tls))
        .put("peers", new JsonObject().put("announceIntervalMs", layout.announceIntervalMs()))
        .put(
            "consensus",
            new JsonObject()
                .put("validatorCount", layout.validators())
                .put("byzantineTolerance", (layout.validators() - 1) / 3));
  }

  private static JsonObject endpoint(String host, int port) {
    return new JsonObject().put("host", host).put("port", port);
  }

  private static void refuseNonEmpty(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + " exists and is not a folder");
    }
    try (var entries = Files.list(dir)) {
      if (entries.findAny().isPresent()) {
        throw new IllegalArgumentException(
            dir + " is not empty; refusing to write keys over an existing chain");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir, e);
    }
  }

  private static void copyBuiltInHazelcastFile(Path target) {
    try (InputStream in =
        ClusterFiles.class.getResourceAsStream(HazelcastConfigs.DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + HazelcastConfigs.DEFAULT_RESOURCE);
      }
      createDirectories(target.getParent());
      Files.copy(in, target);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  private static void writeString(Path file, String content) {
    try {
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
