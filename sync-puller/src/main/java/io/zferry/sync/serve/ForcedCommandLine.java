package io.zferry.sync.serve;

import io.zferry.sync.ssh.RemoteArguments;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits the command line an SSH client asked for ({@code SSH_ORIGINAL_COMMAND}) into argv, exactly
 * as {@link RemoteArguments} builds it and nothing more: words separated by spaces, each either
 * wrapped in single quotes or bare, made only of the characters {@link RemoteArguments#isAllowed}
 * permits, plus the space inside quotes ({@link RemoteArguments#isAllowedQuoted}: OpenZFS names may
 * hold one). No shell ever sees the line, and anything a shell would interpret ({@code $},
 * backticks, {@code ;}, {@code |}, {@code &}, redirections, double quotes, backslashes, tabs,
 * newlines, globs, non-ASCII) is refused here, inside quotes or not.
 *
 * <p>Bare words are accepted so that an operator can run the same operations with the OpenSSH
 * client ({@code ssh node zfs list -H -o name tank}); they obey the same character grammar.
 */
public final class ForcedCommandLine {
  /** Generous for zferry's longest command (a send with two snapshot names and four flags). */
  public static final int MAX_LINE_LENGTH = 4096;

  public static final int MAX_WORDS = 16;

  private ForcedCommandLine() {}

  /**
   * @throws RefusedCommandException naming the first thing that does not fit
   */
  public static List<String> parse(String line) {
    if (line == null) {
      throw new RefusedCommandException(
          "no command was given (an interactive login, a subsystem or port forwarding); this key"
              + " only runs the ZFS operations zferry needs");
    }
    if (line.length() > MAX_LINE_LENGTH) {
      throw new RefusedCommandException(
          "the command is " + line.length() + " characters long, the limit is " + MAX_LINE_LENGTH);
    }
    List<String> words = new ArrayList<>();
    int i = 0;
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      if (c == ' ') {
        i++;
        continue;
      }
      int start;
      int end;
      boolean quoted = c == '\'';
      if (quoted) {
        start = i + 1;
        end = line.indexOf('\'', start);
        if (end < 0) {
          throw new RefusedCommandException("unbalanced single quote at position " + i);
        }
        i = end + 1;
        if (i < n && line.charAt(i) != ' ') {
          throw refusal(line, i, "after a closing quote only a space or the end may follow");
        }
      } else {
        start = i;
        while (i < n && line.charAt(i) != ' ') {
          i++;
        }
        end = i;
      }
      if (start == end) {
        throw new RefusedCommandException("empty argument at position " + start);
      }
      if (end - start > RemoteArguments.MAX_ARGUMENT_LENGTH) {
        throw new RefusedCommandException(
            "argument "
                + (words.size() + 1)
                + " is "
                + (end - start)
                + " characters long, the limit is "
                + RemoteArguments.MAX_ARGUMENT_LENGTH);
      }
      for (int j = start; j < end; j++) {
        char d = line.charAt(j);
        if (quoted ? !RemoteArguments.isAllowedQuoted(d) : !RemoteArguments.isAllowed(d)) {
          throw refusal(
              line,
              j,
              "only "
                  + (quoted ? RemoteArguments.ALLOWED : RemoteArguments.ALLOWED_BARE)
                  + " are allowed");
        }
      }
      words.add(line.substring(start, end));
      if (words.size() > MAX_WORDS) {
        throw new RefusedCommandException("more than " + MAX_WORDS + " arguments");
      }
    }
    if (words.isEmpty()) {
      throw new RefusedCommandException("the command is empty");
    }
    return List.copyOf(words);
  }

  private static RefusedCommandException refusal(String line, int position, String rule) {
    return new RefusedCommandException(
        describe(line.charAt(position)) + " at position " + position + " is not allowed: " + rule);
  }

  static String describe(char c) {
    if (c < 0x20 || c >= 0x7f) {
      return String.format("character U+%04X", (int) c);
    }
    return c == ' ' ? "a space" : "'" + c + "'";
  }
}
