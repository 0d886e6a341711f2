package io.swarmcore.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcore.crypto.KeyFile;
import io.swarmcore.crypto.SigningKey;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes on one (local) event bus find and verify each other and serve their endpoints. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class NodeVerticleTest {
  @TempDir Path dir;

  private Vertx vertx;
  private HttpClient http;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx(new VertxOptions().setMetricsOptions(NodeVertx.metricsOptions("node-x")));
    http = vertx.createHttpClient();
  }

  @AfterEach
  void stopVertx(VertxTestContext test) {
    vertx.close().onComplete(test.succeedingThenComplete());
  }

  @Test
  void twoNodesVerifyEachOtherAndReportIt(VertxTestContext test) throws IOException {
    int xPort = freePort();
    int yPort = freePort();
    deploy("node-x", xPort)
        .compose(id -> deploy("node-y", yPort))
        .onComplete(
            test.succeeding(
                ids ->
                    poll(
                        test,
                        xPort,
                        "/health",
                        body ->
                            body.contains("\"nodeId\":\"node-y\"")
                                && body.contains("\"verifiedReply\":true"),
                        () ->
                            poll(
                                test,
                                xPort,
                                "/metrics",
                                body -> body.contains("swarm_peers_up 1.0"),
                                test::completeNow))));
  }

  @Test
  void metricsSayWhyWhenVertxRunsWithoutThem(VertxTestContext test) throws IOException {
    int port = freePort();
    deploy("node-plain", port)
        .compose(id -> http.request(HttpMethod.GET, port, "127.0.0.1", "/metrics"))
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> new Object[] {response, body}))
        .onComplete(
            test.succeeding(
                result ->
                    test.verify(
                        () -> {
                          assertThat(((HttpClientResponse) result[0]).statusCode()).isEqualTo(503);
                          assertThat(result[1].toString()).contains("metrics are disabled");
                          test.completeNow();
                        })));
  }

  @Test
  void anInvalidConfigurationFailsTheDeploymentWithTheReason(VertxTestContext test) {
    JsonObject config =
        new JsonObject().put("consensus", new JsonObject().put("byzantineTolerance", 5));
    vertx
        .deployVerticle(NodeVerticle.class.getName(), new DeploymentOptions().setConfig(config))
        .onComplete(
            test.failing(
                failure ->
                    test.verify(
                        () -> {
                          assertThat(failure).isInstanceOf(ConfigException.class);
                          assertThat(failure.getMessage()).contains("n >= 3f+1");
                          test.completeNow();
                        })));
  }

  private Future<String> deploy(String nodeId, int httpPort) {
    Path key = dir.resolve(nodeId + ".json");
    KeyFile.write(key, SigningKey.generate(new SecureRandom()));
    JsonObject config =
        new JsonObject()
            .put("nodeId", nodeId)
            .put("keyFile", key.toString())
            .put("dataDir", dir.resolve(nodeId).toString())
            .put("http", new JsonObject().put("port", httpPort))
            .put("grpc", new JsonObject().put("port", 0))
            .put("peers", new JsonObject().put("announceIntervalMs", 200));
    return vertx.deployVerticle(
        NodeVerticle.class.getName(), new DeploymentOptions().setConfig(config));
  }

  /** Re-reads {@code path} every 100 ms until {@code done} holds; the class timeout bounds it. */
  private void poll(
      VertxTestContext test, int port, String path, Predicate<String> done, Runnable then) {
    http.request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(request -> request.send())
        .compose(HttpClientResponse::body)
        .map(Buffer::toString)
        .onComplete(
            body -> {
              if (body.succeeded() && done.test(body.result())) {
                then.run();
              } else {
                vertx.setTimer(100, tick -> poll(test, port, path, done, then));
              }
            });
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
