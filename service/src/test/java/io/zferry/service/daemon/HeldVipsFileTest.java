package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.config.Vip;
import io.zferry.service.failover.VipControl;
import io.zferry.vip.AddressProbe;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The list of held VIPs that systemd's ExecStopPost helper reads after killing zferryd. */
class HeldVipsFileTest {
  private static final Vip A = new Vip("10.99.0.100/24", "eth0");
  private static final Vip B = new Vip("fd00::100/64", "eth1");

  private final List<String> writes = new ArrayList<>();
  private final List<String> events = new ArrayList<>();
  private final List<String> up = new ArrayList<>();
  private boolean removalFails;

  private final HeldVipsFile file =
      new HeldVipsFile(
          "vips-held",
          text -> {
            events.add("written");
            writes.add(text);
          });

  private final VipControl ip =
      new VipControl() {
        @Override
        public Result converge(boolean hold, AddressProbe probe) {
          events.add(hold ? "up" : "down");
          if (hold) {
            up.clear();
            up.addAll(List.of(A.cidr(), B.cidr()));
          } else if (!removalFails) {
            up.clear();
          }
          return Result.NOTHING;
        }

        @Override
        public List<String> held() {
          return List.copyOf(up);
        }
      };

  @Test
  void aVipIsListedBeforeItGoesUpAndUntilItIsDown() {
    VipControl vips = file.recording("tank", List.of(A, B), ip);

    vips.converge(true);
    vips.converge(true);
    vips.converge(false);

    assertThat(events).containsExactly("written", "up", "up", "down", "written");
    assertThat(writes).containsExactly("tank 10.99.0.100/24 eth0\ntank fd00::100/64 eth1\n", "");
  }

  @Test
  void aVipThatCouldNotBeRemovedStaysListed() {
    VipControl vips = file.recording("tank", List.of(A, B), ip);
    vips.converge(true);
    removalFails = true;

    vips.converge(false);

    assertThat(writes).containsExactly("tank 10.99.0.100/24 eth0\ntank fd00::100/64 eth1\n");
  }

  @Test
  void everyServiceHasItsOwnLinesAndAFailedWriteIsTriedAgain() {
    List<String> attempts = new ArrayList<>();
    HeldVipsFile flaky =
        new HeldVipsFile(
            "vips-held",
            text -> {
              attempts.add(text);
              if (attempts.size() == 1) {
                throw new IOException("No space left on device");
              }
            });
    flaky.record("web", List.of(B));
    flaky.record("web", List.of(B));
    flaky.record("db", List.of(A));

    assertThat(attempts)
        .containsExactly(
            "web fd00::100/64 eth1\n",
            "web fd00::100/64 eth1\n",
            "db 10.99.0.100/24 eth0\nweb fd00::100/64 eth1\n");
  }
}
