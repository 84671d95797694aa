package io.zferry.service.actions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an operator-supplied executable (a hook or the fence command) on this node: argv only, no
 * shell, extra environment variables, a hard timeout after which the program and its children are
 * killed, and the tail of its combined output kept for the event history.
 */
public final class LocalProgram {
  private static final int OUTPUT_TAIL_BYTES = 4096;

  private LocalProgram() {}

  /**
   * @param exitCode the program's exit code, or -1 if it did not start or was killed
   * @param timedOut whether it was killed for running too long
   * @param output the last few KB of its standard output and error
   * @param duration how long it ran
   */
  public record Outcome(int exitCode, boolean timedOut, String output, Duration duration) {
    public boolean succeeded() {
      return exitCode == 0 && !timedOut;
    }

    /** One line for logs and events: "exit 0", "exit 3: <output tail>", "timed out after 5s". */
    public String summary() {
      String tail = output.strip();
      int cut = tail.lastIndexOf('\n');
      String lastLine = cut < 0 ? tail : tail.substring(cut + 1);
      if (timedOut) {
        return "timed out after " + duration.toSeconds() + "s";
      }
      return "exit " + exitCode + (lastLine.isEmpty() ? "" : ": " + lastLine);
    }
  }

  public static Outcome run(List<String> argv, Map<String, String> environment, Duration timeout) {
    long started = System.nanoTime();
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
    builder.environment().putAll(environment);
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return new Outcome(-1, false, "could not start: " + e.getMessage(), since(started));
    }
    TailCollector output = new TailCollector(process.getInputStream());
    Thread reader = new Thread(output, "program-output");
    reader.setDaemon(true);
    reader.start();
    try {
      boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        killWithDescendants(process);
        process.waitFor(5, TimeUnit.SECONDS);
        reader.join(1000);
        return new Outcome(-1, true, output.text(), since(started));
      }
      reader.join(1000);
      return new Outcome(process.exitValue(), false, output.text(), since(started));
    } catch (InterruptedException e) {
      killWithDescendants(process);
      Thread.currentThread().interrupt();
      return new Outcome(-1, false, "interrupted", since(started));
    }
  }

  /**
   * The program first, so that it cannot go on (a shell would run its next command once its child
   * died), then the descendants it had: listed before, since once it is gone they belong to init.
   */
  private static void killWithDescendants(Process process) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  private static Duration since(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  /** Keeps the last bytes only: a chatty hook must not fill the daemon's memory. */
  private static final class TailCollector implements Runnable {
    private final InputStream in;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

    TailCollector(InputStream in) {
      this.in = in;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[8192];
      try (in) {
        int read;
        while ((read = in.read(buffer)) >= 0) {
          synchronized (kept) {
            kept.write(buffer, 0, read);
            if (kept.size() > 2 * OUTPUT_TAIL_BYTES) {
              byte[] all = kept.toByteArray();
              kept.reset();
              kept.write(all, all.length - OUTPUT_TAIL_BYTES, OUTPUT_TAIL_BYTES);
            }
          }
        }
      } catch (IOException e) {
        // The program closed its output or was killed: what was read so far is kept.
      }
    }

    String text() {
      synchronized (kept) {
        byte[] all = kept.toByteArray();
        int from = Math.max(0, all.length - OUTPUT_TAIL_BYTES);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
      }
    }
  }
}
