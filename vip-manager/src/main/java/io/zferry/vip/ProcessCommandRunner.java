package io.zferry.vip;

import io.zferry.snapshot.host.ProcessRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs commands on this machine through the {@link ProcessRunner} that runs every local program. An
 * optional argv prefix, such as {@code nsenter --net=/run/netns/x --}, runs every command in
 * another namespace; it is prepended as list elements, never joined into a string. Commands run
 * with {@code LC_ALL=C} so that their output and messages are the ones the parsers here expect, and
 * with standard input empty.
 */
public final class ProcessCommandRunner implements CommandRunner {
  static final int STDOUT_LIMIT_BYTES = 8 * 1024 * 1024;
  static final int STDERR_TAIL_BYTES = ProcessRunner.STDERR_TAIL_BYTES;

  private final List<String> prefix;
  private final ProcessRunner runner;

  public ProcessCommandRunner() {
    this(List.of());
  }

  public ProcessCommandRunner(List<String> prefix) {
    this.prefix = List.copyOf(prefix);
    this.runner = new ProcessRunner(prefix, Map.of("LC_ALL", "C"));
  }

  @Override
  public CommandOutcome run(List<String> argv, Duration timeout) {
    List<String> command = List.copyOf(argv);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("an empty argv runs nothing");
    }
    ProcessRunner.Result result;
    try {
      result = runner.run(command, timeout, ProcessRunner.Capture.bounded(STDOUT_LIMIT_BYTES));
    } catch (IOException e) {
      throw new VipCommandException(
          "command",
          command,
          VipCommandException.NO_EXIT_CODE,
          "could not be started (" + e.getMessage() + ")",
          "",
          e);
    }
    switch (result.ending()) {
      case TIMED_OUT -> throw VipCommandException.timedOut(command, timeout, result.stderr());
      case INTERRUPTED ->
          throw new VipCommandException(
              "command",
              command,
              VipCommandException.NO_EXIT_CODE,
              "was killed because the waiting thread was interrupted",
              result.stderr(),
              null);
      case EXITED -> {}
    }
    if (result.stdoutOverflowed()) {
      throw new VipCommandException(
          "command",
          command,
          result.exitCode(),
          "printed more than " + STDOUT_LIMIT_BYTES + " bytes",
          result.stderr(),
          null);
    }
    return new CommandOutcome(command, result.exitCode(), result.stdout(), result.stderr());
  }

  @Override
  public String toString() {
    return prefix.isEmpty()
        ? "ProcessCommandRunner"
        : "ProcessCommandRunner[" + String.join(" ", prefix) + "]";
  }
}
