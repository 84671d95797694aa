package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.failover.NodeHealth;
import io.zferry.service.testing.MutableClock;
import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.HostException;
import io.zferry.snapshot.zfs.ZfsCommandException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The ZFS watchdog: what the probe last heard, and for how long it has heard nothing. */
class PoolHealthProbeTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private Supplier<String> answer = () -> "ONLINE";
  private final PoolHealthProbe probe =
      new PoolHealthProbe("tank", timeout -> answer.get(), clock::nanoTime);

  @Test
  void aSuspendedPoolIsReportedAtOnce() {
    answer = () -> "SUSPENDED";
    probe.probeOnce();
    NodeHealth health = probe.health(Duration.ZERO);
    assertThat(health.poolState()).isEqualTo("SUSPENDED");
    assertThat(health.failure()).hasValue("its pool is SUSPENDED");
  }

  @Test
  void aProbeThatTimesOutLeavesTheLastAnswerToAgeIntoAHang() {
    probe.probeOnce();
    answer =
        () -> {
          throw new HostException("node-a", "'zpool list' did not finish within PT10S");
        };
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofSeconds(12));
      probe.probeOnce();
    }
    assertThat(probe.health(Duration.ZERO).failure()).as("48 s without an answer").isEmpty();
    clock.advance(Duration.ofSeconds(24));
    probe.probeOnce();
    NodeHealth hung = probe.health(Duration.ZERO);
    assertThat(hung.zfsUnansweredFor()).isEqualTo(Duration.ofSeconds(72));
    assertThat(hung.failure()).hasValue("its zpool command has hung for 1m12s");

    answer = () -> "ONLINE";
    probe.probeOnce();
    assertThat(probe.health(Duration.ZERO).failure()).as("answering again").isEmpty();
  }

  @Test
  void aProbeThatNeverAnsweredAgesFromItsStart() {
    clock.advance(NodeHealth.ZFS_HANG_LIMIT);
    assertThat(probe.health(Duration.ZERO).failure()).isPresent();
  }

  @Test
  void anErrorFromZpoolIsAnAnswerNotAHang() {
    answer =
        () -> {
          throw new ZfsCommandException(
              "node-a",
              new Command(List.of("zpool", "list", "-H", "-o", "health", "tank")),
              1,
              "cannot open 'tank': no such pool");
        };
    probe.probeOnce();
    clock.advance(NodeHealth.ZFS_HANG_LIMIT);
    probe.probeOnce();
    NodeHealth health = probe.health(Duration.ZERO);
    assertThat(health.poolState()).isEqualTo(NodeHealth.UNKNOWN_STATE);
    assertThat(health.failure()).isEmpty();
  }

  @Test
  void theControlLoopsIdleTimeIsReportedWithIt() {
    probe.probeOnce();
    assertThat(probe.health(Duration.ofMinutes(4)).failure().orElseThrow())
        .contains("control loop has made no progress for 4m");
  }
}
