package io.zferry.sync.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.snapshot.host.Command;
import io.zferry.sync.ssh.RemoteArguments;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ForcedCommandLineTest {
  @Test
  void readsBackExactlyWhatTheClientQuoted() {
    List<String> argv =
        List.of(
            "zfs",
            "send",
            "-I",
            "tank/data@zferry-2026-01-01T00:00:00Z",
            "tank/data@zferry-2026-01-01T00:05:00Z");
    String line = RemoteArguments.commandLine(new Command(argv));

    assertThat(ForcedCommandLine.parse(line)).isEqualTo(argv);
  }

  @Test
  void aSpaceInsideQuotesStaysInItsArgument() {
    List<String> argv = List.of("zfs", "send", "-I", "tank/my data@s 1", "tank/my data@s 2");

    assertThat(ForcedCommandLine.parse(RemoteArguments.commandLine(new Command(argv))))
        .isEqualTo(argv);
    assertThat(ForcedCommandLine.parse("zfs list -H -o name 'tank/a  b '"))
        .containsExactly("zfs", "list", "-H", "-o", "name", "tank/a  b ");
  }

  @Test
  void quotesMakeNoOtherCharacterSafe() {
    for (String line :
        List.of(
            "zfs list 'tank/a b;id'",
            "zfs list 'tank/a\tb'",
            "zfs list 'tank/a\u00a0b'",
            "zfs list 'tank/a $(id)'",
            "zfs list 'tank/a\nb'")) {
      assertThatThrownBy(() -> ForcedCommandLine.parse(line))
          .as(line)
          .isInstanceOf(RefusedCommandException.class);
    }
  }

  @Test
  void acceptsBareWordsAsTheOpenSshClientSendsThem() {
    assertThat(ForcedCommandLine.parse("zfs list -H -o name tank"))
        .containsExactly("zfs", "list", "-H", "-o", "name", "tank");
    assertThat(ForcedCommandLine.parse("  zfs   version  ")).containsExactly("zfs", "version");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "zfs list 'tank",
        "zfs list 'tank'x",
        "zfs list ''",
        "zfs list \"tank\"",
        "zfs list tank;id",
        "zfs list $(id)",
        "zfs list `id`",
        "zfs list tank|id",
        "zfs list tank&",
        "zfs list >x",
        "zfs list <x",
        "zfs list tank\nid",
        "zfs\tlist",
        "zfs list ta\\nk",
        "zfs list 'tank\u00a0id'",
        "zfs list 'tank\tid'",
        "zfs list t\u0430nk",
      })
  void refusesWhatAShellWouldInterpret(String line) {
    assertThatThrownBy(() -> ForcedCommandLine.parse(line))
        .isInstanceOf(RefusedCommandException.class);
  }

  @Test
  void namesTheOffendingCharacterAndItsPosition() {
    assertThatThrownBy(() -> ForcedCommandLine.parse("zfs list tank;id"))
        .hasMessage(
            "';' at position 13 is not allowed: only "
                + RemoteArguments.ALLOWED_BARE
                + " are allowed");
    assertThatThrownBy(() -> ForcedCommandLine.parse("zfs list 'tank;id'"))
        .hasMessage(
            "';' at position 14 is not allowed: only " + RemoteArguments.ALLOWED + " are allowed");
    assertThatThrownBy(() -> ForcedCommandLine.parse("zfs list tank\nid"))
        .hasMessageStartingWith("character U+000A at position 13");
  }

  @Test
  void refusesAMissingCommandAsAnInteractiveLogin() {
    assertThatThrownBy(() -> ForcedCommandLine.parse(null))
        .hasMessageContaining("interactive login");
  }

  @Test
  void refusesOverLongLinesAndArguments() {
    assertThatThrownBy(() -> ForcedCommandLine.parse("zfs " + "x".repeat(5000)))
        .hasMessageContaining("the limit is " + ForcedCommandLine.MAX_LINE_LENGTH);
    assertThatThrownBy(() -> ForcedCommandLine.parse("zfs " + "x".repeat(1025)))
        .hasMessageContaining("the limit is " + RemoteArguments.MAX_ARGUMENT_LENGTH);
    assertThatThrownBy(() -> ForcedCommandLine.parse("zfs" + " -H".repeat(20)))
        .hasMessageContaining("more than " + ForcedCommandLine.MAX_WORDS);
  }
}
