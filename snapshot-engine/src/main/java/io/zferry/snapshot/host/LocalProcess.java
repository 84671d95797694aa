package io.zferry.snapshot.host;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A process of this machine as a {@link RunningCommand}: its stderr's tail is collected. */
final class LocalProcess implements RunningCommand {
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
            ProcessRunner.STDERR_TAIL_BYTES);
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
