package io.zferry.snapshot.zfs;

import java.util.regex.Pattern;

/**
 * A ZFS property name: a native one ({@code compression}, {@code readonly}) or a user property
 * ({@code io.zferry:role}) which must contain a colon.
 */
public record PropertyName(String value) {
  private static final Pattern NATIVE = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern USER = Pattern.compile("[a-z0-9_.-]+:[a-z0-9_.:-]+");
  // OpenZFS's space written since a snapshot of the same dataset, such as written@zferry-...
  private static final Pattern WRITTEN_SINCE = Pattern.compile("written@[A-Za-z0-9_.: -]{1,255}");
  private static final int MAX_USER_PROPERTY = 256;

  public PropertyName {
    if (value == null
        || value.length() > MAX_USER_PROPERTY
        || !(NATIVE.matcher(value).matches()
            || USER.matcher(value).matches()
            || WRITTEN_SINCE.matcher(value).matches())) {
      throw new InvalidNameException(
          "property",
          value,
          "use a native property (lowercase letters, digits, _) or a user property 'module:name'");
    }
  }

  public static PropertyName of(String value) {
    return new PropertyName(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
