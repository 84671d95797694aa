package io.zferry.snapshot.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalHostTest {
  private final LocalHost host = new LocalHost("here");
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void argumentsReachTheProgramUnchangedWithoutAShell(@TempDir Path dir) {
    Path marker = dir.resolve("marker");
    String hostile = "a b; touch " + marker + " $(touch " + marker + ") `touch " + marker + "`";
    CommandResult result = host.run(Command.of("printf", "%s", hostile), TIMEOUT);
    assertThat(result.stdout()).isEqualTo(hostile);
    assertThat(marker).doesNotExist();
  }

  @Test
  void reportsExitCodeAndStderr() {
    CommandResult result = host.run(Command.of("sh", "-c", "echo oops >&2; exit 3"), TIMEOUT);
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stderr()).isEqualTo("oops\n");
    assertThatThrownBy(result::requireSuccess)
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining("here: 'sh -c echo oops >&2; exit 3' exited with 3: oops");
  }

  @Test
  void aPrefixRunsEveryCommandThroughAnotherProgram() {
    LocalHost viaEnv = new LocalHost("wrapped", List.of("env", "ZFERRY_TEST=1"));
    assertThat(viaEnv.run(Command.of("sh", "-c", "echo $ZFERRY_TEST"), TIMEOUT).stdout())
        .isEqualTo("1\n");
  }

  @Test
  void aMissingProgramIsAHostException() {
    assertThatThrownBy(() -> host.run(Command.of("/nonexistent/zfs", "list"), TIMEOUT))
        .isInstanceOf(HostException.class)
        .hasMessageContaining("could not start '/nonexistent/zfs list'");
  }

  @Test
  void aCommandOverItsTimeIsKilled() {
    long start = System.nanoTime();
    assertThatThrownBy(() -> host.run(Command.of("sleep", "30"), Duration.ofMillis(300)))
        .isInstanceOf(HostException.class)
        .hasMessageContaining("did not finish");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void streamsStdinToStdout() throws Exception {
    try (RunningCommand cat = host.start(Command.of("cat"))) {
      OutputCollector out = OutputCollector.drain(cat.stdout(), "test");
      new ByteArrayInputStream("payload".getBytes(StandardCharsets.UTF_8)).transferTo(cat.stdin());
      cat.stdin().close();
      assertThat(cat.await(TIMEOUT).exitCode()).isZero();
      assertThat(out.awaitText()).isEqualTo("payload");
    }
  }

  @Test
  void stderrKeepsOnlyItsTail(@TempDir Path dir) throws Exception {
    Path big = dir.resolve("noise");
    Files.writeString(big, "x".repeat(100_000) + "THE-END");
    CommandResult result = host.run(Command.of("sh", "-c", "cat " + big + " >&2; exit 1"), TIMEOUT);
    assertThat(result.stderr()).hasSize(LocalHost.STDERR_TAIL_BYTES).endsWith("THE-END");
  }

  @Test
  void commandsRefuseNulBytes() {
    assertThatThrownBy(() -> Command.of("zfs", "list", "tank\0x")).hasMessageContaining("NUL");
  }
}
