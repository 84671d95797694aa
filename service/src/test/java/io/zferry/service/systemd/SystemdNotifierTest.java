package io.zferry.service.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.service.testing.MutableClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SystemdNotifierTest {
  private static final long PID = 4242;
  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final RecordingTransport transport = new RecordingTransport();

  /** What the notifier sent, and where it was told to send it. */
  private static final class RecordingTransport implements NotifyTransport {
    final List<String> sent = new ArrayList<>();
    String openedFor;
    boolean fail;
    boolean closed;

    @Override
    public void send(String message) throws IOException {
      if (fail) {
        throw new IOException("Connection refused");
      }
      sent.add(message);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private SystemdNotifier notifier(Map<String, String> env) {
    return SystemdNotifier.fromEnvironment(
        env,
        PID,
        socket -> {
          transport.openedFor = socket;
          return transport;
        },
        clock);
  }

  @Test
  void withoutNotifySocketNothingIsOpenedOrSent() {
    SystemdNotifier systemd = notifier(Map.of("WATCHDOG_USEC", "30000000"));

    systemd.status("starting");
    systemd.ready("serving");
    assertThat(systemd.watchdog()).isFalse();
    systemd.stopping("stopping");

    assertThat(systemd.enabled()).isFalse();
    assertThat(transport.openedFor).isNull();
    assertThat(transport.sent).isEmpty();
  }

  @Test
  void readyStatusAndStoppingAreSentToTheNamedSocket() {
    SystemdNotifier systemd = notifier(Map.of("NOTIFY_SOCKET", "@/org/freedesktop/systemd1/x"));

    systemd.status("starting: reading /etc/zferry/zferry.yaml");
    systemd.ready("serving 1 service(s)");
    systemd.stopping("stopping");
    systemd.close();

    assertThat(transport.openedFor).isEqualTo("@/org/freedesktop/systemd1/x");
    assertThat(transport.sent)
        .containsExactly(
            "STATUS=starting: reading /etc/zferry/zferry.yaml",
            "READY=1\nSTATUS=serving 1 service(s)",
            "STOPPING=1\nSTATUS=stopping");
    assertThat(transport.closed).isTrue();
  }

  @Test
  void aStartupStepExtendsTheStartTimeoutFromNowInMicroseconds() {
    SystemdNotifier systemd = notifier(Map.of("NOTIFY_SOCKET", "/run/systemd/notify"));

    systemd.startupStep("starting: opening /var/lib/zferry/state.db", Duration.ofSeconds(90));
    systemd.startupStep("starting: services\nREADY=1", Duration.ofMillis(1500));

    assertThat(transport.sent)
        .containsExactly(
            "STATUS=starting: opening /var/lib/zferry/state.db\nEXTEND_TIMEOUT_USEC=90000000",
            "STATUS=starting: services READY=1\nEXTEND_TIMEOUT_USEC=1500000");
  }

  @Test
  void aStatusIsOneLineSoItCannotStartAnotherAssignment() {
    SystemdNotifier systemd = notifier(Map.of("NOTIFY_SOCKET", "/run/systemd/notify"));

    systemd.status("failed to start: 2 problems\n  nodes[0].name: ...\nREADY=1\n");

    assertThat(transport.sent)
        .containsExactly("STATUS=failed to start: 2 problems nodes[0].name: ... READY=1");
  }

  @Test
  void theWatchdogIsPingedAfterEveryRoundButAtMostOncePerTwelfthOfItsPeriod() {
    SystemdNotifier systemd =
        notifier(Map.of("NOTIFY_SOCKET", "/run/systemd/notify", "WATCHDOG_USEC", "12000000"));
    assertThat(systemd.watchdogPeriod()).contains(Duration.ofSeconds(12));

    List<Boolean> pinged = new ArrayList<>();
    for (int tenth = 0; tenth < 30; tenth++) {
      pinged.add(systemd.watchdog());
      clock.advance(Duration.ofMillis(100));
    }

    assertThat(transport.sent).containsExactly("WATCHDOG=1", "WATCHDOG=1", "WATCHDOG=1");
    assertThat(pinged.get(0)).isTrue();
    assertThat(pinged.get(9)).isFalse();
    assertThat(pinged.get(10)).isTrue();
    assertThat(pinged.get(20)).isTrue();
  }

  @Test
  void heartbeatRoundsOfVaryingLengthKeepTheWatchdogFed() {
    SystemdNotifier systemd =
        notifier(Map.of("NOTIFY_SOCKET", "/run/systemd/notify", "WATCHDOG_USEC", "12000000"));
    // With a silent peer a round is 1 s of interval, the API probe's 2 s and the SSH probe's
    // answer: quick (5.5 s in all) or its connect and banner read each near their 2 s (7 s).
    List<Duration> rounds = List.of(Duration.ofMillis(5500), Duration.ofMillis(7000));
    Duration sinceLastPing = Duration.ZERO;
    Duration longestUnpinged = Duration.ZERO;
    systemd.watchdog();
    for (int round = 0; round < 20; round++) {
      Duration length = rounds.get(round % 2);
      clock.advance(length);
      sinceLastPing = sinceLastPing.plus(length);
      if (sinceLastPing.compareTo(longestUnpinged) > 0) {
        longestUnpinged = sinceLastPing;
      }
      if (systemd.watchdog()) {
        sinceLastPing = Duration.ZERO;
      }
    }

    assertThat(longestUnpinged).isLessThan(Duration.ofSeconds(12));
  }

  @Test
  void aLastStopStepExtendsTheStopTimeoutAndTheWatchdogIfThereIsOne() {
    notifier(Map.of("NOTIFY_SOCKET", "/run/systemd/notify", "WATCHDOG_USEC", "12000000"))
        .stopStep("stopping: writing the class-data archive", Duration.ofMinutes(2));
    notifier(Map.of("NOTIFY_SOCKET", "/run/systemd/notify"))
        .stopStep("stopping: writing", Duration.ofSeconds(30));

    assertThat(transport.sent)
        .containsExactly(
            "STATUS=stopping: writing the class-data archive\nEXTEND_TIMEOUT_USEC=120000000"
                + "\nWATCHDOG_USEC=120000000",
            "STATUS=stopping: writing\nEXTEND_TIMEOUT_USEC=30000000");
  }

  @Test
  void aWallClockSteppedBackDoesNotStopThePings() {
    SystemdNotifier systemd =
        notifier(Map.of("NOTIFY_SOCKET", "/run/systemd/notify", "WATCHDOG_USEC", "12000000"));
    assertThat(systemd.watchdog()).isTrue();

    clock.stepWall(Duration.ofHours(-1));

    assertThat(systemd.watchdog()).isTrue();
  }

  @Test
  void noWatchdogWithoutWatchdogUsecOrForAnotherProcess() {
    assertThat(notifier(Map.of("NOTIFY_SOCKET", "/run/n")).watchdog()).isFalse();
    assertThat(
            notifier(
                    Map.of(
                        "NOTIFY_SOCKET", "/run/n",
                        "WATCHDOG_USEC", "30000000",
                        "WATCHDOG_PID", "1"))
                .watchdog())
        .isFalse();
    assertThat(notifier(Map.of("NOTIFY_SOCKET", "/run/n", "WATCHDOG_USEC", "thirty")).watchdog())
        .isFalse();
    assertThat(notifier(Map.of("NOTIFY_SOCKET", "/run/n", "WATCHDOG_USEC", "0")).watchdog())
        .isFalse();
    assertThat(transport.sent).isEmpty();

    SystemdNotifier ours =
        notifier(
            Map.of(
                "NOTIFY_SOCKET", "/run/n",
                "WATCHDOG_USEC", "2000000",
                "WATCHDOG_PID", Long.toString(PID)));
    assertThat(ours.watchdogPeriod()).contains(Duration.ofSeconds(2));
    assertThat(ours.watchdog()).isTrue();
  }

  @Test
  void aFailedSendIsNotThrownAndLaterSendsStillGo() {
    SystemdNotifier systemd =
        notifier(Map.of("NOTIFY_SOCKET", "/run/systemd/notify", "WATCHDOG_USEC", "2000000"));
    transport.fail = true;

    systemd.ready("serving");
    assertThat(systemd.watchdog()).isTrue();

    transport.fail = false;
    clock.advance(Duration.ofSeconds(1));
    assertThat(systemd.watchdog()).isTrue();
    assertThat(transport.sent).containsExactly("WATCHDOG=1");
  }

  @Test
  void aTransportThatCannotBeOpenedLeavesTheNotifierOff() {
    SystemdNotifier systemd =
        SystemdNotifier.fromEnvironment(
            Map.of("NOTIFY_SOCKET", "/run/systemd/notify"),
            PID,
            socket -> {
              throw new IOException("no native library for this platform");
            },
            clock);

    systemd.ready("serving");

    assertThat(systemd.enabled()).isFalse();
  }

  @Test
  void onlyAbsolutePathsAndAbstractNamesAreSocketAddresses() throws Exception {
    assertThat(UnixDatagramTransport.address("/run/systemd/notify")).isNotNull();
    assertThat(UnixDatagramTransport.address("@name")).isNotNull();
    for (String bad : List.of("run/systemd/notify", "@", "vsock:2:1234")) {
      assertThatThrownBy(() -> UnixDatagramTransport.address(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("NOTIFY_SOCKET=" + bad);
    }
  }
}
