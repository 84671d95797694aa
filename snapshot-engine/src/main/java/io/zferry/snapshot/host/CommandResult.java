package io.zferry.snapshot.host;

/** The outcome of a command that ran to completion on some host. */
public record CommandResult(
    String host, Command command, int exitCode, String stdout, String stderr) {
  public boolean succeeded() {
    return exitCode == 0;
  }

  /** Returns this result, or throws a {@link CommandFailedException} carrying argv and stderr. */
  public CommandResult requireSuccess() {
    if (!succeeded()) {
      throw new CommandFailedException(host, command, exitCode, stderr);
    }
    return this;
  }
}
