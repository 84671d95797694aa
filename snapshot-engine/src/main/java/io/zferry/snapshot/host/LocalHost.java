package io.zferry.snapshot.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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

  private static final class LocalProcess implements RunningCommand {
    private final String host;
    private final Command command;
    private final Process process;
    private final OutputCollector stderr;

    LocalProcess(String host, Command command, Process process) {
      this.host = host;
      this.command = command;
      this.process = process;
      this.stderr =
          OutputCollector.tail(
              process.getErrorStream(),
              host + " " + command.program() + " stderr",
              STDERR_TAIL_BYTES);
    }

    @Override
    public Command command() {
      return command;
    }

    @Override
    public String host() {
      return host;
    }

    @Override
    public OutputStream stdin() {
      return process.getOutputStream();
    }

    @Override
    public InputStream stdout() {
      return process.getInputStream();
    }

    @Override
    public String stderrSoFar() {
      return stderr.snapshotText();
    }

    @Override
    public CommandResult await(Duration timeout) {
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          kill();
          throw new HostException(
              host, "'" + command + "' did not finish within " + timeout + " and was killed");
        }
      } catch (InterruptedException e) {
        kill();
        Thread.currentThread().interrupt();
        throw new HostException(host, "interrupted while waiting for '" + command + "'", e);
      }
      return new CommandResult(host, command, process.exitValue(), "", stderr.awaitText(2_000));
    }

    @Override
    public void kill() {
      ProcessRunner.killTree(process);
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        kill();
      }
      closeQuietly(process.getOutputStream());
      closeQuietly(process.getInputStream());
    }

    private static void closeQuietly(AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // Closing a stream of a finished process can fail harmlessly.
      }
    }
  }
}
