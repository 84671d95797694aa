package io.zferry.snapshot.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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
 */
public final class SnapshotScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnapshotScheduler.class);
  private static final String GROUP = "zferry-snapshots";
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final Scheduler scheduler;
  private final Map<String, Runnable> rounds = new ConcurrentHashMap<>();

  public SnapshotScheduler() {
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
  }

  /**
   * Starts rounds for {@code service}: the first after {@code firstDelay}, then every {@code
   * interval}. Replaces an existing schedule of the service.
   */
  public void schedule(String service, Duration interval, Duration firstDelay, Runnable round) {
    unschedule(service);
    rounds.put(service, round);
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
  }

  @Override
  public void close() {
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
