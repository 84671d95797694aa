package io.zferry.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing real {@code ip -j addr show} output captured in the lab's nodes. */
class IpAddrJsonTest {
  private static List<String> described(String capture) {
    return IpAddrJson.parse(Captured.ipAddr(capture)).stream()
        .map(InterfaceAddress::toString)
        .toList();
  }

  @Test
  void aFreshNodeHasItsOwnAddressAndATentativeLinkLocal() {
    assertThat(described("node-a-eth0-fresh"))
        .containsExactly(
            "10.99.0.11/24 on eth0", "fe80::f81b:24ff:fe70:fd55/64 on eth0 (tentative)");
  }

  @Test
  void aVipInTheNodesSubnetIsASecondaryAddress() {
    List<InterfaceAddress> addresses =
        IpAddrJson.parse(Captured.ipAddr("node-a-eth0-vip-secondary"));
    VirtualIp vip = VirtualIp.parse("10.99.0.100/24", "eth0");
    assertThat(addresses)
        .filteredOn(a -> a.is(vip))
        .singleElement()
        .matches(InterfaceAddress::usable);
    assertThat(addresses)
        .filteredOn(a -> a.is(VirtualIp.parse("10.99.0.100/24", "eth1")))
        .isEmpty();
    assertThat(addresses)
        .filteredOn(a -> a.is(VirtualIp.parse("10.99.0.100/32", "eth0")))
        .isEmpty();
  }

  @Test
  void everyInterfaceOfAFullListing() {
    assertThat(described("node-a-all"))
        .containsExactly(
            "127.0.0.1/8 on lo",
            "::1/128 on lo",
            "10.99.0.11/24 on eth0",
            "10.99.0.150/32 on eth0",
            "10.99.0.100/24 on eth0",
            "fd99::100/64 on eth0",
            "fe80::cc0d:b6ff:fec1:6d81/64 on eth0");
  }

  @Test
  void theSameAddressWithTwoPrefixesIsTwoEntries() {
    assertThat(described("node-a-eth0-same-address-two-prefixes"))
        .contains("10.99.0.100/32 on eth0", "10.99.0.100/24 on eth0");
  }

  @Test
  void ipv6DuplicateAddressDetectionStates() {
    VirtualIp vip = VirtualIp.parse("fd99::100/64", "eth0");
    assertThat(IpAddrJson.parse(Captured.ipAddr("node-a-eth0-ipv6-tentative")))
        .filteredOn(a -> a.is(vip))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.tentative()).isTrue();
              assertThat(a.dadFailed()).isFalse();
            });
    assertThat(IpAddrJson.parse(Captured.ipAddr("node-a-eth0-ipv6-ready")))
        .filteredOn(a -> a.is(vip))
        .singleElement()
        .matches(InterfaceAddress::usable);
    assertThat(IpAddrJson.parse(Captured.ipAddr("node-b-eth0-ipv6-dadfailed")))
        .filteredOn(a -> a.is(vip))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.dadFailed()).isTrue();
              assertThat(a.usable()).isFalse();
            });
  }

  @Test
  void addressesOnLoopback() {
    assertThat(described("node-a-lo-vip"))
        .containsExactly("127.0.0.1/8 on lo", "10.99.0.100/24 on lo", "::1/128 on lo");
  }

  @Test
  void aFamilyFilteredListingAndEmptyOnes() {
    assertThat(described("node-a-eth0-ipv6-only"))
        .containsExactly("fe80::f81b:24ff:fe70:fd55/64 on eth0");
    assertThat(IpAddrJson.parse("[]")).isEmpty();
    assertThat(
            IpAddrJson.parse("[{},{\"ifname\":\"eth1\",\"addr_info\":[]},{\"ifname\":\"eth2\"}]"))
        .isEmpty();
  }

  @Test
  void otherFamiliesAreSkipped() {
    assertThat(
            IpAddrJson.parse(
                "[{\"ifname\":\"eth0\",\"addr_info\":[{\"family\":\"link\",\"local\":\"x\"}]}]"))
        .isEmpty();
  }

  @Test
  void unexpectedTextIsRefused() {
    assertThatThrownBy(() -> IpAddrJson.parse("Device \"nope\" does not exist."))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not JSON");
    assertThatThrownBy(() -> IpAddrJson.parse("{\"ifname\":\"eth0\"}"))
        .hasMessageContaining("expected a JSON array");
    assertThatThrownBy(() -> IpAddrJson.parse("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                IpAddrJson.parse(
                    "[{\"ifname\":\"eth0\",\"addr_info\":[{\"family\":\"inet\",\"local\":\"x.y\","
                        + "\"prefixlen\":24}]}]"))
        .hasMessageContaining("'x.y' on eth0 is no address");
    assertThatThrownBy(
            () ->
                IpAddrJson.parse(
                    "[{\"ifname\":\"eth0\",\"addr_info\":[{\"family\":\"inet\","
                        + "\"local\":\"10.0.0.1\"}]}]"))
        .hasMessageContaining("has no prefixlen");
  }
}
