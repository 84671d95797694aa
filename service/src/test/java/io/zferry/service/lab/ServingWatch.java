package io.zferry.service.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lab.Lab;
import io.zferry.lab.VipProbe;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Samples, over and over in the background, which nodes serve: a node serves when the client
 * reaches it at the VIP or when its pool's root is writable ({@code readonly=off}). Records every
 * sample in which two did, and every node seen serving; design §5 rule 2 and invariant I1 must hold
 * at every sample, not only at the end.
 */
final class ServingWatch implements AutoCloseable {
  private final Lab lab;
  private final VipProbe probe;
  private final String vip;
  private final List<Set<String>> twoServing = new CopyOnWriteArrayList<>();
  private final Set<String> everServing = new java.util.concurrent.ConcurrentSkipListSet<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile int samples;

  ServingWatch(Lab lab, String vip) {
    this.lab = lab;
    this.probe = new VipProbe(lab);
    this.vip = vip;
    thread = new Thread(this::sampleUntilClosed, "serving-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void sampleUntilClosed() {
    while (running) {
      try {
        Set<String> serving = new TreeSet<>(probe.holders(vip));
        for (String node : List.of("node-a", "node-b")) {
          if (writable(node)) {
            serving.add(node);
          }
        }
        samples++;
        everServing.addAll(serving);
        if (serving.size() > 1) {
          twoServing.add(serving);
        }
      } catch (RuntimeException e) {
        // The lab may be between states (a node powered off); the next sample counts.
      }
    }
  }

  private boolean writable(String node) {
    return lab.node(node)
        .exec("timeout", "5", "zfs", "get", "-H", "-o", "value", "readonly", "tank")
        .stdout()
        .strip()
        .equals("off");
  }

  /** Stops sampling and asserts that no sample saw two nodes serving. */
  void assertNeverTwoServing() {
    close();
    assertThat(samples).as("samples of who serves").isPositive();
    assertThat(twoServing).as("samples in which two nodes served").isEmpty();
  }

  /** The nodes seen serving in any sample so far. */
  Set<String> everServing() {
    return Set.copyOf(everServing);
  }

  int samples() {
    return samples;
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
