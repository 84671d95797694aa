package io.zferry.service.cli;

import io.zferry.gui.PasswordHashes;
import io.zferry.service.api.auth.Role;
import io.zferry.service.config.ApiUser;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code zferry passwd [--stdin] USER}: a GUI user's entry for {@code api.users}. */
@Command(
    name = "passwd",
    mixinStandardHelpOptions = true,
    description = {
      "Ask for a GUI password (twice, without echo) and print the api.users entry with its"
          + " argon2id hash. Paste it under api: users: in /etc/zferry/zferry.yaml on both nodes,"
          + " then restart zferryd. The password itself is never printed or stored."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the entry was printed",
      "1:no password could be read, or the two did not match",
      "2:wrong usage, such as an invalid user name"
    },
    footer = {
      "",
      "Examples:",
      "  zferry passwd --role operator admin",
      "  printf '%%s\\n' \"$password\" | zferry passwd --stdin alice"
    })
final class PasswdCommand implements Callable<Integer> {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}");
  static final int MIN_LENGTH = 8;

  /** Where --stdin reads; replaced by tests. */
  static Supplier<InputStream> stdin = () -> System.in;

  @Spec CommandSpec spec;

  @Option(
      names = "--stdin",
      description = "Read the password from the first line of standard input (for scripts).")
  boolean fromStdin;

  @Option(
      names = "--role",
      paramLabel = "ROLE",
      description =
          "viewer (reads; the default) or operator (also switchover, failover,"
              + " mark-sync-as-fixed, settings, divergence).")
  String role = Role.VIEWER.text();

  @Parameters(index = "0", paramLabel = "USER", description = "The login name.")
  String user;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (!NAME.matcher(user).matches()) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "'"
              + user
              + "' is not a valid user name; use 1 to 64 letters, digits, '_', '.', '@' or '-',"
              + " starting with a letter or a digit");
    }
    if (ApiUser.ROLES.stream().map(Role::text).noneMatch(role::equals)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--role " + role + " is not a GUI user's role; use viewer or operator");
    }
    char[] password = fromStdin ? fromStdin() : fromConsole();
    try {
      if (password.length < MIN_LENGTH) {
        throw CliFailure.failed(
            "the password has fewer than " + MIN_LENGTH + " characters; choose a longer one");
      }
      String hash = new PasswordHashes().hash(password);
      out.println(
          "# Add under api: in /etc/zferry/zferry.yaml on both nodes, then restart zferryd:");
      out.println("  users:");
      out.println("    - name: " + user);
      out.println("      passwordHash: \"" + hash + "\"");
      out.println("      role: " + role);
      out.flush();
      return ZferryCli.OK;
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private char[] fromStdin() {
    try {
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(stdin.get(), StandardCharsets.UTF_8));
      String line = reader.readLine();
      if (line == null || line.isEmpty()) {
        throw CliFailure.failed("standard input held no password; write it as the first line");
      }
      return line.toCharArray();
    } catch (IOException e) {
      throw CliFailure.failed("could not read standard input: " + e.getMessage());
    }
  }

  private static char[] fromConsole() {
    Console console = System.console();
    if (console == null) {
      throw CliFailure.failed(
          "no terminal to ask for the password; run it in a terminal or use --stdin");
    }
    char[] first = console.readPassword("New GUI password: ");
    char[] second = console.readPassword("Repeat it: ");
    if (first == null || second == null) {
      throw CliFailure.failed("no password was entered");
    }
    boolean same = Arrays.equals(first, second);
    Arrays.fill(second, '\0');
    if (!same) {
      Arrays.fill(first, '\0');
      throw CliFailure.failed("the two passwords differ; nothing was printed");
    }
    return first;
  }
}
