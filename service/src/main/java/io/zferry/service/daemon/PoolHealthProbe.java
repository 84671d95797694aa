package io.zferry.service.daemon;

import io.zferry.service.failover.NodeHealth;
import io.zferry.snapshot.zfs.ZfsCommandException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watchdog on this node's ZFS for one service: asks for the pool's health on its own thread
 * every {@link #EVERY}, with a time-out, and remembers the answer and when it came on the monotonic
 * clock. A hung {@code zpool} hangs only this thread: the heartbeat and the control step read what
 * the probe last learned and how long ago, and that silence grows whether or not the command could
 * be killed.
 */
final class PoolHealthProbe implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PoolHealthProbe.class);

  /** How often the pool is asked; {@code zpool list} reads kernel state and costs nothing. */
  static final Duration EVERY = Duration.ofSeconds(2);

  /** A probe still running after this is killed (its silence goes on counting). */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Asks the pool's health; a {@link ZfsCommandException} is an answer, anything else is not. */
  @FunctionalInterface
  interface Source {
    String health(Duration timeout);
  }

  private final String service;
  private final Source source;
  private final LongSupplier nanoTime;
  private final ScheduledExecutorService thread;

  private volatile String state = NodeHealth.UNKNOWN_STATE;
  private volatile long lastAnswer;
  private String lastLogged = NodeHealth.UNKNOWN_STATE;

  PoolHealthProbe(String service, Source source, LongSupplier nanoTime) {
    this.service = service;
    this.source = source;
    this.nanoTime = nanoTime;
    this.lastAnswer = nanoTime.getAsLong();
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pool-health-" + service);
              t.setDaemon(true);
              return t;
            });
  }

  void start() {
    thread.scheduleWithFixedDelay(this::probeOnce, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One probe: the pool's state and the time of the answer, or nothing if it did not answer. */
  void probeOnce() {
    String answer;
    try {
      answer = source.health(TIMEOUT);
    } catch (ZfsCommandException e) {
      // zpool answered, with an error (the pool is not imported, say): ZFS does not hang.
      answer = NodeHealth.UNKNOWN_STATE;
    } catch (RuntimeException e) {
      logOnce("no answer", "{}: the pool's health probe did not answer: {}", e.getMessage());
      return;
    }
    String now = new NodeHealth(answer, Duration.ZERO, Duration.ZERO).poolState();
    state = now;
    lastAnswer = nanoTime.getAsLong();
    logOnce(now, "{}: the pool's health is {}", now);
  }

  /** What the probe last learned, with {@code controlIdleFor} from the control loop. */
  NodeHealth health(Duration controlIdleFor) {
    Duration unanswered = Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - lastAnswer));
    return new NodeHealth(state, unanswered, controlIdleFor);
  }

  private synchronized void logOnce(String what, String format, String detail) {
    if (what.equals(lastLogged)) {
      return;
    }
    lastLogged = what;
    if (what.equals("ONLINE")) {
      log.info(format, service, detail);
    } else {
      log.warn(format, service, detail);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
