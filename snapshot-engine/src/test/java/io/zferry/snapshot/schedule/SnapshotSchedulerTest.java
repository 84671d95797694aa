package io.zferry.snapshot.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SnapshotSchedulerTest {
  @Test
  void runsRoundsAndSurvivesAFailingOne() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch threeRounds = new CountDownLatch(3);
    try (SnapshotScheduler scheduler = new SnapshotScheduler()) {
      scheduler.schedule(
          "tank",
          Duration.ofMillis(50),
          Duration.ZERO,
          () -> {
            threeRounds.countDown();
            if (calls.incrementAndGet() == 1) {
              throw new IllegalStateException("first round fails");
            }
          });
      assertThat(threeRounds.await(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aChangedIntervalStartsWhenTheCurrentOneExpires() {
    try (SnapshotScheduler scheduler = new SnapshotScheduler()) {
      scheduler.schedule("tank", Duration.ofHours(1), Duration.ofMinutes(10), () -> {});
      Instant next = scheduler.nextRound("tank").orElseThrow();

      scheduler.changeInterval("tank", Duration.ofMinutes(5));

      assertThat(scheduler.nextRound("tank")).hasValue(next);
    }
  }

  @Test
  void unscheduledServicesHaveNoNextRound() {
    try (SnapshotScheduler scheduler = new SnapshotScheduler()) {
      scheduler.schedule("tank", Duration.ofHours(1), Duration.ofHours(1), () -> {});
      scheduler.unschedule("tank");
      assertThat(scheduler.nextRound("tank")).isEmpty();
    }
  }

  @Test
  void aStepOfTheWallClockBackKeepsThePaceOfRounds() throws Exception {
    // The wall clock cannot be stepped here; advancing the monotonic clock by an hour while the
    // wall clock moves on normally is the same disagreement: the wall clock fell an hour behind.
    AtomicLong monotonic = new AtomicLong(System.nanoTime());
    CountDownLatch round = new CountDownLatch(1);
    try (SnapshotScheduler scheduler = new SnapshotScheduler(monotonic::get)) {
      scheduler.schedule(
          "tank", Duration.ofHours(2), Duration.ofHours(1).plusSeconds(2), round::countDown);

      monotonic.addAndGet(Duration.ofHours(1).toNanos());

      // Due an hour and 2 s after scheduling, and an hour passed on the monotonic clock: the
      // round runs in about 2 s, not in an hour.
      assertThat(round.await(20, TimeUnit.SECONDS)).as("the round ran").isTrue();
    }
  }

  @Test
  void afterAStepBackTheNextRoundIsAsFarAwayAsBefore() {
    Instant now = Instant.parse("2026-11-22T09:00:10Z");
    Instant scheduled = Instant.parse("2026-11-22T10:00:15Z");
    assertThat(
            SnapshotScheduler.nextRoundAfterStep(
                scheduled, Duration.ofHours(-1), now, Duration.ofMinutes(15)))
        .isEqualTo(Instant.parse("2026-11-22T09:00:15Z"));
  }

  @Test
  void afterAStepForwardTheNextRoundIsNeverInThePast() {
    Instant now = Instant.parse("2026-11-22T11:00:10Z");
    Instant scheduled = Instant.parse("2026-11-22T10:00:05Z");
    // Quartz has not fired the missed round yet: the step moves it to its due time, which passed
    // a few seconds ago on the monotonic clock; it runs now.
    assertThat(
            SnapshotScheduler.nextRoundAfterStep(
                scheduled, Duration.ofMinutes(59).plusSeconds(58), now, Duration.ofMinutes(15)))
        .isEqualTo(now);
  }

  @Test
  void aRoundQuartzAlreadyRescheduledIsNotPushedBeyondOneInterval() {
    Instant now = Instant.parse("2026-11-22T11:00:10Z");
    // Quartz fired the missed round at once and set the next one an interval later.
    Instant scheduled = now.plus(Duration.ofMinutes(15));
    assertThat(
            SnapshotScheduler.nextRoundAfterStep(
                scheduled, Duration.ofHours(1), now, Duration.ofMinutes(15)))
        .isEqualTo(scheduled);
  }
}
