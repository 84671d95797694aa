package io.zferry.vip;

import java.time.Duration;

/** Waits; injected so that tests of waiting logic need not wait. */
@FunctionalInterface
public interface Sleeper {
  Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}
