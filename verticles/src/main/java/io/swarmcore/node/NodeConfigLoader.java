package io.swarmcore.node;

import io.swarmcore.crypto.KeyFile;
import io.swarmcore.crypto.KeyFileException;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Loads a node configuration through vertx-config: the defaults shipped in the jar (a copy of
 * conf/node.json), then the operator's JSON or YAML file (or an inline JSON object), then the
 * environment overrides of {@link EnvironmentOverrides}; later sources win, objects merge deeply.
 * The result is validated, including that the key file exists and is usable.
 */
public final class NodeConfigLoader {
  static final String DEFAULTS_RESOURCE = "/io/swarmcore/node/defaults/node.json";

  private NodeConfigLoader() {}

  /**
   * @param source a path to a .json, .yaml or .yml file, an inline JSON object, or null for the
   *     defaults alone
   * @return the validated configuration, or a failure with a {@link ConfigException}
   */
  public static Future<NodeConfig> load(Vertx vertx, String source) {
    List<ConfigStoreOptions> stores;
    try {
      stores = stores(source);
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(0);
    stores.forEach(options::addStore);
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever
        .getConfig()
        .recover(
            failure ->
                Future.failedFuture(
                    new ConfigException(
                        List.of(
                            "cannot read configuration " + source + ": " + failure.getMessage()))))
        .map(NodeConfigLoader::validate)
        .onComplete(done -> retriever.close());
  }

  /** Applies the overrides to merged JSON and validates it, files included. */
  static NodeConfig validate(JsonObject merged) {
    NodeConfig config = NodeConfig.parse(EnvironmentOverrides.apply(merged));
    try {
      KeyFile.read(config.keyFile());
    } catch (KeyFileException e) {
      throw new ConfigException(List.of("\"keyFile\": " + e.getMessage()));
    }
    config.cluster().tls().ifPresent(NodeConfigLoader::checkTlsFiles);
    return config;
  }

  /** Each TLS file must be there and readable now, not when the event bus first connects. */
  private static void checkTlsFiles(NodeConfig.Tls tls) {
    List<String> problems = new java.util.ArrayList<>();
    java.util.Map<String, java.nio.file.Path> files = new java.util.LinkedHashMap<>();
    files.put("certFile", tls.certFile());
    files.put("keyFile", tls.keyFile());
    files.put("caFile", tls.caFile());
    files.forEach(
        (key, file) -> {
          if (!java.nio.file.Files.isRegularFile(file) || !java.nio.file.Files.isReadable(file)) {
            problems.add("\"cluster.tls." + key + "\": " + file + " is not a readable file");
          }
        });
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  /** The defaults shipped with this build. */
  public static JsonObject defaults() {
    try (InputStream in = NodeConfigLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + DEFAULTS_RESOURCE);
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<ConfigStoreOptions> stores(String source) {
    ConfigStoreOptions defaults = new ConfigStoreOptions().setType("json").setConfig(defaults());
    ConfigStoreOptions environment =
        new ConfigStoreOptions()
            .setType("env")
            .setConfig(
                new JsonObject()
                    .put("raw-data", true)
                    .put("keys", new JsonArray(EnvironmentOverrides.names())));
    if (source == null) {
      return List.of(defaults, environment);
    }
    return List.of(defaults, userStore(source.trim()), environment);
  }

  private static ConfigStoreOptions userStore(String source) {
    if (source.startsWith("{")) {
      try {
        return new ConfigStoreOptions().setType("json").setConfig(new JsonObject(source));
      } catch (DecodeException e) {
        throw new ConfigException(
            List.of("inline configuration is not valid JSON: " + e.getMessage()));
      }
    }
    Path path = Path.of(source);
    if (!Files.isRegularFile(path)) {
      throw new ConfigException(List.of("configuration file " + path + " does not exist"));
    }
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    String format;
    if (name.endsWith(".json")) {
      format = "json";
    } else if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      format = "yaml";
    } else {
      throw new ConfigException(
          List.of("configuration file " + path + " must end in .json, .yaml or .yml"));
    }
    return new ConfigStoreOptions()
        .setType("file")
        .setFormat(format)
        .setConfig(new JsonObject().put("path", path.toAbsolutePath().toString()));
  }
}
