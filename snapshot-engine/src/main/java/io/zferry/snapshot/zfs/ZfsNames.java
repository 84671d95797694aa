package io.zferry.snapshot.zfs;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The name grammar zferry accepts: exactly what OpenZFS lets an operator create (zfs_namecheck.c's
 * {@code valid_char}: ASCII letters, digits and {@code _ - . :} and the space), nothing more; not
 * the {@code %} it keeps for its own temporary clones. A space is the one of these a shell would
 * split on: every argument that crosses SSH is single-quoted ({@code RemoteArguments}) and the
 * serving side splits only on spaces outside quotes ({@code ForcedCommandLine}).
 */
public final class ZfsNames {
  /** OpenZFS ZFS_MAX_DATASET_NAME_LEN is 256 including the terminating NUL. */
  public static final int MAX_NAME_LENGTH = 255;

  private static final Pattern COMPONENT = Pattern.compile("[A-Za-z0-9_.: -]+");
  private static final Pattern POOL_RESERVED_PREFIX =
      Pattern.compile("^(mirror|raidz|draid|spare|log).*");
  private static final Set<String> POOL_RESERVED =
      Set.of("mirror", "raidz", "draid", "spare", "log");
  private static final Pattern DISK_LIKE = Pattern.compile("^c[0-9].*");

  private ZfsNames() {}

  /** Validates one component between separators ('/', '@', '#'). */
  static void requireComponent(String kind, String whole, String component) {
    if (component.isEmpty()) {
      throw new InvalidNameException(kind, whole, "it has an empty component");
    }
    if (component.equals(".") || component.equals("..")) {
      throw new InvalidNameException(kind, whole, "'.' and '..' are not allowed as components");
    }
    if (!COMPONENT.matcher(component).matches()) {
      throw new InvalidNameException(
          kind,
          whole,
          "only letters, digits, space and _ - . : are allowed (found "
              + describeFirstBadChar(component)
              + ")");
    }
  }

  static void requirePoolName(String whole, String pool) {
    requireComponent("pool", whole, pool);
    char first = pool.charAt(0);
    boolean asciiLetter = (first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z');
    if (!asciiLetter) {
      throw new InvalidNameException("pool", whole, "a pool name must begin with a letter");
    }
    if (POOL_RESERVED.contains(pool) || POOL_RESERVED_PREFIX.matcher(pool).matches()) {
      throw new InvalidNameException(
          "pool", whole, "names beginning with mirror, raidz, draid, spare or log are reserved");
    }
    if (DISK_LIKE.matcher(pool).matches()) {
      throw new InvalidNameException(
          "pool", whole, "names beginning with c and a digit are reserved for disk names");
    }
  }

  static void requireLength(String kind, String whole) {
    if (whole.length() > MAX_NAME_LENGTH) {
      throw new InvalidNameException(
          kind,
          whole,
          "it is " + whole.length() + " characters long, the limit is " + MAX_NAME_LENGTH);
    }
  }

  /** Renders a rejected name so that control characters cannot forge log lines. */
  public static String printable(String name) {
    if (name == null) {
      return "(null)";
    }
    StringBuilder out = new StringBuilder("'");
    int limit = Math.min(name.length(), 80);
    for (int i = 0; i < limit; i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && !Character.isLetterOrDigit(c))) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (name.length() > limit) {
      out.append("…");
    }
    return out.append('\'').toString();
  }

  private static String describeFirstBadChar(String component) {
    for (int i = 0; i < component.length(); i++) {
      char c = component.charAt(i);
      if (!COMPONENT.matcher(String.valueOf(c)).matches()) {
        return c < 0x20 || c == 0x7f || c >= 0x80
            ? String.format("character U+%04X", (int) c)
            : "'" + c + "'";
      }
    }
    return "nothing";
  }
}
