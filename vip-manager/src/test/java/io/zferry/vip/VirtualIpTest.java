package io.zferry.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VirtualIpTest {
  @ParameterizedTest
  @CsvSource({
    "10.99.0.100/24, 10.99.0.100/24, false",
    "10.99.0.100/32, 10.99.0.100/32, false",
    "192.168.1.254/31, 192.168.1.254/31, false",
    "10.0.0.1/0, 10.0.0.1/0, false",
    "fd99::100/64, fd99::100/64, true",
    "FD99:0:0:0:0:0:0:100/64, fd99::100/64, true",
    "2001:db8:0:0:1:0:0:1/128, 2001:db8::1:0:0:1/128, true",
    "2001:0db8:0000:0000:0000:0000:0000:0001/64, 2001:db8::1/64, true",
    "fd00:1:0:0:2:3:4:0/64, fd00:1::2:3:4:0/64, true",
    "fd00:1:2:3:4:5:6:7/64, fd00:1:2:3:4:5:6:7/64, true",
  })
  void parsesAndPrintsTheCanonicalForm(String cidr, String canonical, boolean ipv6) {
    VirtualIp vip = VirtualIp.parse(cidr, "eth0");
    assertThat(vip.cidr()).isEqualTo(canonical);
    assertThat(vip.isIpv6()).isEqualTo(ipv6);
    assertThat(vip).hasToString(canonical + " on eth0");
  }

  @Test
  void equalityIsAddressPrefixAndInterface() {
    VirtualIp vip = VirtualIp.parse("fd99::100/64", "eth0");
    assertThat(vip).isEqualTo(VirtualIp.parse("fd99:0::100/64", "eth0"));
    assertThat(vip).isNotEqualTo(VirtualIp.parse("fd99::100/128", "eth0"));
    assertThat(vip).isNotEqualTo(VirtualIp.parse("fd99::100/64", "eth1"));
  }

  @Test
  void aHostNameOrScopeOnTheAddressIsDropped() throws Exception {
    InetAddress named = InetAddress.getByAddress("some-host", new byte[] {10, 99, 0, 100});
    VirtualIp vip = new VirtualIp(named, 24, "eth0");
    assertThat(vip).isEqualTo(VirtualIp.parse("10.99.0.100/24", "eth0"));
    assertThat(vip.address().toString()).isEqualTo("/10.99.0.100");
  }

  @Test
  void ordersByInterfaceThenAddress() {
    TreeSet<VirtualIp> sorted =
        new TreeSet<>(
            List.of(
                VirtualIp.parse("10.99.0.200/24", "eth0"),
                VirtualIp.parse("10.99.0.101/24", "eth1"),
                VirtualIp.parse("10.99.0.20/24", "eth0")));
    assertThat(sorted)
        .extracting(VirtualIp::toString)
        .containsExactly(
            "10.99.0.20/24 on eth0", "10.99.0.200/24 on eth0", "10.99.0.101/24 on eth1");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "10.99.0.100",
        "10.99.0.100/",
        "10.99.0.100/33",
        "10.99.0.100/-1",
        "10.99.0.100/024",
        "10.99.0.100/24/1",
        "10.99.0.100 /24",
        "10.99.0.256/24",
        "10.99.0/24",
        "10.99.0.1.2/24",
        "010.99.0.100/24",
        "localhost/24",
        "example.com/24",
        ".1.2.3/24",
        "0x0a.0.0.1/24",
        "fd99::100/129",
        "fd99::100%eth0/64",
        "[fd99::100]/64",
        "fd99:::100/64",
        "::ffff:10.99.0.100/120",
        "0.0.0.0/24",
        "::/64",
        "127.0.0.2/8",
        "::1/128",
        "224.0.0.1/24",
        "ff02::1/64",
        "fe80::1/64",
        "10.99.0.0/24",
        "10.99.0.255/24",
        "255.255.255.255/32",
        "10.99.0.100/24; reboot",
        "10.99.0.100/24\n",
      })
  void refusesWhatIsNotAHostAddressWithAPrefix(String cidr) {
    assertThatThrownBy(() -> VirtualIp.parse(cidr, "eth0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("virtual IP '")
        .hasMessageContaining("is not accepted");
  }

  @Test
  void aMissingPrefixSaysHowToWriteIt() {
    assertThatThrownBy(() -> VirtualIp.parse("10.99.0.100", "eth0"))
        .hasMessageContaining("write it like 10.99.0.100/24");
  }

  @Test
  void controlCharactersAreEscapedInMessages() {
    assertThatThrownBy(() -> VirtualIp.parse("10.99.0.100/24\n", "eth0"))
        .hasMessageContaining("24\\x0a")
        .hasMessageNotContaining("\n");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"eth0", "e", "bond0.100", "br_lan", "enp0s31f6", "abcdefghijklmno", "v-a"})
  void acceptsKernelInterfaceNames(String name) {
    assertThat(VirtualIp.parse("10.99.0.100/24", name).interfaceName()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "abcdefghijklmnop",
        "-h",
        "--help",
        ".",
        "..",
        "eth 0",
        "eth0;id",
        "eth/0",
        "eth0:1",
        "eth0\n",
        "eth$0",
        "äth0",
      })
  void refusesOtherInterfaceNames(String name) {
    assertThatThrownBy(() -> VirtualIp.parse("10.99.0.100/24", name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interface name")
        .hasMessageContaining("1 to 15 characters");
  }

  @Test
  void aNullInterfaceIsRefused() {
    assertThatThrownBy(() -> VirtualIp.parse("10.99.0.100/24", null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
