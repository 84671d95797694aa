package io.zferry.service.config;

/** The inclusive range a whole-number setting must lie in. */
public record IntRange(int min, int max) {
  public static final IntRange TCP_PORT = new IntRange(1, 65535);

  public IntRange {
    if (min > max) {
      throw new IllegalArgumentException("empty range " + min + ".." + max);
    }
  }

  /**
   * Returns {@code value} if it is in range.
   *
   * @param key the setting, for the exception (may be null)
   * @throws ConfigValueException naming the value and the range
   */
  public int check(String key, long value) {
    if (value < min || value > max) {
      throw new ConfigValueException(
          key, value + " is out of range", "use a whole number from " + min + " to " + max);
    }
    return (int) value;
  }

  @Override
  public String toString() {
    return min + ".." + max;
  }
}
