package io.zferry.snapshot.host;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one way zferry runs a program on this machine: zfs and zpool (through {@link LocalHost}),
 * {@code ip} and {@code arping} (the VIP manager), hooks and the fence command. An argv list, never
 * a shell string; an optional argv prefix (such as {@code nsenter --net=... --}) prepended as list
 * elements; extra environment variables; a time-out measured on the monotonic clock; output kept up
 * to a bound; and on time-out the whole process tree killed, so a hook's children cannot live on.
 */
public final class ProcessRunner {
  /** The tail of stderr kept: a verbose tool's reason is at its end. */
  public static final int STDERR_TAIL_BYTES = 16 * 1024;

  /**
   * How long the output pipes are read after the program ended: what it wrote is in the pipe by
   * then, but a child it left behind may hold the pipe open for ever.
   */
  private static final long DRAIN_MILLIS = 5_000;

  private static final long REAP_MILLIS = 5_000;

  private final List<String> prefix;
  private final Map<String, String> environment;

  public ProcessRunner() {
    this(List.of(), Map.of());
  }

  /**
   * @param prefix prepended to every argv, e.g. an {@code nsenter} invocation
   * @param environment added to the daemon's environment for every program
   */
  public ProcessRunner(List<String> prefix, Map<String, String> environment) {
    this.prefix = List.copyOf(prefix);
    this.environment = Map.copyOf(environment);
  }

  /** How a run keeps the program's output. */
  public record Capture(int stdoutLimit, boolean combinedTail) {
    public Capture {
      if (stdoutLimit <= 0) {
        throw new IllegalArgumentException("an output bound must be positive: " + stdoutLimit);
      }
    }

    /** Standard output up to {@code limit} bytes (output that is parsed), stderr's tail apart. */
    public static Capture bounded(int limit) {
      return new Capture(limit, false);
    }

    /** Standard output and error interleaved, the last {@code bytes} of them (hooks, fencing). */
    public static Capture combinedTail(int bytes) {
      return new Capture(bytes, true);
    }
  }

  /** How a run ended. */
  public enum Ending {
    EXITED,
    /** Killed with its descendants for running past its time-out. */
    TIMED_OUT,
    /** Killed with its descendants because the waiting thread was interrupted. */
    INTERRUPTED
  }

  /**
   * @param exitCode the program's exit code, or -1 unless it {@link Ending#EXITED}
   * @param stdout standard output (with {@link Capture#combinedTail}, the tail of both streams)
   * @param stdoutOverflowed whether standard output went beyond the bound and was cut
   * @param stderr the tail of standard error; empty with {@link Capture#combinedTail}
   * @param stdoutEnded whether standard output reached its end; false if a process left behind
   *     still holds it, and then it may lack its last part (stderr's tail is best effort)
   * @param duration how long it ran, on the monotonic clock
   */
  public record Result(
      List<String> argv,
      Ending ending,
      int exitCode,
      String stdout,
      boolean stdoutOverflowed,
      String stderr,
      boolean stdoutEnded,
      Duration duration) {
    public Result {
      argv = List.copyOf(argv);
    }
  }

  /** The argv as run: the prefix, then {@code argv}. */
  public List<String> fullArgv(List<String> argv) {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("an empty argv runs nothing");
    }
    List<String> full = new ArrayList<>(prefix);
    full.addAll(argv);
    return full;
  }

  /**
   * Starts {@code argv} with its standard streams as pipes, for a caller that streams them (a
   * {@code zfs send} feeding a receive); the caller waits and kills with {@link #killTree}.
   */
  public Process start(List<String> argv) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(fullArgv(argv));
    builder.environment().putAll(environment);
    return builder.start();
  }

  /**
   * Runs {@code argv} to completion with standard input from /dev/null.
   *
   * @throws IOException if the program could not be started
   */
  public Result run(List<String> argv, Duration timeout, Capture capture) throws IOException {
    long started = System.nanoTime();
    ProcessBuilder builder =
        new ProcessBuilder(fullArgv(argv))
            .redirectErrorStream(capture.combinedTail())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().putAll(environment);
    Process process = builder.start();
    String program = argv.get(0);
    OutputCollector stdout =
        capture.combinedTail()
            ? OutputCollector.tail(
                process.getInputStream(), program + " output", capture.stdoutLimit())
            : OutputCollector.head(
                process.getInputStream(), program + " stdout", capture.stdoutLimit());
    OutputCollector stderr =
        capture.combinedTail()
            ? null
            : OutputCollector.tail(
                process.getErrorStream(), program + " stderr", STDERR_TAIL_BYTES);
    Ending ending;
    try {
      ending =
          process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)
              ? Ending.EXITED
              : Ending.TIMED_OUT;
    } catch (InterruptedException e) {
      ending = Ending.INTERRUPTED;
    }
    if (ending != Ending.EXITED) {
      killTree(process);
      reap(process);
    }
    String out = stdout.awaitText(DRAIN_MILLIS);
    String err = stderr == null ? "" : stderr.awaitText(DRAIN_MILLIS);
    if (ending == Ending.INTERRUPTED) {
      Thread.currentThread().interrupt();
    }
    return new Result(
        fullArgv(argv),
        ending,
        ending == Ending.EXITED ? process.exitValue() : -1,
        out,
        stdout.overflowed(),
        err,
        stdout.ended(),
        Duration.ofNanos(System.nanoTime() - started));
  }

  /**
   * Kills a program and every process it started: the program first, so that it cannot start
   * another (a shell runs its next command once its child died), then the descendants it had,
   * listed before, since once it is gone they belong to init and are no longer its descendants.
   */
  public static void killTree(Process process) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  private static void reap(Process process) {
    boolean interrupted = Thread.interrupted();
    try {
      process.waitFor(REAP_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
