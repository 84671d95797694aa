package io.zferry.snapshot.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each service's snapshot rounds on a Quartz scheduler (in-memory job store). One job per
 * service; rounds of one service never overlap. A changed interval takes effect when the current
 * interval expires: the next round keeps its time, the ones after it follow the new interval.
 *
 * <p>Quartz fires on the wall clock, and snapshots are named by it, but the cadence must not depend
 * on it: after the clock steps back an hour, Quartz would wait that hour before the next round, and
 * the passive would fall an hour behind with nobody told. A guard thread compares the wall clock
 * with the monotonic one every second and, on a step, moves each trigger by the step (never later
 * than one interval from now), so rounds go on at the same pace.
 */
public final class SnapshotScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnapshotScheduler.class);
  private static final String GROUP = "zferry-snapshots";
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  static final Duration CLOCK_CHECK_EVERY = Duration.ofSeconds(1);
  static final Duration CLOCK_STEP_TOLERANCE = Duration.ofSeconds(3);

  private final Scheduler scheduler;
  private final Map<String, Runnable> rounds = new ConcurrentHashMap<>();
  private final Map<String, Duration> intervals = new ConcurrentHashMap<>();
  private final ClockStepDetector clockSteps = new ClockStepDetector(CLOCK_STEP_TOLERANCE);
  private final LongSupplier monotonicNanos;
  private final ScheduledExecutorService clockGuard;

  public SnapshotScheduler() {
    this(System::nanoTime);
  }

  /**
   * @param monotonicNanos the monotonic clock the wall clock is checked against
   */
  SnapshotScheduler(LongSupplier monotonicNanos) {
    this.monotonicNanos = monotonicNanos;
    Properties properties = new Properties();
    properties.setProperty(
        StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME,
        "zferry-snapshots-" + INSTANCES.incrementAndGet());
    properties.setProperty("org.quartz.threadPool.threadCount", "2");
    properties.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    properties.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    try {
      scheduler = new StdSchedulerFactory(properties).getScheduler();
      scheduler.setJobFactory((bundle, s) -> new RoundJob(rounds));
      scheduler.start();
    } catch (SchedulerException e) {
      throw new IllegalStateException(
          "could not start the snapshot scheduler: " + e.getMessage(), e);
    }
    clockGuard =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "zferry-snapshot-clock-guard");
              thread.setDaemon(true);
              return thread;
            });
    checkClock();
    clockGuard.scheduleWithFixedDelay(
        this::checkClock,
        CLOCK_CHECK_EVERY.toMillis(),
        CLOCK_CHECK_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Starts rounds for {@code service}: the first after {@code firstDelay}, then every {@code
   * interval}. Replaces an existing schedule of the service.
   */
  public void schedule(String service, Duration interval, Duration firstDelay, Runnable round) {
    unschedule(service);
    rounds.put(service, round);
    intervals.put(service, interval);
    JobDetail job = JobBuilder.newJob(RoundJob.class).withIdentity(service, GROUP).build();
    try {
      scheduler.scheduleJob(job, trigger(service, Instant.now().plus(firstDelay), interval));
    } catch (SchedulerException e) {
      throw new IllegalStateException("could not schedule snapshots of " + service, e);
    }
    log.info("snapshots of {} every {}, first in {}", service, interval, firstDelay);
  }

  /** Applies a new interval from the end of the current one. */
  public void changeInterval(String service, Duration interval) {
    Instant next = nextRound(service).orElse(Instant.now());
    intervals.put(service, interval);
    try {
      scheduler.rescheduleJob(triggerKey(service), trigger(service, next, interval));
    } catch (SchedulerException e) {
      throw new IllegalStateException("could not reschedule snapshots of " + service, e);
    }
    log.info("snapshots of {}: interval {} from {}", service, interval, next);
  }

  public Optional<Instant> nextRound(String service) {
    try {
      Trigger trigger = scheduler.getTrigger(triggerKey(service));
      return trigger == null || trigger.getNextFireTime() == null
          ? Optional.empty()
          : Optional.of(trigger.getNextFireTime().toInstant());
    } catch (SchedulerException e) {
      return Optional.empty();
    }
  }

  public void unschedule(String service) {
    try {
      scheduler.deleteJob(new JobKey(service, GROUP));
    } catch (SchedulerException e) {
      log.warn("could not unschedule snapshots of {}: {}", service, e.getMessage());
    }
    rounds.remove(service);
    intervals.remove(service);
  }

  /**
   * When the next round is due after the wall clock stepped by {@code step}: as far from now as it
   * was before the step, but no later than one interval from now (if Quartz already fired a missed
   * round for a forward step, its new time must not be pushed further) and not in the past.
   */
  static Instant nextRoundAfterStep(
      Instant scheduled, Duration step, Instant now, Duration interval) {
    Instant moved = scheduled.plus(step);
    Instant latest = now.plus(interval);
    if (moved.isAfter(latest)) {
      return latest;
    }
    return moved.isBefore(now) ? now : moved;
  }

  private void checkClock() {
    try {
      clockSteps
          .observe(Instant.now(), monotonicNanos.getAsLong())
          .ifPresent(this::followClockStep);
    } catch (RuntimeException e) {
      // The guard must outlive any one failure, or the next step would go unnoticed.
      log.warn("snapshot clock guard: {}", e.getMessage(), e);
    }
  }

  private void followClockStep(Duration step) {
    Instant now = Instant.now();
    log.warn(
        "the wall clock stepped {} by {}; snapshot rounds keep their pace (names follow the new"
            + " clock)",
        step.isNegative() ? "back" : "forward",
        // Whole seconds: the readings of the two clocks are microseconds apart.
        Duration.ofSeconds(Math.round(step.abs().toMillis() / 1000.0)));
    intervals.forEach(
        (service, interval) -> {
          Optional<Instant> scheduled = nextRound(service);
          if (scheduled.isEmpty()) {
            return;
          }
          Instant next = nextRoundAfterStep(scheduled.get(), step, now, interval);
          try {
            scheduler.rescheduleJob(triggerKey(service), trigger(service, next, interval));
            log.info("snapshots of {}: next round moved to {}", service, next);
          } catch (SchedulerException e) {
            log.error("could not move the snapshot rounds of {}: {}", service, e.getMessage());
          }
        });
  }

  @Override
  public void close() {
    clockGuard.shutdownNow();
    try {
      scheduler.shutdown(true);
    } catch (SchedulerException e) {
      log.warn("snapshot scheduler shutdown: {}", e.getMessage());
    }
  }

  private static Trigger trigger(String service, Instant start, Duration interval) {
    return TriggerBuilder.newTrigger()
        .withIdentity(triggerKey(service))
        .startAt(Date.from(start))
        .withSchedule(
            SimpleScheduleBuilder.simpleSchedule()
                .withIntervalInMilliseconds(interval.toMillis())
                .repeatForever()
                // After a pause (suspend, long round) take one round now, not a burst of missed
                // ones.
                .withMisfireHandlingInstructionNextWithRemainingCount())
        .build();
  }

  private static TriggerKey triggerKey(String service) {
    return new TriggerKey(service, GROUP);
  }

  /** The Quartz job: looks up the service's round and runs it, catching everything. */
  @DisallowConcurrentExecution
  static final class RoundJob implements Job {
    private final Map<String, Runnable> rounds;

    RoundJob(Map<String, Runnable> rounds) {
      this.rounds = rounds;
    }

    @Override
    public void execute(JobExecutionContext context) {
      String service = context.getJobDetail().getKey().getName();
      Runnable round = rounds.get(service);
      if (round == null) {
        return;
      }
      try {
        round.run();
      } catch (RuntimeException e) {
        // A failed round must not end the schedule; the next round tries again.
        log.error("snapshot round of {} failed: {}", service, e.getMessage(), e);
      }
    }
  }
}
