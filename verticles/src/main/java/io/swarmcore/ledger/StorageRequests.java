package io.swarmcore.ledger;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.HexFormat;

/** Reads fields of JSON storage requests; anything wrong becomes a BAD_REQUEST reply. */
final class StorageRequests {
  private StorageRequests() {}

  static JsonObject object(Object body) {
    if (body instanceof JsonObject json) {
      return json;
    }
    throw failure(StorageFailure.BAD_REQUEST, "expected a JSON object body");
  }

  static long nonNegative(JsonObject request, String field) {
    if (request.getValue(field) instanceof Number number
        && number.longValue() >= 0
        && number.doubleValue() == Math.rint(number.doubleValue())) {
      return number.longValue();
    }
    throw failure(
        StorageFailure.BAD_REQUEST,
        "\"" + field + "\" must be a non-negative integer, got " + request.getValue(field));
  }

  static byte[] hash(JsonObject request, String field) {
    if (request.getValue(field) instanceof String text) {
      try {
        byte[] bytes = HexFormat.of().parseHex(text);
        if (bytes.length == 32) {
          return bytes;
        }
      } catch (IllegalArgumentException notHex) {
        // reported below
      }
    }
    throw failure(
        StorageFailure.BAD_REQUEST,
        "\"" + field + "\" must be 64 hex digits, got " + request.getValue(field));
  }

  static ReplyException failure(StorageFailure failure, String message) {
    return new ReplyException(
        ReplyFailure.RECIPIENT_FAILURE, failure.code(), failure + ": " + message);
  }
}
