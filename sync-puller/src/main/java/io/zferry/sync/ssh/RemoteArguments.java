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
 * <p>The grammar {@code [A-Za-z0-9_.:/@#,=+-]+} covers what zferry sends: ZFS dataset, snapshot and
 * bookmark names ({@code tank/a@s1}, {@code tank/a#b}), options ({@code -o}, {@code
 * compression=lz4}, {@code name,guid}), absolute paths and numbers. Nothing else reaches the wire:
 * no space, quote, {@code $}, backtick, {@code ;}, {@code |}, {@code &}, {@code %}, {@code *},
 * {@code ~}, control or non-ASCII character, no empty argument (zferry never needs one, and an
 * empty value is more likely a missing name than an intent) and no argument longer than {@value
 * #MAX_ARGUMENT_LENGTH} characters.
 */
public final class RemoteArguments {
  public static final int MAX_ARGUMENT_LENGTH = 1024;

  /** The allowed characters, for messages. */
  public static final String ALLOWED = "letters, digits and _ . : / @ # , = + -";

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
      if (!isAllowed(c)) {
        throw new InvalidRemoteArgumentException(
            program,
            index,
            argument,
            describe(c) + " at position " + i + " is not allowed; only " + ALLOWED + " are");
      }
    }
  }

  /** Whether {@code c} may appear in a remote argument (and so in a forced command line). */
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
