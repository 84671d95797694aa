package io.zferry.vip;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when something sleeps on it. */
final class FakeTime extends Clock implements Sleeper {
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private int sleeps;

  @Override
  public void sleep(Duration duration) {
    sleeps++;
    now = now.plus(duration);
  }

  int sleeps() {
    return sleeps;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
