package io.zferry.service.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.gui.PasswordHashes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PasswdCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @AfterEach
  void restoreStdin() {
    PasswdCommand.stdin = () -> System.in;
  }

  private int run(String stdin, String... args) {
    PasswdCommand.stdin = () -> new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    return ZferryCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void printsAUsersEntryWhoseHashVerifiesThePasswordWithoutPrintingIt() {
    int code = run("long enough secret\n", "passwd", "--stdin", "alice");

    assertThat(code).isZero();
    String text = out.toString();
    assertThat(text).contains("  users:\n    - name: alice\n").doesNotContain("long enough secret");
    Matcher m = Pattern.compile("passwordHash: \"([^\"]+)\"").matcher(text);
    assertThat(m.find()).isTrue();
    assertThat(new PasswordHashes().verify("long enough secret".toCharArray(), m.group(1)))
        .isTrue();
  }

  @Test
  void theHelpShowsTheStdinExampleAsTypedWithoutAFormattingWarning() {
    // picocli formats help text: a bare %s is not formatted, and picocli warns on System.err.
    ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
    try {
      assertThat(run("", "passwd", "--help")).isZero();
    } finally {
      System.setErr(stderr);
    }

    assertThat(out.toString())
        .contains("  printf '%s\\n' \"$password\" | zferry passwd --stdin alice");
    assertThat(warnings.toString(StandardCharsets.UTF_8)).doesNotContain("Could not format");
  }

  @Test
  void aShortOrMissingPasswordOrABadNameIsRefused() {
    assertThat(run("short\n", "passwd", "--stdin", "alice")).isEqualTo(ZferryCli.FAILED);
    assertThat(err.toString()).contains("fewer than 8 characters");
    assertThat(run("", "passwd", "--stdin", "alice")).isEqualTo(ZferryCli.FAILED);
    assertThat(err.toString()).contains("standard input held no password");
    assertThat(run("long enough secret\n", "passwd", "--stdin", "-bad name"))
        .isEqualTo(ZferryCli.USAGE);
    assertThat(out.toString()).doesNotContain("passwordHash");
  }
}
