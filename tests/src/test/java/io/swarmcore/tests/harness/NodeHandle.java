package io.swarmcore.tests.harness;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** One node started by the {@link ClusterHarness}: its identity, ports and HTTP endpoint. */
public final class NodeHandle {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String nodeId;
  private final int httpPort;
  private final int clusterPort;
  private final Path log;

  public NodeHandle(String nodeId, int httpPort, int clusterPort, Path log) {
    this.nodeId = nodeId;
    this.httpPort = httpPort;
    this.clusterPort = clusterPort;
    this.log = log;
  }

  public String nodeId() {
    return nodeId;
  }

  public int httpPort() {
    return httpPort;
  }

  public int clusterPort() {
    return clusterPort;
  }

  public Path log() {
    return log;
  }

  /** GET on the node's HTTP endpoint; status -1 when it does not answer. */
  public Response get(String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body());
    } catch (IOException e) {
      return new Response(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Response(-1, "interrupted");
    }
  }

  /** An untagged sample of this node's /metrics, as a whole number. */
  public long metric(String name) {
    return get("/metrics")
        .body()
        .lines()
        .filter(line -> line.startsWith(name + " "))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(name.length() + 1).trim()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " missing from /metrics of " + nodeId));
  }

  /** The {@code /health} document, or an empty object when the node does not answer. */
  public JsonObject health() {
    Response response = get("/health");
    return response.status() > 0 && response.body().startsWith("{")
        ? new JsonObject(response.body())
        : new JsonObject();
  }

  /** The peers this node's {@code /health} reports, empty when it does not answer. */
  public List<JsonObject> peers() {
    JsonObject health = health();
    if (!health.containsKey("checks")) {
      return List.of();
    }
    return health.getJsonArray("checks").stream()
        .map(JsonObject.class::cast)
        .filter(check -> "peers".equals(check.getString("id")))
        .flatMap(check -> check.getJsonObject("data").getJsonArray("peers").stream())
        .map(JsonObject.class::cast)
        .toList();
  }

  /** True when this node has verified {@code peerId}'s signed answer to its own HELLO. */
  public boolean hasVerified(String peerId) {
    return peers().stream()
        .anyMatch(
            peer ->
                peerId.equals(peer.getString("nodeId")) && peer.getBoolean("verifiedReply", false));
  }

  public record Response(int status, String body) {}
}
