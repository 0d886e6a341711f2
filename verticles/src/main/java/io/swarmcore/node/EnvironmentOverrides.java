package io.swarmcore.node;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment variables that override node configuration keys, and their conversion. An
 * environment value that does not convert is a configuration problem, reported like any other.
 */
public final class EnvironmentOverrides {
  private enum Kind {
    STRING,
    INTEGER,
    DECIMAL,
    BOOLEAN,
    LIST
  }

  private record Override(String path, Kind kind) {}

  private static final Map<String, Override> OVERRIDES = new LinkedHashMap<>();

  static {
    OVERRIDES.put("VALIDATOR_COUNT", new Override("consensus.validatorCount", Kind.INTEGER));
    OVERRIDES.put(
        "BYZANTINE_TOLERANCE", new Override("consensus.byzantineTolerance", Kind.INTEGER));
    OVERRIDES.put("FAST_PATH_ENABLED", new Override("consensus.fastPathEnabled", Kind.BOOLEAN));
    OVERRIDES.put("FAST_PATH_THRESHOLD", new Override("consensus.fastPathThreshold", Kind.DECIMAL));
    OVERRIDES.put("COMMIT_GRACE_MS", new Override("consensus.commitGraceMs", Kind.INTEGER));
    OVERRIDES.put("PIPELINE_DEPTH", new Override("consensus.pipelineDepth", Kind.INTEGER));
    OVERRIDES.put(
        "SNAPSHOT_SYNC_MIN_BLOCKS", new Override("consensus.snapshotSyncMinBlocks", Kind.INTEGER));
    OVERRIDES.put("SWARM_NODE_ID", new Override("nodeId", Kind.STRING));
    OVERRIDES.put("SWARM_KEY_FILE", new Override("keyFile", Kind.STRING));
    OVERRIDES.put("SWARM_DATA_DIR", new Override("dataDir", Kind.STRING));
    OVERRIDES.put("SWARM_HTTP_PORT", new Override("http.port", Kind.INTEGER));
    OVERRIDES.put("SWARM_GRPC_PORT", new Override("grpc.port", Kind.INTEGER));
    OVERRIDES.put("SWARM_CLUSTER_NAME", new Override("cluster.name", Kind.STRING));
    OVERRIDES.put("SWARM_CLUSTER_PORT", new Override("cluster.port", Kind.INTEGER));
    OVERRIDES.put("SWARM_CLUSTER_MEMBERS", new Override("cluster.members", Kind.LIST));
  }

  private EnvironmentOverrides() {}

  /** The variable names, for vertx-config's env store {@code keys} option. */
  public static List<String> names() {
    return List.copyOf(OVERRIDES.keySet());
  }

  /**
   * Moves each override variable present as a top-level key of {@code merged} (where the env store
   * put it) onto the configuration key it overrides.
   *
   * @throws ConfigException naming each variable whose value does not convert
   */
  public static JsonObject apply(JsonObject merged) {
    JsonObject result = merged.copy();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Override> entry : OVERRIDES.entrySet()) {
      Object raw = result.remove(entry.getKey());
      if (raw == null) {
        continue;
      }
      String text = String.valueOf(raw).trim();
      try {
        set(result, entry.getValue().path(), convert(text, entry.getValue().kind()));
      } catch (IllegalArgumentException e) {
        problems.add(
            "environment variable "
                + entry.getKey()
                + " (overrides \""
                + entry.getValue().path()
                + "\") "
                + e.getMessage()
                + ", got \""
                + text
                + "\"");
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return result;
  }

  private static Object convert(String text, Kind kind) {
    return switch (kind) {
      case STRING -> text;
      case INTEGER -> {
        try {
          yield Long.parseLong(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("must be an integer");
        }
      }
      case DECIMAL -> {
        try {
          yield Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("must be a number");
        }
      }
      case BOOLEAN -> {
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
          yield Boolean.parseBoolean(text);
        }
        throw new IllegalArgumentException("must be true or false");
      }
      case LIST -> new JsonArray(Arrays.stream(text.split(",")).map(String::trim).toList());
    };
  }

  private static void set(JsonObject root, String path, Object value) {
    String[] parts = path.split("\\.");
    JsonObject node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonObject child = node.getValue(parts[i]) instanceof JsonObject existing ? existing : null;
      if (child == null) {
        child = new JsonObject();
        node.put(parts[i], child);
      }
      node = child;
    }
    node.put(parts[parts.length - 1], value);
  }
}
