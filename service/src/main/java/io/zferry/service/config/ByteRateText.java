package io.zferry.service.config;

import io.zferry.snapshot.zfs.ZfsNames;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Transfer rates as operators write them: {@code 0} (no limit), a plain number of bytes per second,
 * or a whole number with a byte unit, {@code /s} optional: {@code 100MB/s}, {@code 20MiB}. SI units
 * are powers of 1000 (as in the lab notes and in {@code pv}), IEC units powers of 1024. Bits are
 * refused rather than guessed, because a factor of 8 is an easy mistake to miss.
 */
public final class ByteRateText {
  static final String HOW =
      "write 0 for no limit, or a whole number and a byte unit (B, kB, MB, GB, KiB, MiB, GiB),"
          + " such as 100MB/s";

  private static final Pattern RATE = Pattern.compile("([0-9]+)\\s*([A-Za-z]*)(/s)?");

  /** Largest first, so that {@link #format} picks the largest unit that divides evenly. */
  private static final Map<String, Long> UNITS = new LinkedHashMap<>();

  static {
    UNITS.put("TiB", 1L << 40);
    UNITS.put("TB", 1_000_000_000_000L);
    UNITS.put("GiB", 1L << 30);
    UNITS.put("GB", 1_000_000_000L);
    UNITS.put("MiB", 1L << 20);
    UNITS.put("MB", 1_000_000L);
    UNITS.put("KiB", 1L << 10);
    UNITS.put("kB", 1_000L);
    UNITS.put("KB", 1_000L);
    UNITS.put("B", 1L);
    UNITS.put("", 1L);
  }

  private ByteRateText() {}

  /**
   * Parses a rate in bytes per second; 0 means no limit.
   *
   * @throws ConfigValueException naming the text and how to write it
   */
  public static long parse(String text) {
    if (text == null || text.isBlank()) {
      throw new ConfigValueException("the rate is empty", HOW);
    }
    String s = text.strip();
    String shown = ZfsNames.printable(s);
    Matcher m = RATE.matcher(s);
    if (!m.matches()) {
      throw new ConfigValueException(shown + " is not a rate", HOW);
    }
    String unit = m.group(2);
    Long factor = UNITS.get(unit);
    if (factor == null) {
      if (unit.endsWith("b") || unit.toLowerCase(Locale.ROOT).contains("bit")) {
        throw new ConfigValueException(
            shown + " looks like bits per second",
            "give the rate in bytes, such as 12MB/s for 100Mbit/s");
      }
      throw new ConfigValueException(shown + " has the unknown unit '" + unit + "'", HOW);
    }
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), factor);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new ConfigValueException(shown + " is too large", HOW);
    }
  }

  /** {@code 0} for no limit, else the largest unit that divides evenly, such as {@code 100MB/s}. */
  public static String format(long bytesPerSecond) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("a rate cannot be negative: " + bytesPerSecond);
    }
    if (bytesPerSecond == 0) {
      return "0";
    }
    for (Map.Entry<String, Long> unit : UNITS.entrySet()) {
      if (!unit.getKey().equals("KB") && bytesPerSecond % unit.getValue() == 0) {
        return bytesPerSecond / unit.getValue() + unit.getKey() + "/s";
      }
    }
    throw new AssertionError("the unit B divides every rate");
  }
}
