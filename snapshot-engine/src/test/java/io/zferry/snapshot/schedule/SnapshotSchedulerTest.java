package io.zferry.snapshot.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
}
