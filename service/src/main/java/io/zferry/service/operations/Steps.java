package io.zferry.service.operations;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of a multi-step action (a switchover), timed and kept in order, so that the operator
 * sees which step failed and how long each took, and a live view can follow the one under way.
 */
public final class Steps {
  private static final Logger log = LoggerFactory.getLogger(Steps.class);

  /**
   * @param name what the step does
   * @param ok whether it succeeded
   * @param millis how long it took
   * @param detail what happened, or why it failed
   */
  public record Step(String name, boolean ok, long millis, String detail) {}

  private final String action;
  private final Clock clock;
  private final Instant started;
  private final Consumer<Steps> listener;
  private final List<Step> done = new ArrayList<>();
  private volatile String current;

  public Steps(String action, Clock clock, Consumer<Steps> listener) {
    this.action = action;
    this.clock = clock;
    this.started = clock.instant();
    this.listener = listener;
  }

  /** Runs a step; a step that throws is recorded as failed and the exception passes on. */
  public <T> T run(String name, Supplier<T> step) {
    current = name;
    listener.accept(this);
    Instant begin = clock.instant();
    try {
      T result = step.get();
      record(new Step(name, true, since(begin), result == null ? "" : result.toString()));
      return result;
    } catch (RuntimeException e) {
      record(new Step(name, false, since(begin), String.valueOf(e.getMessage())));
      throw e;
    } finally {
      current = null;
      listener.accept(this);
    }
  }

  public void run(String name, Runnable step) {
    run(
        name,
        () -> {
          step.run();
          return null;
        });
  }

  private void record(Step step) {
    synchronized (done) {
      done.add(step);
    }
    log.info(
        "{}: {} {} in {} ms{}",
        action,
        step.name(),
        step.ok() ? "done" : "FAILED",
        step.millis(),
        step.detail().isEmpty() ? "" : " (" + step.detail() + ")");
  }

  private long since(Instant begin) {
    return Duration.between(begin, clock.instant()).toMillis();
  }

  public List<Step> done() {
    synchronized (done) {
      return List.copyOf(done);
    }
  }

  /** The step under way, or null. */
  public String current() {
    return current;
  }

  public String action() {
    return action;
  }

  public Duration elapsed() {
    return Duration.between(started, clock.instant());
  }
}
