package io.zferry.service.config;

import io.zferry.snapshot.zfs.ZfsNames;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Durations as operators write them: {@code 500ms}, {@code 5s}, {@code 15m}, {@code 1h30m}, {@code
 * 7d}. Whole numbers only, units from largest to smallest, each at most once, lower case ({@code M}
 * is refused rather than guessed to be minutes or months). A day is 24 hours.
 */
public final class DurationText {
  static final String HOW =
      "write a whole number and a unit (ms, s, m, h, d), such as 500ms, 15m or 1h30m";

  private record Unit(String symbol, ChronoUnit chronoUnit) {}

  /** Largest first: the order in which units must appear and are formatted. */
  private static final List<Unit> UNITS =
      List.of(
          new Unit("d", ChronoUnit.DAYS),
          new Unit("h", ChronoUnit.HOURS),
          new Unit("m", ChronoUnit.MINUTES),
          new Unit("s", ChronoUnit.SECONDS),
          new Unit("ms", ChronoUnit.MILLIS));

  private DurationText() {}

  /**
   * Parses a duration.
   *
   * @throws ConfigValueException naming the text and how to write it
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new ConfigValueException("the duration is empty", HOW);
    }
    String s = text.strip();
    String shown = ZfsNames.printable(s);
    Duration total = Duration.ZERO;
    int lastUnit = -1;
    int i = 0;
    while (i < s.length()) {
      int digitsStart = i;
      while (i < s.length() && isAsciiDigit(s.charAt(i))) {
        i++;
      }
      if (i == digitsStart) {
        throw new ConfigValueException(shown + " is not a duration", HOW);
      }
      String digits = s.substring(digitsStart, i);
      int unitStart = i;
      while (i < s.length() && isAsciiLetter(s.charAt(i))) {
        i++;
      }
      String symbol = s.substring(unitStart, i);
      if (symbol.isEmpty()) {
        if (i < s.length() && (s.charAt(i) == '.' || s.charAt(i) == ',')) {
          throw new ConfigValueException(
              shown + " has a fraction",
              "write it in smaller units, such as 1h30m rather than 1.5h or 1500ms rather than"
                  + " 1.5s");
        }
        if (i == s.length() && digitsStart == 0) {
          throw new ConfigValueException(
              shown + " has no unit",
              "add one: " + digits + "s for seconds, " + digits + "m for minutes");
        }
        if (i == s.length()) {
          throw new ConfigValueException(
              shown + " ends in a number without a unit", "add the unit, such as 1h30m");
        }
        throw new ConfigValueException(shown + " is not a duration", HOW);
      }
      int unit = unitIndex(symbol);
      if (unit < 0) {
        throw new ConfigValueException(
            shown + " has the unknown unit '" + symbol + "'",
            "use ms, s, m, h or d (lower case), such as 15m or 1h30m");
      }
      if (unit <= lastUnit) {
        throw new ConfigValueException(
            shown + " repeats a unit or puts a smaller unit before a larger one",
            "write each unit once, largest first, such as 1h30m");
      }
      lastUnit = unit;
      try {
        total = total.plus(Duration.of(Long.parseLong(digits), UNITS.get(unit).chronoUnit()));
      } catch (NumberFormatException | ArithmeticException e) {
        throw new ConfigValueException(shown + " is too long a duration", HOW);
      }
    }
    return total;
  }

  /**
   * The shortest text {@link #parse} reads back as the same duration, such as {@code 1h30m};
   * anything below a millisecond is dropped.
   *
   * @throws IllegalArgumentException if the duration is negative
   */
  public static String format(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("negative durations have no text form: " + duration);
    }
    StringBuilder text = new StringBuilder();
    Duration rest = duration.truncatedTo(ChronoUnit.MILLIS);
    for (Unit unit : UNITS) {
      long count = rest.dividedBy(unit.chronoUnit().getDuration());
      if (count > 0) {
        text.append(count).append(unit.symbol());
        rest = rest.minus(unit.chronoUnit().getDuration().multipliedBy(count));
      }
    }
    return text.length() == 0 ? "0s" : text.toString();
  }

  private static int unitIndex(String symbol) {
    for (int i = 0; i < UNITS.size(); i++) {
      if (UNITS.get(i).symbol().equals(symbol)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
