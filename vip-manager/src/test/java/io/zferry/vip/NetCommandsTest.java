package io.zferry.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class NetCommandsTest {
  private final NetCommands commands = new NetCommands(VipSettings.defaults());

  @Test
  void ipv4() {
    VirtualIp vip = VirtualIp.parse("10.99.0.100/24", "bond0.100");
    assertThat(commands.duplicateAddressCheck(vip))
        .containsExactly("arping", "-D", "-c", "2", "-w", "3", "-I", "bond0.100", "10.99.0.100");
    assertThat(commands.announce(vip))
        .containsExactly(
            "arping", "-U", "-c", "2", "-I", "bond0.100", "-s", "10.99.0.100", "10.99.0.100");
    assertThat(commands.add(vip))
        .containsExactly("ip", "addr", "add", "10.99.0.100/24", "dev", "bond0.100");
    assertThat(commands.delete(vip))
        .containsExactly("ip", "addr", "del", "10.99.0.100/24", "dev", "bond0.100");
    assertThat(commands.show("bond0.100"))
        .containsExactly("ip", "-j", "addr", "show", "dev", "bond0.100");
    assertThat(commands.showAll()).containsExactly("ip", "-j", "addr", "show");
  }

  @Test
  void ipv6UsesTheCanonicalTextAndNeverNodad() {
    VirtualIp vip = VirtualIp.parse("FD99:0:0:0::0100/64", "eth0");
    assertThat(commands.add(vip))
        .containsExactly("ip", "addr", "add", "fd99::100/64", "dev", "eth0");
    assertThat(commands.delete(vip))
        .containsExactly("ip", "addr", "del", "fd99::100/64", "dev", "eth0");
  }

  @Test
  void settingsReachTheArgv() {
    NetCommands tuned =
        new NetCommands(
            new VipSettings(
                Duration.ofSeconds(20),
                3,
                Duration.ofSeconds(5),
                4,
                Duration.ofSeconds(5),
                Duration.ofMillis(100),
                Duration.ofMillis(250)));
    VirtualIp vip = VirtualIp.parse("10.99.0.100/24", "eth0");
    assertThat(tuned.duplicateAddressCheck(vip)).containsSequence("-c", "3", "-w", "5");
    assertThat(tuned.announce(vip)).containsSequence("-U", "-c", "4");
    assertThat(tuned.shortDuplicateAddressCheck(vip))
        .containsExactly(
            "timeout", "0.250", "arping", "-D", "-c", "1", "-w", "1", "-I", "eth0", "10.99.0.100");
  }

  @Test
  void settingsThatCannotWorkAreRefused() {
    assertThatThrownBy(
            () ->
                new VipSettings(
                    Duration.ofSeconds(3),
                    2,
                    Duration.ofSeconds(3),
                    2,
                    Duration.ofSeconds(5),
                    Duration.ofMillis(200),
                    Duration.ofMillis(300)))
        .hasMessageContaining("leaves arping no time");
    assertThatThrownBy(
            () ->
                new VipSettings(
                    Duration.ofSeconds(15),
                    0,
                    Duration.ofSeconds(3),
                    2,
                    Duration.ofSeconds(5),
                    Duration.ofMillis(200),
                    Duration.ofMillis(300)))
        .hasMessageContaining("dadProbes");
    assertThatThrownBy(
            () ->
                new VipSettings(
                    Duration.ofSeconds(15),
                    2,
                    Duration.ofMillis(500),
                    2,
                    Duration.ofSeconds(5),
                    Duration.ofMillis(200),
                    Duration.ofMillis(300)))
        .hasMessageContaining("dadDeadline");
    assertThatThrownBy(
            () ->
                new VipSettings(
                    Duration.ofSeconds(15),
                    2,
                    Duration.ofSeconds(3),
                    2,
                    Duration.ofSeconds(5),
                    Duration.ofMillis(200),
                    Duration.ofSeconds(4)))
        .hasMessageContaining("shortProbeWindow");
  }
}
