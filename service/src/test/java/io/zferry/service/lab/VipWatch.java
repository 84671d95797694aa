package io.zferry.service.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lab.VipProbe;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Asks from the client, over and over in the background, which nodes answer ARP for a VIP, and
 * remembers every time two did: design §5 rule 2 must hold at every moment, not only at the end.
 */
final class VipWatch implements AutoCloseable {
  private final List<Set<String>> doubleHolders = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile int samples;

  VipWatch(VipProbe probe, String vip) {
    thread =
        new Thread(
            () -> {
              while (running) {
                try {
                  Set<String> holders = probe.holders(vip);
                  samples++;
                  if (holders.size() > 1) {
                    doubleHolders.add(holders);
                  }
                } catch (RuntimeException e) {
                  // The lab may be between states (a node booting); the next sample counts.
                }
              }
            },
            "vip-watch");
    thread.setDaemon(true);
    thread.start();
  }

  void assertNeverTwoHolders() {
    assertThat(samples).as("VIP samples taken").isPositive();
    assertThat(doubleHolders).as("moments two nodes answered for the VIP").isEmpty();
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
