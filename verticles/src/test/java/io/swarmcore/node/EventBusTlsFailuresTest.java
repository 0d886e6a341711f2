package io.swarmcore.node;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.spi.FilterReply;
import java.io.IOException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class EventBusTlsFailuresTest {
  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final Logger vertx = context.getLogger(EventBusTlsFailures.VERTX_LOGGER);
  private final Logger swarm = context.getLogger(EventBusTlsFailures.LOGGER);
  private final ListAppender<ILoggingEvent> reported = new ListAppender<>();
  private final EventBusTlsFailures filter = new EventBusTlsFailures();

  @BeforeEach
  void capture() {
    reported.start();
    swarm.addAppender(reported);
  }

  @AfterEach
  void release() {
    swarm.detachAppender(reported);
  }

  private static Throwable handshakeFailure() {
    SSLHandshakeException cause =
        new SSLHandshakeException("unable to find valid certification path to requested target");
    SSLHandshakeException outer = new SSLHandshakeException("Failed to create SSL connection");
    outer.initCause(cause);
    return outer;
  }

  private FilterReply vertxWarns(String member, Throwable failure) {
    return filter.decide(
        null, vertx, Level.WARN, "Connecting to server " + member + " failed", null, failure);
  }

  @Test
  void aTlsFailureBecomesOneClearLinePerMemberAndMinute() {
    assertThat(vertxWarns("member-a", handshakeFailure())).isEqualTo(FilterReply.DENY);
    assertThat(vertxWarns("member-a", handshakeFailure())).isEqualTo(FilterReply.DENY);
    assertThat(vertxWarns("member-b", handshakeFailure())).isEqualTo(FilterReply.DENY);

    assertThat(reported.list).hasSize(2);
    ILoggingEvent first = reported.list.get(0);
    assertThat(first.getLevel()).isEqualTo(Level.ERROR);
    assertThat(first.getFormattedMessage())
        .contains("member member-a failed")
        .contains("unable to find valid certification path")
        .contains("No message between this node and that member is delivered")
        .contains("cluster.tls.caFile");
    assertThat(reported.list.get(1).getFormattedMessage()).contains("member member-b");
  }

  @Test
  void otherFailuresAndOtherLoggersPassUntouched() {
    assertThat(vertxWarns("member-a", new IOException("Connection refused")))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(
            filter.decide(
                null, swarm, Level.WARN, "Connecting to server x failed", null, handshakeFailure()))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(reported.list).isEmpty();
  }
}
