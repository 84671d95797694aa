package io.zferry.snapshot.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands on this machine with {@link ProcessBuilder}. An optional argv prefix (such as an
 * {@code nsenter} invocation) places every command in another namespace; it is prepended as list
 * elements, never joined into a string.
 */
public final class LocalHost implements Host {
  static final int STDERR_TAIL_BYTES = 16 * 1024;

  private final String name;
  private final List<String> prefix;

  public LocalHost(String name) {
    this(name, List.of());
  }

  public LocalHost(String name, List<String> prefix) {
    this.name = name;
    this.prefix = List.copyOf(prefix);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public RunningCommand start(Command command) {
    List<String> argv = new ArrayList<>(prefix);
    argv.addAll(command.argv());
    ProcessBuilder builder = new ProcessBuilder(argv);
    try {
      return new LocalProcess(name, command, builder.start());
    } catch (IOException e) {
      throw new HostException(name, "could not start '" + command + "': " + e.getMessage(), e);
    }
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
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
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
