package io.swarmcore.node;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** A command-line duration: {@code 30s}, {@code 2m}, {@code 1500ms}, or plain seconds. */
final class DurationOption {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)?");

  private DurationOption() {}

  /**
   * @throws ParameterException naming {@code option} when {@code text} is no duration or lies
   *     outside {@code [min, max]}
   */
  static Duration parse(CommandSpec spec, String option, String text, Duration min, Duration max) {
    Matcher matcher = DURATION.matcher(text.trim());
    if (!matcher.matches()) {
      throw new ParameterException(
          spec.commandLine(), option + " must be like 30s, 2m or 1500ms, got " + text);
    }
    long amount = Long.parseLong(matcher.group(1));
    String unit = matcher.group(2) == null ? "s" : matcher.group(2);
    Duration parsed =
        switch (unit) {
          case "ms" -> Duration.ofMillis(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofSeconds(amount);
        };
    if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
      throw new ParameterException(
          spec.commandLine(),
          option + " must be from " + describe(min) + " to " + describe(max) + ", got " + text);
    }
    return parsed;
  }

  private static String describe(Duration duration) {
    return duration.toMillis() % 1000 == 0
        ? duration.toSeconds() + " s"
        : duration.toMillis() + " ms";
  }
}
