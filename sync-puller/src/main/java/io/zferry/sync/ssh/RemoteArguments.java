package io.zferry.sync.ssh;

import io.zferry.snapshot.host.Command;
import java.util.List;
import java.util.StringJoiner;

/**
 * Turns an argv list into the one string an SSH exec request carries, which the peer's login shell
 * then splits again. Two independent defences: every argument must fit a grammar that has no
 * character a shell treats specially (so even a quoting mistake could not inject anything), and
 * every argument is then wrapped in single quotes (so no word splitting or globbing applies).
 *
 * <p>The grammar {@code [A-Za-z0-9_.:/@#,=+ -]+} covers what zferry sends: ZFS dataset, snapshot
 * and bookmark names ({@code tank/a@s1}, {@code tank/a#b}, {@code tank/my data@s1}: OpenZFS allows
 * a space in names), options ({@code -o}, {@code compression=lz4}, {@code name,guid}), absolute
 * paths and numbers. The space is the one character of it a shell would act on (it splits words);
 * the single quotes keep it inside its argument, and the serving side splits only on spaces outside
 * quotes. Nothing else reaches the wire: no quote, {@code $}, backtick, {@code ;}, {@code |},
 * {@code &}, {@code %}, {@code *}, {@code ~}, tab, newline, other control or non-ASCII character
 * (no-break space included), no empty argument (zferry never needs one, and an empty value is more
 * likely a missing name than an intent) and no argument longer than {@value #MAX_ARGUMENT_LENGTH}
 * characters.
 */
public final class RemoteArguments {
  public static final int MAX_ARGUMENT_LENGTH = 1024;

  /** The allowed characters, for messages. */
  public static final String ALLOWED = "letters, digits, space and _ . : / @ # , = + -";

  /** The allowed characters of an argument outside quotes, for messages. */
  public static final String ALLOWED_BARE = "letters, digits and _ . : / @ # , = + -";

  private RemoteArguments() {}

  /**
   * Validates every argument and returns the quoted command line.
   *
   * @throws InvalidRemoteArgumentException naming the first argument that does not fit
   */
  public static String commandLine(Command command) {
    List<String> argv = command.argv();
    StringJoiner line = new StringJoiner(" ");
    for (int i = 0; i < argv.size(); i++) {
      String argument = argv.get(i);
      requireAllowed(argv.get(0), i, argument);
      // Safe because the grammar excludes the single quote itself.
      line.add("'" + argument + "'");
    }
    return line.toString();
  }

  /** Checks a command early, e.g. before a connection is opened for it. */
  public static void validate(Command command) {
    commandLine(command);
  }

  private static void requireAllowed(String program, int index, String argument) {
    if (argument.isEmpty()) {
      throw new InvalidRemoteArgumentException(program, index, argument, "it is empty");
    }
    if (argument.length() > MAX_ARGUMENT_LENGTH) {
      throw new InvalidRemoteArgumentException(
          program,
          index,
          argument,
          "it is " + argument.length() + " characters long, the limit is " + MAX_ARGUMENT_LENGTH);
    }
    for (int i = 0; i < argument.length(); i++) {
      char c = argument.charAt(i);
      // A program's name never needs a space; a name's argument may (OpenZFS allows it).
      boolean allowed = index == 0 ? isAllowed(c) : isAllowedQuoted(c);
      if (!allowed) {
        throw new InvalidRemoteArgumentException(
            program,
            index,
            argument,
            describe(c)
                + " at position "
                + i
                + " is not allowed; only "
                + (index == 0 ? ALLOWED_BARE : ALLOWED)
                + " are");
      }
    }
  }

  /**
   * Whether {@code c} may appear in a single-quoted remote argument: a bare one's characters and
   * the space.
   */
  public static boolean isAllowedQuoted(char c) {
    return c == ' ' || isAllowed(c);
  }

  /** Whether {@code c} may appear in a remote argument outside quotes (no space: it splits). */
  public static boolean isAllowed(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "_.:/@#,=+-".indexOf(c) >= 0;
  }

  private static String describe(char c) {
    if (c < 0x20 || c >= 0x7f) {
      return String.format("character U+%04X", (int) c);
    }
    return c == ' ' ? "a space" : "'" + c + "'";
  }
}
