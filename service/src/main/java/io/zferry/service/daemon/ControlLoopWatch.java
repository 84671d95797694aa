package io.zferry.service.daemon;

import io.zferry.service.control.ControlProgress;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Whether every service's control loop completed a step recently (or runs an operator action): what
 * systemd's watchdog is fed by, rather than by the heartbeat alone.
 */
final class ControlLoopWatch {
  private final List<? extends ControlLoop> loops;
  private final LongSupplier nanoTime;

  ControlLoopWatch(List<? extends ControlLoop> loops, LongSupplier nanoTime) {
    this.loops = loops;
    this.nanoTime = nanoTime;
  }

  boolean allAlive() {
    long now = nanoTime.getAsLong();
    return loops.stream()
        .allMatch(loop -> ControlProgress.alive(now, loop.lastProgress(), loop.actionUnderWay()));
  }
}
