package io.zferry.service.cli;

/**
 * Ends a command with a message and an exit code; {@link ZferryCli} prints the message as {@code
 * zferry: <message>}. The message names what failed and the fix.
 */
final class CliFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  private CliFailure(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  /** The operation failed: exit code 1. */
  static CliFailure failed(String message) {
    return new CliFailure(ZferryCli.FAILED, message);
  }

  /** The command cannot run as given (no usable token file or config): exit code 2. */
  static CliFailure usage(String message) {
    return new CliFailure(ZferryCli.USAGE, message);
  }

  int exitCode() {
    return exitCode;
  }
}
