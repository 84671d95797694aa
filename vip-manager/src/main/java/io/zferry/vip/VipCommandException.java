package io.zferry.vip;

import java.time.Duration;
import java.util.List;

/**
 * A command failed: it exited with an unexpected status, printed something unreadable, could not be
 * started or ran out of time. It keeps the argv and the command's own stderr, because that is where
 * {@code ip} and {@code arping} say what is wrong ({@code Cannot find device "eth9"}).
 */
public final class VipCommandException extends VipException {
  private static final long serialVersionUID = 1L;

  /** The exit code reported when the command never exited by itself. */
  public static final int NO_EXIT_CODE = -1;

  private final List<String> argv;
  private final int exitCode;
  private final String stderr;

  /**
   * @param purpose what the command was for, e.g. "adding 10.99.0.100/24 on eth0"
   * @param argv the command
   * @param exitCode its exit status, or {@link #NO_EXIT_CODE}
   * @param problem how it failed, e.g. "exited with 1"
   * @param stderr its standard error
   */
  public VipCommandException(
      String purpose,
      List<String> argv,
      int exitCode,
      String problem,
      String stderr,
      Throwable cause) {
    super(describe(purpose, argv, problem, stderr), cause);
    this.argv = List.copyOf(argv);
    this.exitCode = exitCode;
    this.stderr = stderr == null ? "" : stderr;
  }

  /**
   * The command exited with a status its caller does not accept. Some arping errors ({@code
   * Interface "eth0" is down}) go to stdout; when stderr is empty the message quotes stdout.
   */
  public static VipCommandException failed(String purpose, CommandOutcome outcome) {
    String problem = "exited with " + outcome.exitCode();
    if (outcome.stderr().isBlank() && !outcome.stdout().isBlank()) {
      problem += " (stdout: " + VirtualIp.printable(outcome.stdout().strip()) + ")";
    }
    return new VipCommandException(
        purpose, outcome.argv(), outcome.exitCode(), problem, outcome.stderr(), null);
  }

  static VipCommandException timedOut(List<String> argv, Duration timeout, String stderr) {
    return new VipCommandException(
        "command",
        argv,
        NO_EXIT_CODE,
        "did not finish within " + timeout.toMillis() + " ms and was killed",
        stderr,
        null);
  }

  public List<String> argv() {
    return argv;
  }

  /** The exit status, or {@link #NO_EXIT_CODE} if it never exited by itself. */
  public int exitCode() {
    return exitCode;
  }

  /** What the command printed on standard error. */
  public String stderr() {
    return stderr;
  }

  static String commandLine(List<String> argv) {
    StringBuilder line = new StringBuilder();
    for (String arg : argv) {
      if (line.length() > 0) {
        line.append(' ');
      }
      boolean plain = !arg.isEmpty() && arg.chars().allMatch(c -> c > ' ' && c < 0x7f && c != '\'');
      line.append(plain ? arg : "'" + VirtualIp.printable(arg).replace("'", "'\\''") + "'");
    }
    return line.toString();
  }

  private static String describe(String purpose, List<String> argv, String problem, String stderr) {
    String detail = stderr == null || stderr.isBlank() ? "" : ": " + stderr.strip();
    return purpose + ": '" + commandLine(argv) + "' " + problem + detail;
  }
}
