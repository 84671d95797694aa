package io.zferry.vip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A CommandRunner that expects a fixed sequence of commands and answers each as scripted. */
final class ScriptedRunner implements CommandRunner {
  private record Step(List<String> argv, int exitCode, String stdout, String stderr) {}

  private final Deque<Step> steps = new ArrayDeque<>();
  private final List<List<String>> ran = new ArrayList<>();

  ScriptedRunner expect(List<String> argv, int exitCode, String stdout, String stderr) {
    steps.add(new Step(List.copyOf(argv), exitCode, stdout, stderr));
    return this;
  }

  ScriptedRunner expect(List<String> argv, String stdout) {
    return expect(argv, 0, stdout, "");
  }

  @Override
  public CommandOutcome run(List<String> argv, Duration timeout) {
    assertThat(timeout).isPositive();
    ran.add(List.copyOf(argv));
    Step step = steps.poll();
    assertThat(step).as("unexpected command %s after %s", argv, ran).isNotNull();
    assertThat(argv).as("command #%d", ran.size()).isEqualTo(step.argv());
    return new CommandOutcome(argv, step.exitCode(), step.stdout(), step.stderr());
  }

  List<List<String>> ran() {
    return ran;
  }

  void assertAllRan() {
    assertThat(steps).as("scripted commands that never ran").isEmpty();
  }
}
