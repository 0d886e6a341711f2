package io.swarmcore.codecs;

import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Wraps event-bus handlers so that an undecodable or mistyped body, or a validation failure raised
 * as {@link RejectedMessageException}, becomes a reply with the documented failure code instead of
 * an exception on the event loop. Publish messages have no reply address; for them the rejection
 * goes only to the {@code onReject} observer (metrics, debug log).
 */
public final class InboundMessages {
  private InboundMessages() {}

  public static <T> Handler<Message<Object>> guarded(
      Class<T> type,
      BiConsumer<Message<Object>, T> handler,
      Consumer<RejectedMessageException> onReject) {
    return message -> {
      try {
        Object body = message.body();
        if (!type.isInstance(body)) {
          throw new RejectedMessageException(
              RejectCode.MALFORMED,
              "expected "
                  + type.getSimpleName()
                  + ", got "
                  + (body == null ? "no body" : body.getClass().getSimpleName()));
        }
        handler.accept(message, type.cast(body));
      } catch (RejectedMessageException rejected) {
        onReject.accept(rejected);
        message.fail(rejected.code().code(), rejected.getMessage());
      }
    };
  }
}
