package io.swarmcore.node;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads typed fields out of a JSON configuration and collects every problem instead of stopping at
 * the first, so an operator fixes the whole file in one go.
 */
final class JsonFields {
  private final List<String> problems = new ArrayList<>();

  List<String> problems() {
    return problems;
  }

  void problem(String text) {
    problems.add(text);
  }

  /** Reports keys of {@code object} (at {@code path}) that are not in {@code known}. */
  void rejectUnknown(JsonObject object, String path, Set<String> known) {
    for (String key : new TreeSet<>(object.fieldNames())) {
      if (!known.contains(key)) {
        problems.add(
            "unknown key "
                + quoted(join(path, key))
                + " (known keys"
                + (path.isEmpty() ? "" : " of " + quoted(path))
                + ": "
                + String.join(", ", new TreeSet<>(known))
                + ")");
      }
    }
  }

  JsonObject object(JsonObject parent, String path, String key) {
    Object value = parent.getValue(key);
    if (value instanceof JsonObject object) {
      return object;
    }
    problems.add(quoted(join(path, key)) + " must be an object, got " + describe(value));
    return new JsonObject();
  }

  String string(JsonObject parent, String path, String key) {
    Object value = parent.getValue(key);
    if (value instanceof String text && !text.isBlank()) {
      return text;
    }
    problems.add(quoted(join(path, key)) + " must be a non-empty string, got " + describe(value));
    return "";
  }

  /** A string that may be empty (meaning: not set). */
  String optionalString(JsonObject parent, String path, String key) {
    Object value = parent.getValue(key);
    if (value instanceof String text) {
      return text.strip();
    }
    problems.add(
        quoted(join(path, key)) + " must be a string (empty for none), got " + describe(value));
    return "";
  }

  int integer(JsonObject parent, String path, String key, int min, int max) {
    return (int) longValue(parent, path, key, min, max);
  }

  long longValue(JsonObject parent, String path, String key, long min, long max) {
    Object value = parent.getValue(key);
    if (value instanceof Number number
        && number.doubleValue() == Math.rint(number.doubleValue())
        && number.longValue() >= min
        && number.longValue() <= max) {
      return number.longValue();
    }
    problems.add(
        quoted(join(path, key))
            + " must be an integer from "
            + min
            + " to "
            + max
            + ", got "
            + describe(value));
    return min;
  }

  double decimal(JsonObject parent, String path, String key) {
    Object value = parent.getValue(key);
    if (value instanceof Number number) {
      return number.doubleValue();
    }
    problems.add(quoted(join(path, key)) + " must be a number, got " + describe(value));
    return Double.NaN;
  }

  boolean bool(JsonObject parent, String path, String key) {
    Object value = parent.getValue(key);
    if (value instanceof Boolean flag) {
      return flag;
    }
    problems.add(quoted(join(path, key)) + " must be true or false, got " + describe(value));
    return false;
  }

  List<String> strings(JsonObject parent, String path, String key) {
    Object value = parent.getValue(key);
    List<String> result = new ArrayList<>();
    if (value instanceof JsonArray array && !array.isEmpty()) {
      for (Object item : array) {
        if (item instanceof String text && !text.isBlank()) {
          result.add(text);
        } else {
          problems.add(
              quoted(join(path, key)) + " must hold non-empty strings, got " + describe(item));
        }
      }
      return result;
    }
    problems.add(
        quoted(join(path, key)) + " must be a non-empty list of strings, got " + describe(value));
    return result;
  }

  static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  static String quoted(String key) {
    return "\"" + key + "\"";
  }

  private static String describe(Object value) {
    if (value == null) {
      return "nothing";
    }
    if (value instanceof String text) {
      return "\"" + text + "\"";
    }
    return String.valueOf(value);
  }
}
