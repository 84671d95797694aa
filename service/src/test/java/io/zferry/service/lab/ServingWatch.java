package io.zferry.service.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lab.Lab;
import io.zferry.lab.VipProbe;
import io.zferry.service.status.StatusViews.ServiceStatus;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Samples, over and over in the background, which nodes serve: a node serves when the client
 * reaches it at the VIP or when its zferryd says it accepts writes (state {@code active}). Records
 * every sample in which two did, and every node seen serving; design §5 rule 2 and invariant I1
 * must hold at every sample, not only at the end.
 *
 * <p>The daemon's word stands for the pool's writability because zfs-fuse cannot show it: it
 * reports {@code readonly} as "off (temporary)" while it enforces it, and its mounts stay "rw" in
 * mountinfo. A write probe would put files on a passive that the next receive must roll back.
 */
final class ServingWatch implements AutoCloseable {
  private final Function<String, Optional<ServiceStatus>> status;
  private final VipProbe probe;
  private final String vip;
  private final List<Set<String>> twoServing = new CopyOnWriteArrayList<>();
  private final Set<String> everServing = new ConcurrentSkipListSet<>();
  private static final List<String> NODES = List.of("node-a", "node-b");

  private final ExecutorService asker =
      Executors.newFixedThreadPool(
          NODES.size(),
          r -> {
            Thread t = new Thread(r, "serving-ask");
            t.setDaemon(true);
            return t;
          });
  private final Thread thread;
  private volatile boolean running = true;
  private volatile int samples;

  /**
   * @param status the service's status as a node's daemon reports it, empty if it does not answer
   */
  ServingWatch(Lab lab, String vip, Function<String, Optional<ServiceStatus>> status) {
    this.status = status;
    this.probe = new VipProbe(lab);
    this.vip = vip;
    thread = new Thread(this::sampleUntilClosed, "serving-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * One sample asks both daemons while the client's ARP request is out, not one after the other
   * after it: the ARP probe waits a second for a second answer, and a sample spread over seconds
   * could see node-a answer before its fence and node-b report active after its takeover, two
   * serving that never served at once.
   */
  private void sampleUntilClosed() {
    while (running) {
      try {
        List<CompletableFuture<Boolean>> writable =
            NODES.stream()
                .map(node -> CompletableFuture.supplyAsync(() -> acceptsWrites(node), asker))
                .toList();
        Set<String> serving = new TreeSet<>(probe.holders(vip));
        for (int i = 0; i < NODES.size(); i++) {
          if (writable.get(i).join()) {
            serving.add(NODES.get(i));
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

  private boolean acceptsWrites(String node) {
    return status.apply(node).map(s -> "active".equals(s.state())).orElse(false);
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
    } finally {
      asker.shutdownNow();
    }
  }
}
