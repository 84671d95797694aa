package io.zferry.service.control;

import io.zferry.service.config.DurationText;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner's last line against serving past its lease (design §5 rule 8), on a thread of its own:
 * a control loop stuck in a hung {@code zfs} call never reaches the step that would notice the
 * lease ending, while the peer acquires the expired key and brings the VIPs up. Patroni answers
 * with a hardware watchdog that resets the node; this switch does the part a live process can do.
 *
 * <p>{@link LeaderLease} arms it with the deadline of each successful renewal ({@code ttl -
 * safetyMargin} after the renewal was sent); the control loop disarms it once a step has stopped
 * serving. When the deadline plus a grace has passed while still armed, it trips: the VIPs go down
 * first (no ZFS involved), then this process's hung {@code zfs} children for the pool are killed,
 * then writes are stopped; each step on its own, so a failing one does not stop the next. The grace
 * lets a control loop that merely runs late step down by itself; it is a quarter of the margin, so
 * three quarters remain for the VIPs to go down before the lease can expire at the witness.
 *
 * <p>Time is the monotonic clock. A frozen process (SIGSTOP, a long pause) freezes this thread too:
 * that case is systemd's watchdog's, with {@code ExecStopPost=} dropping the VIPs
 * (docs/failover.md).
 */
public final class DeadMansSwitch implements ServingDeadline, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeadMansSwitch.class);

  /** How often the thread looks at the deadline. */
  public static final Duration CHECK_EVERY = Duration.ofMillis(200);

  /** What the switch does when it trips; each returns what it did, one line each, or threw. */
  public interface Safeguards {
    /** Takes the service's VIPs down without any ZFS command. */
    List<String> dropVips();

    /** Kills this process's {@code zfs}/{@code zpool} children that work on the service's pool. */
    List<String> killZfsChildren();

    /** Stops writes to the pool; must not block the caller if ZFS hangs. */
    List<String> stopWrites();
  }

  private final String service;
  private final Duration grace;
  private final LongSupplier nanoTime;
  private final Safeguards safeguards;
  private final ScheduledExecutorService thread;

  private boolean armed;
  private long deadline;
  private String lastTrip = "";

  /**
   * @param safetyMargin the witness's safety margin: the switch waits a quarter of it past the
   *     deadline for the control loop
   */
  public DeadMansSwitch(
      String service, Duration safetyMargin, LongSupplier nanoTime, Safeguards safeguards) {
    this.service = Objects.requireNonNull(service, "service");
    this.grace = Objects.requireNonNull(safetyMargin, "safetyMargin").dividedBy(4);
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.safeguards = Objects.requireNonNull(safeguards, "safeguards");
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "dead-mans-switch-" + service);
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts checking on the switch's own thread. */
  public void start() {
    thread.scheduleWithFixedDelay(
        () -> {
          try {
            check();
          } catch (RuntimeException e) {
            log.error("{}: the lease's dead man's switch failed: {}", service, e.toString(), e);
          }
        },
        CHECK_EVERY.toMillis(),
        CHECK_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void servingUntil(long deadlineNanos) {
    armed = true;
    deadline = deadlineNanos;
  }

  @Override
  public synchronized void notServing() {
    armed = false;
  }

  /** Whether a deadline is set that the control loop has not yet answered by stepping down. */
  public synchronized boolean armed() {
    return armed;
  }

  /** What the last trip did, for the status; empty if it never tripped. */
  public synchronized String lastTrip() {
    return lastTrip;
  }

  /**
   * One look at the deadline: trips if it passed more than the grace ago while still armed, once
   * per deadline. Returns what it did, if it tripped now.
   */
  public Optional<String> check() {
    long late;
    synchronized (this) {
      if (!armed) {
        return Optional.empty();
      }
      late = nanoTime.getAsLong() - deadline;
      if (late < grace.toNanos()) {
        return Optional.empty();
      }
      armed = false;
    }
    String why =
        "the control loop did not step down "
            + DurationText.format(Duration.ofNanos(late).withNanos(0))
            + " after its lease's deadline (the last renewal plus TTL minus the safety margin)";
    log.error(
        "{}: {}; dropping the VIPs and stopping writes from the dead man's switch", service, why);
    StringBuilder done = new StringBuilder(why);
    step(done, "VIPs down", safeguards::dropVips);
    step(done, "hung zfs killed", safeguards::killZfsChildren);
    step(done, "writes", safeguards::stopWrites);
    String report = done.toString();
    synchronized (this) {
      lastTrip = report;
    }
    return Optional.of(report);
  }

  private void step(StringBuilder done, String what, java.util.function.Supplier<List<String>> s) {
    String outcome;
    try {
      List<String> lines = s.get();
      outcome = lines.isEmpty() ? "nothing to do" : String.join(", ", lines);
    } catch (RuntimeException e) {
      outcome = "failed: " + e.getMessage();
    }
    log.error("{}: dead man's switch: {}: {}", service, what, outcome);
    done.append("; ").append(what).append(": ").append(outcome);
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
