package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.failover.VipControl;
import io.zferry.vip.AddressProbe;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Which children the dead man's switch kills, and what it reports of the VIPs. */
class LeaseSafeguardsTest {

  @Test
  void onlyZfsAndZpoolCallsOnTheServicesPoolAreTheSwitchsToKill() {
    assertThat(LeaseSafeguards.worksOn("/usr/sbin/zfs", List.of("snapshot", "tank@a"), "tank"))
        .isTrue();
    assertThat(
            LeaseSafeguards.worksOn(
                "/sbin/zfs", List.of("set", "readonly=on", "tank/child space"), "tank"))
        .isTrue();
    assertThat(
            LeaseSafeguards.worksOn("zpool", List.of("list", "-H", "-o", "health", "tank"), "tank"))
        .isTrue();
    assertThat(LeaseSafeguards.worksOn("/usr/sbin/zfs", List.of("send", "tank#mark"), "tank"))
        .isTrue();
    assertThat(LeaseSafeguards.worksOn("/usr/sbin/zfs", List.of("snapshot", "tank2@a"), "tank"))
        .as("another service's pool")
        .isFalse();
    assertThat(LeaseSafeguards.worksOn("/usr/sbin/zfs", List.of("list"), "tank")).isFalse();
    assertThat(LeaseSafeguards.worksOn("/usr/bin/ssh", List.of("node-b", "zfs", "tank"), "tank"))
        .as("a hook or the peer's transfer is not a hung local zfs")
        .isFalse();
    assertThat(LeaseSafeguards.worksOn("/usr/bin/zfsx", List.of("tank"), "tank")).isFalse();
  }

  @Test
  void theVipsGoDownAndWhatFailedIsReported() {
    List<Boolean> asked = new ArrayList<>();
    VipControl vips =
        new VipControl() {
          @Override
          public Result converge(boolean hold, AddressProbe probe) {
            asked.add(hold);
            return new Result(
                List.of(), List.of("10.0.0.10/24"), List.of("10.0.0.11/24: ip failed: busy"));
          }

          @Override
          public List<String> held() {
            return List.of();
          }
        };
    LeaseSafeguards safeguards =
        new LeaseSafeguards(
            vips, null, io.zferry.snapshot.zfs.DatasetName.of("tank"), Stream::empty);

    assertThat(safeguards.dropVips())
        .containsExactly("10.0.0.10/24 removed", "10.0.0.11/24: ip failed: busy");
    assertThat(asked).containsExactly(false);
    assertThat(safeguards.killZfsChildren()).isEmpty();
  }
}
