package io.swarmcore.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmcore.crypto.KeyFile;
import io.swarmcore.election.Genesis;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class InitCommandTest {
  @TempDir Path dir;
  @RegisterExtension final ConsoleCapture console = new ConsoleCapture();

  private NodeConfig config(Path file) throws Exception {
    return NodeConfigLoader.validate(
        NodeConfigLoader.defaults().mergeIn(new JsonObject(Files.readString(file)), true));
  }

  @Test
  void writesAChainWhoseConfigsGenesisAndKeysAgree() throws Exception {
    Path out = dir.resolve("chain");
    assertThat(
            console.swarm(
                "init", "--validators", "4", "--out", out.toString(), "--http-port", "18080"))
        .as(console.err())
        .isZero();
    assertThat(console.out()).contains("swarm node --conf " + out.resolve("node-4.json"));
    var genesis = Genesis.read(out.resolve("genesis.json"));
    assertThat(genesis.genesisValidators().members()).hasSize(4);
    for (int i = 1; i <= 4; i++) {
      NodeConfig node = config(out.resolve("node-" + i + ".json"));
      assertThat(node.nodeId()).isEqualTo("node-" + i);
      assertThat(node.http().port()).isEqualTo(18079 + i);
      assertThat(node.grpc().port()).isEqualTo(9089 + i);
      assertThat(node.cluster().port()).isEqualTo(5700 + i);
      assertThat(node.cluster().members())
          .containsExactly("127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703", "127.0.0.1:5704");
      assertThat(node.cluster().hazelcastConfig()).contains(out.resolve("cluster.xml"));
      assertThat(node.cluster().tls()).isEmpty();
      assertThat(node.consensus().validatorCount()).isEqualTo(4);
      assertThat(node.consensus().byzantineTolerance()).isEqualTo(1);
      String votingKey = KeyFile.read(node.keyFile()).publicKey().hex();
      assertThat(genesis.genesisValidators().members().get(i - 1).votingKey().hex())
          .isEqualTo(votingKey);
      assertThat(Files.getPosixFilePermissions(node.keyFile()))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
    // The Hazelcast file the configs name is a valid one: the nodes build their config from it.
    NodeConfig first = config(out.resolve("node-1.json"));
    assertThat(HazelcastConfigs.forNode(first.cluster()).getClusterName())
        .isEqualTo(first.cluster().name())
        .startsWith("swarm-");
  }

  @Test
  void withTlsEveryNodeCertificateChainsToTheClusterCaAndNoOtherChainsCertificateDoes()
      throws Exception {
    Path out = dir.resolve("chain");
    Path other = dir.resolve("other");
    assertThat(console.swarm("init", "--validators", "2", "--out", out.toString(), "--tls"))
        .isZero();
    assertThat(console.swarm("init", "--validators", "1", "--out", other.toString(), "--tls"))
        .isZero();
    X509Certificate ca = certificates(out.resolve("tls/ca.crt")).get(0);
    for (int i = 1; i <= 2; i++) {
      NodeConfig.Tls tls = config(out.resolve("node-" + i + ".json")).cluster().tls().orElseThrow();
      List<X509Certificate> chain = certificates(tls.certFile());
      validate(chain, ca);
      assertThat(chain.get(0).getSubjectX500Principal().getName()).isEqualTo("CN=node-" + i);
      assertThat(chain.get(0).getExtendedKeyUsage())
          .contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"); // server and client
      assertThat(chain.get(0).getSubjectAlternativeNames())
          .containsExactlyInAnyOrder(List.of(7, "127.0.0.1"), List.of(2, "localhost"));
      assertThat(Files.getPosixFilePermissions(tls.keyFile()))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
    assertThat(Files.getPosixFilePermissions(out.resolve("tls/ca.key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    List<X509Certificate> foreign = certificates(other.resolve("node-1/tls.crt"));
    assertThatThrownBy(() -> validate(foreign, ca)).isInstanceOf(CertPathValidatorException.class);
  }

  @Test
  void refusesAFolderThatIsNotEmptyAndLeavesItAlone() throws Exception {
    Path out = dir.resolve("chain");
    Files.createDirectories(out);
    Files.writeString(out.resolve("genesis.json"), "mine");
    assertThat(console.swarm("init", "--out", out.toString())).isEqualTo(1);
    assertThat(console.err()).contains("is not empty");
    try (var files = Files.list(out)) {
      assertThat(files).containsExactly(out.resolve("genesis.json"));
    }
    assertThat(Files.readString(out.resolve("genesis.json"))).isEqualTo("mine");
  }

  @Test
  void nodeSaysWhyItCannotStartInsteadOfExitingSilently() throws Exception {
    Path out = dir.resolve("chain");
    assertThat(console.swarm("init", "--validators", "1", "--out", out.toString())).isZero();
    Files.delete(out.resolve("cluster.xml"));

    assertThat(console.swarm("node", "--conf", out.resolve("node-1.json").toString())).isEqualTo(2);
    assertThat(console.err())
        .contains("swarm node: config: \"cluster.hazelcastConfig\"")
        .contains(out.resolve("cluster.xml") + ", which does not exist");
  }

  @Test
  void refusesPortRangesThatOverlap() {
    assertThat(
            console.swarm(
                "init",
                "--validators",
                "4",
                "--out",
                dir.resolve("x").toString(),
                "--http-port",
                "9000",
                "--grpc-port",
                "9002"))
        .isEqualTo(2);
    assertThat(console.err()).contains("overlap");
    assertThat(dir.resolve("x")).doesNotExist();
  }

  @Test
  void aHalfConfiguredTlsSectionIsRefused() {
    JsonObject json =
        NodeConfigLoader.defaults()
            .mergeIn(
                new JsonObject()
                    .put(
                        "cluster",
                        new JsonObject().put("tls", new JsonObject().put("certFile", "node.crt"))),
                true);
    assertThatThrownBy(() -> NodeConfig.parse(json))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("needs all of certFile, keyFile and caFile");
  }

  private static List<X509Certificate> certificates(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(X509Certificate.class::cast)
          .toList();
    }
  }

  private static void validate(List<X509Certificate> chain, X509Certificate ca) throws Exception {
    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
    parameters.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX")
        .validate(
            CertificateFactory.getInstance("X.509").generateCertPath(chain.subList(0, 1)),
            parameters);
  }
}
