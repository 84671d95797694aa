package io.zferry.service.actions;

import io.zferry.snapshot.host.ProcessRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs an operator-supplied executable (a hook or the fence command) on this node through the
 * {@link ProcessRunner}: argv only, no shell, extra environment variables, a hard timeout after
 * which the program and its children are killed, and the tail of its combined output kept for the
 * event history.
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
    ProcessRunner.Result result;
    try {
      result =
          new ProcessRunner(List.of(), environment)
              .run(argv, timeout, ProcessRunner.Capture.combinedTail(OUTPUT_TAIL_BYTES));
    } catch (IOException e) {
      return new Outcome(
          -1,
          false,
          "could not start: " + e.getMessage(),
          Duration.ofNanos(System.nanoTime() - started));
    }
    return switch (result.ending()) {
      case EXITED -> new Outcome(result.exitCode(), false, result.stdout(), result.duration());
      case TIMED_OUT -> new Outcome(-1, true, result.stdout(), result.duration());
      case INTERRUPTED -> new Outcome(-1, false, "interrupted", result.duration());
    };
  }
}
