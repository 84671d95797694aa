package io.zferry.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VipReconcilerTest {
  private static final String NODE = "10.99.0.11/24 eth0";

  /**
   * Each row: desired VIPs, managed VIPs, addresses on the interfaces (with an optional
   * "!tentative" or "!dadfailed"), expected actions. VIPs and addresses are written "cidr iface",
   * separated by commas.
   */
  static Stream<Arguments> table() {
    return Stream.of(
        row("nothing anywhere", "", "", NODE, ""),
        row(
            "desired and absent: add",
            "10.99.0.100/24 eth0",
            "",
            NODE,
            "add 10.99.0.100/24 on eth0"),
        row(
            "desired and present: nothing",
            "10.99.0.100/24 eth0",
            "10.99.0.100/24 eth0",
            NODE + ", 10.99.0.100/24 eth0",
            ""),
        row(
            "removed by hand on the active: added again",
            "10.99.0.100/24 eth0",
            "10.99.0.100/24 eth0",
            NODE,
            "add 10.99.0.100/24 on eth0"),
        row(
            "left on a passive: removed",
            "",
            "10.99.0.100/24 eth0",
            NODE + ", 10.99.0.100/24 eth0",
            "remove 10.99.0.100/24 on eth0"),
        row("managed, not desired, absent: nothing", "", "10.99.0.100/24 eth0", NODE, ""),
        row(
            "not managed: never touched",
            "",
            "10.99.0.100/24 eth0",
            NODE + ", 10.99.0.120/24 eth0, 10.99.0.100/24 eth1",
            ""),
        row(
            "same address, other prefix: the managed one added, the stray left alone",
            "10.99.0.100/24 eth0",
            "10.99.0.100/24 eth0",
            NODE + ", 10.99.0.100/32 eth0",
            "add 10.99.0.100/24 on eth0"),
        row(
            "moved to another interface: removed first, then added",
            "10.99.0.100/24 eth1",
            "10.99.0.100/24 eth0, 10.99.0.100/24 eth1",
            NODE + ", 10.99.0.100/24 eth0",
            "remove 10.99.0.100/24 on eth0, add 10.99.0.100/24 on eth1"),
        row(
            "a desired VIP counts as managed without being listed",
            "10.99.0.100/24 eth0",
            "",
            NODE + ", 10.99.0.100/24 eth0",
            ""),
        row(
            "several at once, in order",
            "10.99.0.102/24 eth0, 10.99.0.101/24 eth0",
            "10.99.0.101/24 eth0, 10.99.0.102/24 eth0, 10.99.0.104/24 eth0, 10.99.0.103/24 eth0",
            NODE + ", 10.99.0.104/24 eth0, 10.99.0.103/24 eth0",
            "remove 10.99.0.103/24 on eth0, remove 10.99.0.104/24 on eth0,"
                + " add 10.99.0.101/24 on eth0, add 10.99.0.102/24 on eth0"),
        row(
            "IPv6 tentative: DAD is running, nothing",
            "fd99::100/64 eth0",
            "fd99::100/64 eth0",
            NODE + ", fd99::100/64 eth0 !tentative",
            ""),
        row(
            "IPv6 dadfailed: brought up again (which checks again)",
            "fd99::100/64 eth0",
            "fd99::100/64 eth0",
            NODE + ", fd99::100/64 eth0 !dadfailed",
            "add fd99::100/64 on eth0"),
        row(
            "IPv6 dadfailed on a passive: removed",
            "",
            "fd99::100/64 eth0",
            NODE + ", fd99::100/64 eth0 !dadfailed",
            "remove fd99::100/64 on eth0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void plans(
      String name,
      Set<VirtualIp> desired,
      Set<VirtualIp> managed,
      List<InterfaceAddress> actual,
      List<String> expected) {
    assertThat(VipReconciler.plan(desired, managed, actual))
        .extracting(VipAction::toString)
        .containsExactlyElementsOf(expected);
  }

  @Test
  void actionsCarryTheirVip() {
    VirtualIp vip = VirtualIp.parse("10.99.0.100/24", "eth0");
    assertThat(VipReconciler.plan(Set.of(vip), Set.of(vip), List.of()))
        .containsExactly(new VipAction.Add(vip));
    assertThat(VipReconciler.plan(Set.of(), Set.of(vip), addresses("10.99.0.100/24 eth0")))
        .containsExactly(new VipAction.Remove(vip));
  }

  @Test
  void theSamePlanOnEveryTick() {
    Set<VirtualIp> desired = vips("10.99.0.100/24 eth0");
    Set<VirtualIp> managed = vips("10.99.0.100/24 eth0, 10.99.0.101/24 eth0");
    List<InterfaceAddress> actual = addresses(NODE + ", 10.99.0.101/24 eth0");
    assertThat(VipReconciler.plan(desired, managed, actual))
        .isEqualTo(VipReconciler.plan(desired, managed, actual));
  }

  @Test
  void twoDesiredVipsWithOneAddressAreRefused() {
    assertThatThrownBy(
            () ->
                VipReconciler.plan(
                    vips("10.99.0.100/24 eth0, 10.99.0.100/32 eth1"), Set.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("share an address");
  }

  private static Arguments row(
      String name, String desired, String managed, String actual, String expected) {
    List<String> actions =
        expected.isEmpty() ? List.of() : Arrays.stream(expected.split(",\\s*")).toList();
    return Arguments.of(name, vips(desired), vips(managed), addresses(actual), actions);
  }

  private static Set<VirtualIp> vips(String text) {
    return items(text).stream()
        .map(
            item -> {
              String[] parts = item.split(" ");
              return VirtualIp.parse(parts[0], parts[1]);
            })
        .collect(Collectors.toSet());
  }

  private static List<InterfaceAddress> addresses(String text) {
    return items(text).stream()
        .map(
            item -> {
              String[] parts = item.split(" ");
              String[] cidr = parts[0].split("/");
              String flag = parts.length > 2 ? parts[2] : "";
              return new InterfaceAddress(
                  parts[1],
                  IpLiterals.parse(cidr[0]).orElseThrow(),
                  Integer.parseInt(cidr[1]),
                  flag.equals("!tentative") || flag.equals("!dadfailed"),
                  flag.equals("!dadfailed"));
            })
        .toList();
  }

  private static List<String> items(String text) {
    return text.isBlank() ? List.of() : Arrays.stream(text.split(",\\s*")).toList();
  }
}
