package io.zferry.snapshot.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one local process runner, over real programs (sh, sleep). */
class ProcessRunnerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private final ProcessRunner runner = new ProcessRunner();

  @Test
  void aTimeOutKillsTheWholeProcessTree(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve("child.pid");
    ProcessRunner.Result result =
        runner.run(
            List.of("sh", "-c", "sleep 60 & echo $! > " + pidFile + "; wait; echo never"),
            Duration.ofMillis(500),
            ProcessRunner.Capture.combinedTail(4096));

    assertThat(result.ending()).isEqualTo(ProcessRunner.Ending.TIMED_OUT);
    assertThat(result.exitCode()).isEqualTo(-1);
    assertThat(result.stdout()).doesNotContain("never");
    long child = Long.parseLong(Files.readString(pidFile).strip());
    assertThat(runsWithin(child, Duration.ofSeconds(5)))
        .as("the shell's child is killed with it")
        .isFalse();
  }

  /** Whether {@code pid} still runs after {@code wait}; a killed child not yet reaped does not. */
  private static boolean runsWithin(long pid, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() - deadline < 0) {
      Path stat = Path.of("/proc/" + pid + "/stat");
      String state;
      try {
        String text = Files.readString(stat);
        state = text.substring(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3);
      } catch (IOException gone) {
        return false;
      }
      if (state.equals("Z") || state.equals("X")) {
        return false;
      }
      Thread.sleep(50);
    }
    return true;
  }

  @Test
  void standardOutputIsBoundedAndTheProgramIsNotBlocked() throws IOException {
    ProcessRunner.Result result =
        runner.run(
            List.of("sh", "-c", "head -c 300000 /dev/zero | tr '\\0' x; echo done >&2"),
            TIMEOUT,
            ProcessRunner.Capture.bounded(1000));

    assertThat(result.ending()).isEqualTo(ProcessRunner.Ending.EXITED);
    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).hasSize(1000);
    assertThat(result.stdoutOverflowed()).isTrue();
    assertThat(result.stderr()).isEqualTo("done\n");
    assertThat(result.stdoutEnded()).isTrue();
  }

  @Test
  void aCombinedTailKeepsTheLastBytesOfBothStreams() throws IOException {
    ProcessRunner.Result result =
        runner.run(
            List.of("sh", "-c", "head -c 20000 /dev/zero | tr '\\0' x; echo last >&2"),
            TIMEOUT,
            ProcessRunner.Capture.combinedTail(100));

    assertThat(result.stdout()).hasSize(100).endsWith("xlast\n");
    assertThat(result.stderr()).isEmpty();
  }

  @Test
  void thePrefixAndEnvironmentApplyToEveryProgramAndStdinIsEmpty() throws IOException {
    ProcessRunner wrapped =
        new ProcessRunner(List.of("env", "ZFERRY_A=1"), Map.of("ZFERRY_B", "2"));

    ProcessRunner.Result result =
        wrapped.run(
            List.of("sh", "-c", "echo $ZFERRY_A$ZFERRY_B; cat; echo end"),
            TIMEOUT,
            ProcessRunner.Capture.bounded(1000));

    assertThat(result.stdout()).isEqualTo("12\nend\n");
    assertThat(result.argv()).startsWith("env", "ZFERRY_A=1", "sh");
  }

  @Test
  void aProgramThatCannotStartIsAnIoException() {
    assertThatThrownBy(
            () ->
                runner.run(
                    List.of("/nonexistent/hook"), TIMEOUT, ProcessRunner.Capture.bounded(100)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("/nonexistent/hook");
  }

  @Test
  void anInterruptedWaitKillsTheProgramAndKeepsTheInterrupt() throws IOException {
    Thread.currentThread().interrupt();
    long start = System.nanoTime();

    ProcessRunner.Result result =
        runner.run(List.of("sleep", "30"), TIMEOUT, ProcessRunner.Capture.bounded(100));

    assertThat(Thread.interrupted()).isTrue();
    assertThat(result.ending()).isEqualTo(ProcessRunner.Ending.INTERRUPTED);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void anEmptyArgvIsRefused() {
    assertThatThrownBy(() -> runner.run(List.of(), TIMEOUT, ProcessRunner.Capture.bounded(100)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
