package io.zferry.snapshot.host;

import java.util.List;

/** A command ran and exited non-zero (or without an exit status, reported as -1). */
public class CommandFailedException extends HostException {
  private static final long serialVersionUID = 1L;
  private final List<String> argv;
  private final int exitCode;
  private final String stderr;

  public CommandFailedException(String host, Command command, int exitCode, String stderr) {
    super(host, describe(command, exitCode, stderr));
    this.argv = command.argv();
    this.exitCode = exitCode;
    this.stderr = stderr == null ? "" : stderr;
  }

  private static String describe(Command command, int exitCode, String stderr) {
    String status = exitCode < 0 ? "ended without an exit status" : "exited with " + exitCode;
    String detail = stderr == null || stderr.isBlank() ? "" : ": " + stderr.strip();
    return "'" + command + "' " + status + detail;
  }

  public List<String> argv() {
    return argv;
  }

  public int exitCode() {
    return exitCode;
  }

  public String stderr() {
    return stderr;
  }
}
