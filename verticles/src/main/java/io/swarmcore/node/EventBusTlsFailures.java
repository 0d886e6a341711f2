package io.swarmcore.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Turns Vert.x's event-bus TLS failures into one clear line per cluster member and minute. Vert.x
 * logs a failed TLS connection to a member as "Connecting to server &lt;uuid&gt; failed" with a
 * forty-line stack trace, again on every retry; the operator needs to know that messages to that
 * member are lost and what to check. Installed as a logback turbo filter (logback.xml).
 */
public final class EventBusTlsFailures extends TurboFilter {
  static final String VERTX_LOGGER = "io.vertx.core.eventbus.impl.clustered.ClusteredEventBus";
  static final String LOGGER = "io.swarmcore.node.EventBusTls";
  private static final Pattern MEMBER = Pattern.compile("server (\\S+) failed");
  private static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Map<String, Long> lastReported = new ConcurrentHashMap<>();

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (!VERTX_LOGGER.equals(logger.getName()) || format == null) {
      return FilterReply.NEUTRAL;
    }
    SSLException tls = tlsCause(t);
    if (tls == null) {
      return FilterReply.NEUTRAL;
    }
    Matcher member = MEMBER.matcher(format);
    String memberId = member.find() ? member.group(1) : "(unknown)";
    long now = System.nanoTime();
    Long last = lastReported.get(memberId);
    if (last == null || now - last >= QUIET_NANOS) {
      lastReported.put(memberId, now);
      LoggerFactory.getLogger(LOGGER)
          .error(
              "event-bus TLS handshake with cluster member {} failed: {}. No message between this"
                  + " node and that member is delivered. Check that both nodes have TLS on"
                  + " (cluster.tls), that both certificates are signed by the same cluster CA"
                  + " (cluster.tls.caFile) and are not expired. Repeats are reported once a minute.",
              memberId,
              rootMessage(tls));
    }
    return FilterReply.DENY;
  }

  private static SSLException tlsCause(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SSLException ssl) {
        return ssl;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return null;
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
