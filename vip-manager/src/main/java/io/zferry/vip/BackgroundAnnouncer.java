package io.zferry.vip;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces each VIP on a thread of its own. {@link #stop} interrupts that thread, which kills its
 * arping ({@link ProcessCommandRunner} ends a command whose waiting thread is interrupted), and
 * waits for it.
 */
final class BackgroundAnnouncer implements Announcer {
  private static final Logger LOG = LoggerFactory.getLogger(BackgroundAnnouncer.class);

  private final Duration stopWait;
  private final Map<VirtualIp, Thread> running = new HashMap<>(); // guarded by this

  BackgroundAnnouncer(Duration stopWait) {
    this.stopWait = stopWait;
  }

  @Override
  public void start(VirtualIp vip, Runnable send) {
    stop(vip);
    Thread thread = new Thread(() -> announce(vip, send), "announce " + vip.cidr());
    thread.setDaemon(true);
    synchronized (this) {
      running.put(vip, thread);
    }
    thread.start();
  }

  private void announce(VirtualIp vip, Runnable send) {
    try {
      send.run();
    } catch (RuntimeException e) {
      LOG.warn("{}: announcing it failed", vip, e);
    } finally {
      synchronized (this) {
        running.remove(vip, Thread.currentThread());
      }
    }
  }

  @Override
  public void stop(VirtualIp vip) {
    Thread thread;
    synchronized (this) {
      thread = running.remove(vip);
    }
    if (thread == null) {
      return;
    }
    thread.interrupt();
    try {
      thread.join(stopWait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("{}: its gratuitous ARP did not end within {} ms", vip, stopWait.toMillis());
    }
  }
}
