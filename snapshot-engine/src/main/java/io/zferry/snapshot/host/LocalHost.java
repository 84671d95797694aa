package io.zferry.snapshot.host;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs commands on this machine through the {@link ProcessRunner}. An optional argv prefix (such as
 * an {@code nsenter} invocation) places every command in another namespace; it is prepended as list
 * elements, never joined into a string.
 */
public final class LocalHost implements Host {
  static final int STDERR_TAIL_BYTES = ProcessRunner.STDERR_TAIL_BYTES;

  /**
   * Output beyond this is a runaway program, not a listing: {@code zfs list} of 100,000 snapshots
   * prints about 12 MB.
   */
  static final int STDOUT_LIMIT_BYTES = 64 * 1024 * 1024;

  private final String name;
  private final ProcessRunner runner;

  public LocalHost(String name) {
    this(name, List.of());
  }

  public LocalHost(String name, List<String> prefix) {
    this.name = name;
    this.runner = new ProcessRunner(prefix, Map.of());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public RunningCommand start(Command command) {
    try {
      return new LocalProcess(name, command, runner.start(command.argv()));
    } catch (IOException e) {
      throw new HostException(name, "could not start '" + command + "': " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<LocalLaunch> launch(Command command) {
    // Reported as the command itself, without the prefix that places it.
    return Optional.of(
        new LocalLaunch(
            name,
            runner.fullArgv(command.argv()),
            process -> new StandInCommand(command, process)));
  }

  @Override
  public boolean launchesLocally() {
    return true;
  }

  /** Runs a command with no input; its output is bounded, and a time-out kills its process tree. */
  @Override
  public CommandResult run(Command command, Duration timeout) {
    ProcessRunner.Result result;
    try {
      result =
          runner.run(command.argv(), timeout, ProcessRunner.Capture.bounded(STDOUT_LIMIT_BYTES));
    } catch (IOException e) {
      throw new HostException(name, "could not start '" + command + "': " + e.getMessage(), e);
    }
    switch (result.ending()) {
      case TIMED_OUT ->
          throw new HostException(
              name, "'" + command + "' did not finish within " + timeout + " and was killed");
      case INTERRUPTED ->
          throw new HostException(name, "interrupted while waiting for '" + command + "'");
      case EXITED -> {}
    }
    if (result.stdoutOverflowed()) {
      throw new HostException(
          name,
          "'" + command + "' printed more than " + STDOUT_LIMIT_BYTES + " bytes; output not used");
    }
    if (!result.stdoutEnded()) {
      throw new HostException(
          name,
          "'"
              + command
              + "' exited, but a process it left behind holds its output open; output not used");
    }
    return new CommandResult(name, command, result.exitCode(), result.stdout(), result.stderr());
  }

  @Override
  public String toString() {
    return "LocalHost[" + name + "]";
  }
}
