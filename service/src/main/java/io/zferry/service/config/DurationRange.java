package io.zferry.service.config;

import java.time.Duration;
import java.util.Objects;

/** The inclusive range a duration setting must lie in. */
public record DurationRange(Duration min, Duration max) {
  public DurationRange {
    Objects.requireNonNull(min, "min");
    Objects.requireNonNull(max, "max");
    if (min.isNegative() || min.compareTo(max) > 0) {
      throw new IllegalArgumentException("bad range " + min + ".." + max);
    }
  }

  public static DurationRange of(String min, String max) {
    return new DurationRange(DurationText.parse(min), DurationText.parse(max));
  }

  /**
   * Returns {@code value} if it is in range.
   *
   * @param key the setting, for the exception (may be null)
   * @throws ConfigValueException naming the value and the range
   */
  public Duration check(String key, Duration value) {
    Objects.requireNonNull(value, key);
    if (value.compareTo(min) < 0) {
      throw new ConfigValueException(
          key, DurationText.format(value) + " is below the minimum of " + text(min), fix());
    }
    if (value.compareTo(max) > 0) {
      throw new ConfigValueException(
          key, DurationText.format(value) + " is above the maximum of " + text(max), fix());
    }
    return value;
  }

  private String fix() {
    return "use a duration from " + text(min) + " to " + text(max);
  }

  private static String text(Duration d) {
    return DurationText.format(d);
  }

  @Override
  public String toString() {
    return text(min) + ".." + text(max);
  }
}
