package io.zferry.service.actions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalProgramTest {
  @Test
  void passesTheEnvironmentAndKeepsTheOutput() {
    LocalProgram.Outcome outcome =
        LocalProgram.run(
            List.of("/bin/sh", "-c", "echo peer=$ZFERRY_PEER; exit 3"),
            Map.of("ZFERRY_PEER", "node-a"),
            Duration.ofSeconds(10));
    assertThat(outcome.exitCode()).isEqualTo(3);
    assertThat(outcome.succeeded()).isFalse();
    assertThat(outcome.output()).isEqualTo("peer=node-a\n");
    assertThat(outcome.summary()).isEqualTo("exit 3: peer=node-a");
  }

  @Test
  void killsAProgramThatOutlivesItsTimeoutWithItsChildren() {
    LocalProgram.Outcome outcome =
        LocalProgram.run(
            List.of("/bin/sh", "-c", "sleep 30 & sleep 30; echo never"),
            Map.of(),
            Duration.ofMillis(300));
    assertThat(outcome.timedOut()).isTrue();
    assertThat(outcome.succeeded()).isFalse();
    assertThat(outcome.output()).doesNotContain("never");
    assertThat(outcome.duration()).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aProgramThatCannotStartFailsWithTheReason() {
    LocalProgram.Outcome outcome =
        LocalProgram.run(List.of("/nonexistent/hook"), Map.of(), Duration.ofSeconds(5));
    assertThat(outcome.succeeded()).isFalse();
    assertThat(outcome.output()).contains("could not start", "/nonexistent/hook");
  }

  @Test
  void keepsOnlyTheTailOfAChattyProgram() {
    LocalProgram.Outcome outcome =
        LocalProgram.run(
            List.of("/bin/sh", "-c", "head -c 100000 /dev/zero | tr '\\\\0' x; echo; echo last"),
            Map.of(),
            Duration.ofSeconds(10));
    assertThat(outcome.succeeded()).isTrue();
    assertThat(outcome.output().length()).isLessThanOrEqualTo(4096);
    assertThat(outcome.output()).endsWith("last\n");
  }
}
