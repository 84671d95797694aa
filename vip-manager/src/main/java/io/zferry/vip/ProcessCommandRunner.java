package io.zferry.vip;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands on this machine with {@link ProcessBuilder}. An optional argv prefix, such as
 * {@code nsenter --net=/run/netns/x --}, runs every command in another namespace; it is prepended
 * as list elements, never joined into a string. Commands run with {@code LC_ALL=C} so that their
 * output and messages are the ones the parsers here expect, and with standard input closed.
 */
public final class ProcessCommandRunner implements CommandRunner {
  static final int STDOUT_LIMIT_BYTES = 8 * 1024 * 1024;
  static final int STDERR_TAIL_BYTES = 16 * 1024;
  private static final long DRAIN_MILLIS = 2_000;

  private final List<String> prefix;

  public ProcessCommandRunner() {
    this(List.of());
  }

  public ProcessCommandRunner(List<String> prefix) {
    this.prefix = List.copyOf(prefix);
  }

  @Override
  public CommandOutcome run(List<String> argv, Duration timeout) {
    List<String> command = List.copyOf(argv);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("an empty argv runs nothing");
    }
    List<String> full = new ArrayList<>(prefix);
    full.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(full);
    builder.environment().put("LC_ALL", "C");
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new VipCommandException(
          "command",
          command,
          VipCommandException.NO_EXIT_CODE,
          "could not be started (" + e.getMessage() + ")",
          "",
          e);
    }
    closeQuietly(process.getOutputStream());
    Collector stdout = new Collector(process.getInputStream(), STDOUT_LIMIT_BYTES, false);
    Collector stderr = new Collector(process.getErrorStream(), STDERR_TAIL_BYTES, true);
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
        throw VipCommandException.timedOut(command, timeout, stderr.await());
      }
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      throw new VipCommandException(
          "command",
          command,
          VipCommandException.NO_EXIT_CODE,
          "was killed because the waiting thread was interrupted",
          stderr.await(),
          e);
    }
    int exitCode = process.exitValue();
    String out = stdout.await();
    String err = stderr.await();
    if (stdout.overflowed()) {
      throw new VipCommandException(
          "command",
          command,
          exitCode,
          "printed more than " + STDOUT_LIMIT_BYTES + " bytes",
          err,
          null);
    }
    return new CommandOutcome(command, exitCode, out, err);
  }

  @Override
  public String toString() {
    return prefix.isEmpty()
        ? "ProcessCommandRunner"
        : "ProcessCommandRunner[" + String.join(" ", prefix) + "]";
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // Closing stdin of a process that already exited can fail; nothing depends on it.
    }
  }

  /**
   * Drains one output stream on its own thread, so that a command filling one pipe cannot block
   * while the other is being read. Keeps the head up to a limit, or the tail for stderr.
   */
  private static final class Collector extends Thread {
    private final InputStream in;
    private final int limit;
    private final boolean keepTail;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private boolean overflowed;

    Collector(InputStream in, int limit, boolean keepTail) {
      super("vip-command-output");
      this.in = in;
      this.limit = limit;
      this.keepTail = keepTail;
      setDaemon(true);
      start();
    }

    @Override
    public void run() {
      byte[] buffer = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          append(buffer, n);
        }
      } catch (IOException e) {
        // The stream closes under us when a killed process is reaped: what was read is kept.
      }
    }

    private synchronized void append(byte[] buffer, int n) {
      if (kept.size() + n <= limit) {
        kept.write(buffer, 0, n);
        return;
      }
      overflowed = true;
      if (keepTail) {
        byte[] all = kept.toByteArray();
        kept.reset();
        int keepOld = Math.max(0, limit - n);
        kept.write(all, all.length - Math.min(keepOld, all.length), Math.min(keepOld, all.length));
        kept.write(buffer, Math.max(0, n - limit), Math.min(n, limit));
      }
    }

    /** What was read, after waiting a moment for the rest of the output to arrive. */
    String await() {
      try {
        join(DRAIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (this) {
        return kept.toString(StandardCharsets.UTF_8);
      }
    }

    synchronized boolean overflowed() {
      return overflowed;
    }
  }
}
