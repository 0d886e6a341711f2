package io.swarmcore.benchmark;

import io.swarmcore.demo.LocalChain;
import io.swarmcore.node.ClusterFiles;
import io.swarmcore.node.NodeVerticle;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Each validator in its own JVM, started from this fat jar with {@code swarm run} and a
 * configuration written by {@link ClusterFiles} into a temporary folder, all on 127.0.0.1. Closing
 * stops them (and a shutdown hook does, if this JVM is interrupted) and removes the folder.
 */
final class ProcessCluster implements BenchCluster {
  private final Path dir;
  private final List<Endpoint> endpoints = new ArrayList<>();
  // Written while the nodes start, read by the shutdown hook on another thread.
  private final List<Process> processes = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Thread shutdownHook = new Thread(this::stopAndRemove, "swarm-bench-stop-nodes");

  private ProcessCluster(Path dir) {
    this.dir = dir;
  }

  static ProcessCluster start(
      int validators, List<String> jvmArgs, JsonObject overrides, Duration timeout) {
    Path jar = fatJar();
    ProcessCluster cluster;
    try {
      cluster = new ProcessCluster(Files.createTempDirectory("swarm-bench-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
    try {
      cluster.launch(validators, jar, jvmArgs, overrides, timeout);
      return cluster;
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** The jar this code runs from: node JVMs run the same build. */
  private static Path fatJar() {
    String override = System.getProperty("swarm.jar");
    if (override != null) {
      return Path.of(override);
    }
    try {
      Path location =
          Path.of(ProcessCluster.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(location) && runnable(location)) {
        return location;
      }
    } catch (URISyntaxException | SecurityException | IOException e) {
      // fall through to the error below
    }
    throw new IllegalStateException(
        "--multi-jvm starts validators from the fat jar: run java -jar swarm.jar bench …, or"
            + " name the jar with -Dswarm.jar=PATH");
  }

  /** A jar {@code java -jar} can run: its manifest names a main class (the thin jar's does not). */
  private static boolean runnable(Path jar) throws IOException {
    try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
      return file.getManifest() != null
          && file.getManifest().getMainAttributes().getValue("Main-Class") != null;
    }
  }

  private void launch(
      int validators, Path jar, List<String> jvmArgs, JsonObject overrides, Duration timeout) {
    ClusterFiles.Written written =
        LocalChain.writeFiles(dir.resolve("chain"), validators, "swarm-bench-");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    for (Map.Entry<String, Path> node : written.configs().entrySet()) {
      JsonObject config = read(node.getValue());
      config.mergeIn(overrides.copy(), true);
      write(node.getValue(), config);
      List<String> command = new ArrayList<>();
      command.add(java.toString());
      command.addAll(jvmArgs);
      command.addAll(
          List.of(
              "-jar",
              jar.toString(),
              "run",
              NodeVerticle.class.getName(),
              "-cluster",
              "-cluster-host",
              "127.0.0.1",
              "-conf",
              node.getValue().toString()));
      Path log = dir.resolve(node.getKey() + ".log");
      try {
        processes.add(
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start());
      } catch (IOException e) {
        throw new UncheckedIOException("could not start " + node.getKey(), e);
      }
      endpoints.add(
          new Endpoint(
              node.getKey(),
              config.getJsonObject("grpc").getInteger("port"),
              config.getJsonObject("http").getInteger("port")));
    }
    awaitHealthy(timeout);
  }

  private void awaitHealthy(Duration timeout) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int i = 0; i < endpoints.size(); i++) {
      Endpoint node = endpoints.get(i);
      Process process = processes.get(i);
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              node.nodeId()
                  + " exited with "
                  + process.exitValue()
                  + "; its log ends:\n"
                  + tail(node));
        }
        if (healthy(http, node)) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              node.nodeId()
                  + " not healthy within "
                  + timeout.toSeconds()
                  + " s; its log ends:\n"
                  + tail(node));
        }
        pause();
      }
    }
  }

  private static boolean healthy(HttpClient http, Endpoint node) {
    try {
      HttpResponse<Void> response =
          http.sendAsync(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + node.httpPort() + "/health/storage"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .get(5, TimeUnit.SECONDS);
      return response.statusCode() == 200;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the validators start", e);
    }
  }

  private static void pause() {
    try {
      TimeUnit.MILLISECONDS.sleep(200); // polling a node's health, bounded by the deadline
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the validators start", e);
    }
  }

  /** The last lines of a node's log: the folder is removed when the start fails. */
  private String tail(Endpoint node) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve(node.nodeId() + ".log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | java.io.UncheckedIOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.copyOf(endpoints);
  }

  @Override
  public long validatorCpuNanos() {
    return processes.stream().mapToLong(process -> ProcessCpu.of(process.toHandle())).sum();
  }

  @Override
  public boolean sharesProcessWithLoad() {
    return false;
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
    stopAndRemove();
  }

  /** Stops the nodes and removes the folder, with the validators' keys and ledgers in it. */
  private void stopAndRemove() {
    stopProcesses();
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind is no failure of the bench
    }
  }

  private void stopProcesses() {
    processes.forEach(Process::destroy);
    for (Process process : processes) {
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static JsonObject read(Path file) {
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, JsonObject config) {
    try {
      Files.writeString(file, config.encodePrettily());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
