package io.zferry.service.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Writes one line per fault scenario ({@code *FaultIT} test) to {@code
 * target/fault-suite/results.txt} as it ends: {@code PASS name (12.3 s)}, {@code FAIL name: reason}
 * or {@code SKIP name: reason}. test-fixtures/bin/fault-suite prints these lines and counts them.
 * Registered through META-INF/services, so it sees every test of the JVM and ignores all others.
 */
public final class FaultSuiteReport implements TestExecutionListener {
  static final Path RESULTS = Path.of("target", "fault-suite", "results.txt");

  private final Map<String, Long> started = new ConcurrentHashMap<>();

  /** A new run of scenarios starts a new results file; runs without scenarios leave it alone. */
  @Override
  public void testPlanExecutionStarted(TestPlan plan) {
    boolean scenarios =
        plan.getRoots().stream()
            .flatMap(root -> plan.getDescendants(root).stream())
            .anyMatch(FaultSuiteReport::isScenario);
    if (scenarios) {
      try {
        Files.deleteIfExists(RESULTS);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public void executionStarted(TestIdentifier test) {
    if (isScenario(test)) {
      started.put(test.getUniqueId(), System.nanoTime());
    }
  }

  @Override
  public void executionSkipped(TestIdentifier test, String reason) {
    if (isScenario(test)) {
      append("SKIP " + test.getDisplayName() + ": " + oneLine(reason));
    }
  }

  @Override
  public void executionFinished(TestIdentifier test, TestExecutionResult result) {
    if (!isScenario(test)) {
      return;
    }
    Long start = started.remove(test.getUniqueId());
    double seconds =
        start == null ? 0 : Duration.ofNanos(System.nanoTime() - start).toMillis() / 1000.0;
    String name = test.getDisplayName();
    if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
      append(String.format(Locale.ROOT, "PASS %s (%.1f s)", name, seconds));
    } else {
      String reason =
          result.getThrowable().map(t -> oneLine(String.valueOf(t.getMessage()))).orElse("?");
      append(String.format(Locale.ROOT, "FAIL %s: %s (%.1f s)", name, reason, seconds));
    }
  }

  private static boolean isScenario(TestIdentifier test) {
    return test.isTest()
        && test.getSource()
            .filter(MethodSource.class::isInstance)
            .map(s -> ((MethodSource) s).getClassName().endsWith("FaultIT"))
            .orElse(false);
  }

  private static String oneLine(String text) {
    String line = text.strip().replaceAll("\\s+", " ");
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }

  private static synchronized void append(String line) {
    try {
      Files.createDirectories(RESULTS.getParent());
      Files.writeString(RESULTS, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
