package io.zferry.sync.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.snapshot.host.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RemoteArgumentsTest {

  static Stream<Arguments> badArguments() {
    return Stream.of(
        Arguments.of("", "it is empty"),
        Arguments.of("it's", "'''"),
        Arguments.of("\"x\"", "'\"'"),
        Arguments.of("$HOME", "'$'"),
        Arguments.of("${IFS}", "'$'"),
        Arguments.of("`id`", "'`'"),
        Arguments.of("$(id)", "'$'"),
        Arguments.of(";touch", "';'"),
        Arguments.of("x;touch /tmp/x", "';'"),
        Arguments.of("a|b", "'|'"),
        Arguments.of("a&b", "'&'"),
        Arguments.of("a&&b", "'&'"),
        Arguments.of("tank/a@s1%s3", "'%'"),
        Arguments.of("a\nb", "U+000A"),
        Arguments.of("a\rb", "U+000D"),
        Arguments.of("a\tb", "U+0009"),
        Arguments.of("\u0007", "U+0007"),
        Arguments.of("\u007f", "U+007F"),
        Arguments.of("tank/caf\u00e9", "U+00E9"),
        Arguments.of("a\uff1bb", "U+FF1B"), // fullwidth semicolon
        Arguments.of("a\u00a0b", "U+00A0"), // no-break space
        Arguments.of("*", "'*'"),
        Arguments.of("a?", "'?'"),
        Arguments.of("~root", "'~'"),
        Arguments.of("a>b", "'>'"),
        Arguments.of("<in", "'<'"),
        Arguments.of("(x)", "'('"),
        Arguments.of("{a,b}", "'{'"),
        Arguments.of("[a]", "'['"),
        Arguments.of("a\\b", "'\\'"),
        Arguments.of("!x", "'!'"),
        Arguments.of("x".repeat(RemoteArguments.MAX_ARGUMENT_LENGTH + 1), "the limit is 1024"));
  }

  @ParameterizedTest
  @MethodSource("badArguments")
  void refusesArgumentsOutsideTheGrammar(String bad, String reason) {
    Command command = Command.of("zfs", "list", bad);

    assertThatThrownBy(() -> RemoteArguments.commandLine(command))
        .isInstanceOf(InvalidRemoteArgumentException.class)
        .hasMessageStartingWith("argument 2 ")
        .hasMessageContaining("of 'zfs'")
        .hasMessageContaining(reason)
        .satisfies(e -> assertThat(((InvalidRemoteArgumentException) e).index()).isEqualTo(2))
        // The message never carries a raw control character that could forge a log line.
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\r", "\u0007"));
  }

  @Test
  void quotesANameWithASpaceAsOneArgument() {
    assertThat(RemoteArguments.commandLine(Command.of("zfs", "list", "tank/my data")))
        .isEqualTo("'zfs' 'list' 'tank/my data'");
  }

  @Test
  void refusesABadProgramName() {
    assertThatThrownBy(() -> RemoteArguments.commandLine(Command.of("rm -rf", "x")))
        .isInstanceOf(InvalidRemoteArgumentException.class)
        .hasMessageStartingWith("argument 0 'rm -rf' cannot be sent")
        .satisfies(e -> assertThat(((InvalidRemoteArgumentException) e).index()).isZero());
  }

  @Test
  void namesTheFirstBadArgumentAndEscapesIt() {
    Command command = Command.of("zfs", "send", "tank/a@s1", "x\n;reboot");

    assertThatThrownBy(() -> RemoteArguments.commandLine(command))
        .hasMessage(
            "argument 3 'x\\u000a;reboot' of 'zfs' cannot be sent to a remote host: character"
                + " U+000A at position 1 is not allowed; only letters, digits, space and _ . : / @ #"
                + " , = + - are");
  }

  @Test
  void acceptsTheLongestAllowedArgument() {
    String longest = "a".repeat(RemoteArguments.MAX_ARGUMENT_LENGTH);
    assertThat(RemoteArguments.commandLine(Command.of("echo", longest)))
        .isEqualTo("'echo' '" + longest + "'");
  }

  @Test
  void quotesEveryArgument() {
    Command command =
        Command.of("zfs", "send", "-I", "tank/data@zf-2024-01-01T00:00:00Z", "tank/data@s2");

    assertThat(RemoteArguments.commandLine(command))
        .isEqualTo("'zfs' 'send' '-I' 'tank/data@zf-2024-01-01T00:00:00Z' 'tank/data@s2'");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "zfs",
        "/sbin/zfs",
        "-H",
        "-o",
        "name,guid,createtxg,creation",
        "compression=lz4",
        "tank",
        "tank/a/b-c_d.e:f",
        "tank/a@snap",
        "tank/a#bookmark",
        "user@host",
        "+1",
        "-",
        "--",
        "1099511627776",
        "_.:/@#,=+-"
      })
  void roundTripsAllowedArgumentsThroughShellQuoting(String argument) {
    List<String> argv = List.of("prog", argument, "last");

    String line = RemoteArguments.commandLine(new Command(argv));

    assertThat(splitLikeAPosixShell(line)).isEqualTo(argv);
  }

  @Test
  void validateChecksWithoutQuoting() {
    RemoteArguments.validate(Command.of("zfs", "list"));
    assertThatThrownBy(() -> RemoteArguments.validate(Command.of("zfs", "$x")))
        .isInstanceOf(InvalidRemoteArgumentException.class);
  }

  /**
   * Word splitting and quote removal as POSIX sh does it for input made of blanks, single-quoted
   * strings and plain characters (the only constructs the quoted line can contain). Any other
   * special character fails the test, since the grammar should have kept it out.
   */
  static List<String> splitLikeAPosixShell(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == ' ') {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        assertThat(end).as("closing quote").isPositive();
        word = word == null ? new StringBuilder() : word;
        word.append(line, i + 1, end);
        i = end;
      } else {
        assertThat("$`\\\"|&;<>()*?[~!{}#\n%").as("special outside quotes").doesNotContain("" + c);
        word = word == null ? new StringBuilder() : word;
        word.append(c);
      }
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }
}
