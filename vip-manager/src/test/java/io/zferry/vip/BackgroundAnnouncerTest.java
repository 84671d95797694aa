package io.zferry.vip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Announcements run beside the caller and are over once stop returns. */
class BackgroundAnnouncerTest {
  private static final VirtualIp VIP = VirtualIp.parse("10.99.0.100/24", "eth0");

  private final BackgroundAnnouncer announcer = new BackgroundAnnouncer(Duration.ofSeconds(5));

  @Test
  void startReturnsWhileTheAnnouncementGoesOnAndStopEndsIt() throws InterruptedException {
    CountDownLatch sending = new CountDownLatch(1);
    AtomicBoolean ended = new AtomicBoolean();
    announcer.start(VIP, () -> sendUntilInterrupted(sending, ended));
    assertThat(sending.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(ended).isFalse();
    announcer.stop(VIP);
    assertThat(ended).as("the announcement is over when stop returns").isTrue();
  }

  @Test
  void aNewAnnouncementEndsTheOneBeforeIt() throws InterruptedException {
    CountDownLatch first = new CountDownLatch(1);
    AtomicBoolean firstEnded = new AtomicBoolean();
    announcer.start(VIP, () -> sendUntilInterrupted(first, firstEnded));
    assertThat(first.await(5, TimeUnit.SECONDS)).isTrue();
    CountDownLatch second = new CountDownLatch(1);
    announcer.start(VIP, second::countDown);
    assertThat(firstEnded).isTrue();
    assertThat(second.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aFailingAnnouncementIsContainedAndStopAfterItsEndDoesNothing() throws InterruptedException {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);
    announcer.start(
        VIP,
        () -> {
          runs.incrementAndGet();
          done.countDown();
          throw new IllegalStateException("arping: interface is down");
        });
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    announcer.stop(VIP);
    announcer.stop(VirtualIp.parse("10.99.0.101/24", "eth0"));
    assertThat(runs).hasValue(1);
  }

  private static void sendUntilInterrupted(CountDownLatch sending, AtomicBoolean ended) {
    sending.countDown();
    try {
      Thread.sleep(60_000);
    } catch (InterruptedException e) {
      // What an arping killed by stop sees.
    } finally {
      ended.set(true);
    }
  }
}
