package io.swarmcore.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The demo prints its own lines: while it runs, the nodes' and Hazelcast's logs only for errors.
 * {@link #close} puts the levels back (the demo may run inside another program, or a test JVM).
 */
final class DemoLogging implements AutoCloseable {
  private final Map<Logger, Level> levels = new HashMap<>();
  private final java.util.logging.Level julLevel;

  private DemoLogging() {
    System.setProperty("hazelcast.logging.type", "slf4j");
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      for (Logger logger : context.getLoggerList()) {
        if (logger.getLevel() != null) {
          levels.put(logger, logger.getLevel());
          logger.setLevel(Level.ERROR);
        }
      }
    }
    java.util.logging.Logger jul = java.util.logging.Logger.getLogger("");
    julLevel = jul.getLevel();
    jul.setLevel(java.util.logging.Level.SEVERE);
  }

  static DemoLogging quiet() {
    return new DemoLogging();
  }

  @Override
  public void close() {
    levels.forEach(Logger::setLevel);
    java.util.logging.Logger.getLogger("").setLevel(julLevel);
  }
}
