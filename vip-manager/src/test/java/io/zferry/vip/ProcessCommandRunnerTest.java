package io.zferry.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCommandRunnerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final ProcessCommandRunner runner = new ProcessCommandRunner();

  @Test
  void argumentsReachTheProgramUnchangedWithoutAShell(@TempDir Path dir) {
    Path marker = dir.resolve("marker");
    String hostile = "a b; touch " + marker + " $(touch " + marker + ") `touch " + marker + "`";
    CommandOutcome outcome = runner.run(List.of("printf", "%s", hostile), TIMEOUT);
    assertThat(outcome.stdout()).isEqualTo(hostile);
    assertThat(outcome.succeeded()).isTrue();
    assertThat(marker).doesNotExist();
  }

  @Test
  void keepsExitCodeStdoutAndStderrApart() {
    CommandOutcome outcome =
        runner.run(List.of("sh", "-c", "echo out; echo oops >&2; exit 3"), TIMEOUT);
    assertThat(outcome.exitCode()).isEqualTo(3);
    assertThat(outcome.stdout()).isEqualTo("out\n");
    assertThat(outcome.stderr()).isEqualTo("oops\n");
    assertThat(outcome.argv()).containsExactly("sh", "-c", "echo out; echo oops >&2; exit 3");
  }

  @Test
  void commandsRunInTheCLocaleWithStdinClosed() {
    CommandOutcome outcome =
        runner.run(List.of("sh", "-c", "echo $LC_ALL; cat; echo end"), TIMEOUT);
    assertThat(outcome.stdout()).isEqualTo("C\nend\n");
  }

  @Test
  void aPrefixRunsEveryCommandThroughAnotherProgram() {
    ProcessCommandRunner wrapped = new ProcessCommandRunner(List.of("env", "ZFERRY_TEST=1"));
    CommandOutcome outcome = wrapped.run(List.of("sh", "-c", "echo $ZFERRY_TEST"), TIMEOUT);
    assertThat(outcome.stdout()).isEqualTo("1\n");
    assertThat(outcome.argv()).containsExactly("sh", "-c", "echo $ZFERRY_TEST");
  }

  @Test
  void largeOutputOnBothStreamsDoesNotDeadlock() {
    CommandOutcome outcome =
        runner.run(
            List.of(
                "sh", "-c", "head -c 300000 /dev/zero | tr '\\0' e >&2; head -c 300000 /dev/zero"),
            TIMEOUT);
    assertThat(outcome.stdout()).hasSize(300_000);
    assertThat(outcome.stderr()).hasSize(ProcessCommandRunner.STDERR_TAIL_BYTES).matches("e+");
  }

  @Test
  void aMissingProgramIsACommandException() {
    assertThatThrownBy(() -> runner.run(List.of("/nonexistent/ip", "addr"), TIMEOUT))
        .isInstanceOf(VipCommandException.class)
        .hasMessageContaining("'/nonexistent/ip addr' could not be started")
        .satisfies(
            e ->
                assertThat(((VipCommandException) e).exitCode())
                    .isEqualTo(VipCommandException.NO_EXIT_CODE));
  }

  @Test
  void aCommandOverItsTimeIsKilledAndKeepsItsStderr() {
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                runner.run(
                    List.of("sh", "-c", "echo started >&2; sleep 30"), Duration.ofMillis(500)))
        .isInstanceOf(VipCommandException.class)
        .hasMessageContaining("did not finish within 500 ms and was killed: started");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void anEmptyArgvIsRefused() {
    assertThatThrownBy(() -> runner.run(List.of(), TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
