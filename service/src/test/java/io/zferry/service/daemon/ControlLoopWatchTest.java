package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.control.ControlProgress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** systemd's watchdog is fed only while every control loop makes progress. */
class ControlLoopWatchTest {
  private long now = Duration.ofHours(1).toNanos();

  /** A control loop as the watch sees it, set by hand. */
  private static final class LoopStub implements ControlLoop {
    long lastProgress;
    boolean actionUnderWay;

    LoopStub(long lastProgress) {
      this.lastProgress = lastProgress;
    }

    @Override
    public long lastProgress() {
      return lastProgress;
    }

    @Override
    public boolean actionUnderWay() {
      return actionUnderWay;
    }
  }

  private final LoopStub tank = new LoopStub(now);
  private final LoopStub pool2 = new LoopStub(now);
  private final ControlLoopWatch watch = new ControlLoopWatch(List.of(tank, pool2), () -> now);

  @Test
  void oneStalledLoopIsEnoughToStopFeedingTheWatchdog() {
    assertThat(watch.allAlive()).isTrue();
    now += ControlProgress.STALL_LIMIT.toNanos();
    pool2.lastProgress = now;
    assertThat(watch.allAlive()).as("tank made no step for the stall limit").isFalse();
    tank.lastProgress = now;
    assertThat(watch.allAlive()).isTrue();
  }

  @Test
  void aLoopHeldByAnOperatorActionCountsAsAlive() {
    now += ControlProgress.STALL_LIMIT.multipliedBy(2).toNanos();
    tank.actionUnderWay = true;
    pool2.actionUnderWay = true;
    assertThat(watch.allAlive()).isTrue();
    pool2.actionUnderWay = false;
    assertThat(watch.allAlive()).isFalse();
  }

  @Test
  void aNodeWithoutServicesIsAlive() {
    assertThat(new ControlLoopWatch(List.of(), () -> now).allAlive()).isTrue();
  }
}
