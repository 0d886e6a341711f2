package io.swarmcore.node;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code swarm run} needs to know from Vert.x launcher arguments before handing them over: the
 * main verticle, {@code -conf}, {@code -options}, {@code -deployment-options} and whether {@code
 * -cluster} is set. Option names are case-insensitive and take one or two dashes and an optional
 * {@code =value}, exactly as the Vert.x launcher parses them.
 */
record LauncherArguments(
    String mainVerticle,
    String conf,
    String vertxOptions,
    String deploymentOptions,
    boolean clustered) {

  private static final Set<String> WITH_VALUE =
      Set.of(
          "options",
          "vertx-options",
          "cluster-port",
          "cluster-host",
          "cluster-public-port",
          "cluster-public-host",
          "deployment-options",
          "instances",
          "conf");

  static LauncherArguments parse(List<String> args) {
    String verticle = null;
    String conf = null;
    String options = null;
    String deployment = null;
    boolean clustered = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("-")) {
        if (verticle == null) {
          verticle = arg;
        }
        continue;
      }
      String name = arg.replaceFirst("^--?", "").toLowerCase(Locale.ROOT);
      String value = null;
      int equals = name.indexOf('=');
      if (equals >= 0) {
        value = arg.substring(arg.indexOf('=') + 1);
        name = name.substring(0, equals);
      } else if (WITH_VALUE.contains(name) && i + 1 < args.size()) {
        value = args.get(++i);
      }
      switch (name) {
        case "conf" -> conf = value;
        case "options", "vertx-options" -> options = value;
        case "deployment-options" -> deployment = value;
        case "c", "cluster" -> clustered = true;
        default -> {
          // other launcher options pass through untouched
        }
      }
    }
    return new LauncherArguments(verticle, conf, options, deployment, clustered);
  }

  /** The verticle that will run: the one named, else the jar's Main-Verticle. */
  String verticleOrDefault() {
    return mainVerticle != null ? mainVerticle : NodeVerticle.class.getName();
  }

  /** Swarm's own verticles all take a node configuration. */
  boolean deploysSwarmVerticle() {
    return verticleOrDefault().startsWith("io.swarmcore.");
  }
}
