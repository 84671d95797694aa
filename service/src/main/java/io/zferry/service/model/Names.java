package io.zferry.service.model;

import io.zferry.snapshot.zfs.ZfsNames;
import java.util.regex.Pattern;

/**
 * The grammar shared by node and service names. It is the grammar {@code SshEndpoint} accepts for a
 * known_hosts alias, so a node name can always be used as one, and it needs no quoting in a log
 * line, a URL path segment, a metric label or a command argument. Used as is for the other names an
 * operator chooses, such as the cluster name.
 */
public final class Names {
  public static final String RULE =
      "1 to 63 letters, digits, '-', '_' or '.', starting with a letter or a digit";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

  private Names() {}

  /**
   * Returns {@code value} if it follows {@link #RULE}.
   *
   * @param kind what is named, for the message ("node", "cluster")
   * @throws IllegalArgumentException naming the value and the rule
   */
  public static String require(String kind, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(
          kind + " name " + ZfsNames.printable(value) + " is not accepted; use " + RULE);
    }
    return value;
  }
}
