package io.swarmcore.benchmark;

import java.util.OptionalDouble;

/** Reads one sample out of a Prometheus text exposition (what a node serves on /metrics). */
final class PrometheusText {
  private PrometheusText() {}

  /**
   * The sum of every sample of {@code name} (all label sets), or empty if there is none. Comment
   * lines and other metrics whose names start the same ({@code name_total}, {@code name_bucket})
   * are not counted.
   */
  static OptionalDouble sum(String text, String name) {
    double sum = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || !line.startsWith(name)) {
        continue;
      }
      char next = line.length() > name.length() ? line.charAt(name.length()) : '\0';
      if (next != ' ' && next != '{') {
        continue;
      }
      String value = line.substring(line.lastIndexOf(' ') + 1);
      try {
        sum += Double.parseDouble(value);
        found = true;
      } catch (NumberFormatException e) {
        // not a sample line (a timestamp-less oddity): skip it
      }
    }
    return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
  }
}
