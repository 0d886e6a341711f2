package io.swarmcore.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** The demo prints its own lines: the nodes' and Hazelcast's logs only for errors. */
final class DemoLogging {
  private DemoLogging() {}

  static void quiet() {
    System.setProperty("hazelcast.logging.type", "slf4j");
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
      for (Logger logger : context.getLoggerList()) {
        if (logger.getLevel() != null) {
          logger.setLevel(Level.ERROR);
        }
      }
      context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.ERROR);
    }
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.SEVERE);
  }
}
