package io.zferry.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The manager's command sequences and error mapping, against a scripted runner. */
class LinuxVipManagerTest {
  private static final VirtualIp VIP = VirtualIp.parse("10.99.0.100/24", "eth0");
  private static final VirtualIp VIP6 = VirtualIp.parse("fd99::100/64", "eth0");

  private static final List<String> SHOW = List.of("ip", "-j", "addr", "show", "dev", "eth0");
  private static final List<String> SHOW_ALL = List.of("ip", "-j", "addr", "show");
  private static final List<String> DAD =
      List.of("arping", "-D", "-c", "2", "-w", "3", "-I", "eth0", "10.99.0.100");
  private static final List<String> ADD =
      List.of("ip", "addr", "add", "10.99.0.100/24", "dev", "eth0");
  private static final List<String> DEL =
      List.of("ip", "addr", "del", "10.99.0.100/24", "dev", "eth0");
  private static final List<String> ANNOUNCE =
      List.of("arping", "-U", "-c", "2", "-I", "eth0", "-s", "10.99.0.100", "10.99.0.100");
  private static final List<String> ADD6 =
      List.of("ip", "addr", "add", "fd99::100/64", "dev", "eth0");
  private static final List<String> DEL6 =
      List.of("ip", "addr", "del", "fd99::100/64", "dev", "eth0");

  private static final String WITHOUT = Captured.ipAddr("node-a-eth0-fresh");
  private static final String WITH = Captured.ipAddr("node-a-eth0-vip-secondary");
  private static final String WITHOUT6 = Captured.ipAddr("node-a-eth0-ipv6-only");
  private static final String TENTATIVE6 = Captured.ipAddr("node-a-eth0-ipv6-tentative");
  private static final String READY6 = Captured.ipAddr("node-a-eth0-ipv6-ready");
  private static final String DADFAILED6 = Captured.ipAddr("node-b-eth0-ipv6-dadfailed");

  private final ScriptedRunner runner = new ScriptedRunner();
  private final FakeTime time = new FakeTime();
  private final LinuxVipManager manager =
      new LinuxVipManager(runner, VipSettings.defaults(), time, time, Announcer.INLINE);

  @AfterEach
  void everyScriptedCommandRan() {
    runner.assertAllRan();
  }

  @Test
  void bringUpChecksAddsVerifiesThenAnnounces() {
    runner
        .expect(SHOW, WITHOUT)
        .expect(DAD, Captured.arping("dad-free"))
        .expect(ADD, "")
        .expect(SHOW, WITH)
        .expect(ANNOUNCE, Captured.arping("unsolicited"));
    assertThat(manager.bringUp(VIP)).isTrue();
  }

  @Test
  void bringUpOfAHeldVipOnlyAnnouncesAgain() {
    runner.expect(SHOW, WITH).expect(ANNOUNCE, "");
    assertThat(manager.bringUp(VIP)).isFalse();
  }

  @Test
  void anotherHolderStopsBringUpBeforeAnythingIsAdded() {
    runner.expect(SHOW, WITHOUT).expect(DAD, 1, Captured.arping("dad-answered"), "");
    assertThatThrownBy(() -> manager.bringUp(VIP))
        .isInstanceOfSatisfying(
            DuplicateAddressException.class,
            e -> {
              assertThat(e.vip()).isEqualTo(VIP);
              assertThat(e.answeringMac()).contains("fa:1b:24:70:fd:55");
            })
        .hasMessageContaining("10.99.0.100 is already in use on the network of eth0")
        .hasMessageContaining("the host with MAC fa:1b:24:70:fd:55 answers for it");
  }

  @Test
  void aDuplicateWithoutReplyLinesStillRefuses() {
    runner.expect(SHOW, WITHOUT).expect(DAD, 1, "", "");
    assertThatThrownBy(() -> manager.bringUp(VIP))
        .isInstanceOfSatisfying(
            DuplicateAddressException.class, e -> assertThat(e.answeringMacs()).isEmpty())
        .hasMessageContaining("another host answers for it");
  }

  @Test
  void anArpingErrorIsACommandErrorWithItsStderr() {
    runner.expect(SHOW, WITHOUT).expect(DAD, 2, "", "arping: Device eth0 not available.\n");
    assertThatThrownBy(() -> manager.bringUp(VIP))
        .isInstanceOfSatisfying(
            VipCommandException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(2);
              assertThat(e.argv()).isEqualTo(DAD);
              assertThat(e.stderr()).isEqualTo("arping: Device eth0 not available.\n");
            })
        .hasMessage(
            "checking that no other host answers for 10.99.0.100: '"
                + String.join(" ", DAD)
                + "' exited with 2: arping: Device eth0 not available.");
  }

  @Test
  void aFailedAddKeepsIpsStderr() {
    runner
        .expect(SHOW, WITHOUT)
        .expect(DAD, "")
        .expect(ADD, 2, "", "Error: ipv4: Address already assigned.\n");
    assertThatThrownBy(() -> manager.bringUp(VIP))
        .isInstanceOf(VipCommandException.class)
        .hasMessageStartingWith("adding 10.99.0.100/24 on eth0: 'ip addr add 10.99.0.100/24")
        .hasMessageEndingWith("exited with 2: Error: ipv4: Address already assigned.");
  }

  @Test
  void anAddressMissingAfterAddIsAStateErrorAndNothingIsLeft() {
    runner
        .expect(SHOW, WITHOUT)
        .expect(DAD, "")
        .expect(ADD, "")
        .expect(SHOW, WITHOUT)
        .expect(DEL, 2, "", "Error: ipv4: Address not found.\n");
    assertThatThrownBy(() -> manager.bringUp(VIP))
        .isInstanceOf(VipStateException.class)
        .hasMessageContaining("ip addr add succeeded but ip addr show does not list it on eth0");
  }

  @Test
  void aFailedAnnouncementLeavesTheAddressUp() {
    runner
        .expect(SHOW, WITHOUT)
        .expect(DAD, "")
        .expect(ADD, "")
        .expect(SHOW, WITH)
        .expect(ANNOUNCE, 2, "", "Interface \"eth0\" is down\n")
        .expect(SHOW, WITH);
    assertThat(manager.bringUp(VIP)).isTrue();
    assertThat(manager.held(VIP)).isTrue();
  }

  @Test
  void aFailedRollbackIsKeptAsSuppressed() {
    runner
        .expect(SHOW, WITHOUT)
        .expect(DAD, "")
        .expect(ADD, "")
        .expect(SHOW, WITHOUT)
        .expect(DEL, 2, "", "RTNETLINK answers: Operation not permitted\n");
    assertThatThrownBy(() -> manager.bringUp(VIP))
        .isInstanceOf(VipStateException.class)
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .singleElement()
                    .asString()
                    .contains("removing 10.99.0.100/24 on eth0")
                    .contains("Operation not permitted"));
  }

  @Test
  void aFailedReannouncementLeavesAHeldVipAlone() {
    runner.expect(SHOW, WITH).expect(ANNOUNCE, 2, "", "down\n");
    assertThat(manager.bringUp(VIP)).isFalse();
  }

  @Test
  void aShortProbeIsOneProbeHeardForItsWindowOnly() {
    List<String> quick =
        List.of(
            "timeout", "0.300", "arping", "-D", "-c", "1", "-w", "1", "-I", "eth0", "10.99.0.100");
    runner
        .expect(SHOW, WITHOUT)
        .expect(quick, 124, "", "")
        .expect(ADD, "")
        .expect(SHOW, WITH)
        .expect(ANNOUNCE, "");
    assertThat(manager.bringUp(VIP, AddressProbe.SHORT)).isTrue();
  }

  @Test
  void aHostThatAnswersAShortProbeStillStopsTheBringUp() {
    List<String> quick =
        List.of(
            "timeout", "0.300", "arping", "-D", "-c", "1", "-w", "1", "-I", "eth0", "10.99.0.100");
    runner.expect(SHOW, WITHOUT).expect(quick, 1, Captured.arping("dad-answered"), "");
    assertThatThrownBy(() -> manager.bringUp(VIP, AddressProbe.SHORT))
        .isInstanceOfSatisfying(
            DuplicateAddressException.class,
            e -> assertThat(e.answeringMac()).contains("fa:1b:24:70:fd:55"));
  }

  @Test
  void theAnnouncementIsEndedBeforeTheAddressGoes() {
    List<String> order = new ArrayList<>();
    Announcer recording =
        new Announcer() {
          @Override
          public void start(VirtualIp vip, Runnable send) {
            order.add("announce " + vip.cidr());
          }

          @Override
          public void stop(VirtualIp vip) {
            order.add("stop " + vip.cidr());
          }
        };
    CommandRunner noting =
        (argv, timeout) -> {
          if (argv.equals(DEL)) {
            order.add("del");
          }
          return runner.run(argv, timeout);
        };
    LinuxVipManager announcing =
        new LinuxVipManager(noting, VipSettings.defaults(), time, time, recording);
    runner
        .expect(SHOW, WITHOUT)
        .expect(DAD, "")
        .expect(ADD, "")
        .expect(SHOW, WITH)
        .expect(SHOW, WITH)
        .expect(DEL, "")
        .expect(SHOW, WITHOUT);
    announcing.bringUp(VIP);
    announcing.bringDown(VIP);
    assertThat(order).containsExactly("announce 10.99.0.100/24", "stop 10.99.0.100/24", "del");
  }

  @Test
  void bringDownRemovesAndVerifies() {
    runner.expect(SHOW, WITH).expect(DEL, "").expect(SHOW, WITHOUT);
    assertThat(manager.bringDown(VIP)).isTrue();
  }

  @Test
  void bringDownOfAnAbsentVipDoesNothing() {
    runner.expect(SHOW, WITHOUT);
    assertThat(manager.bringDown(VIP)).isFalse();
  }

  @Test
  void bringDownToleratesTheAddressVanishingMeanwhile() {
    runner
        .expect(SHOW, WITH)
        .expect(DEL, 2, "", "Error: ipv4: Address not found.\n")
        .expect(SHOW, WITHOUT);
    assertThat(manager.bringDown(VIP)).isTrue();
  }

  @Test
  void bringDownReportsOtherErrorsAndLeftovers() {
    runner.expect(SHOW, WITH).expect(DEL, 2, "", "RTNETLINK answers: Operation not permitted\n");
    assertThatThrownBy(() -> manager.bringDown(VIP))
        .isInstanceOf(VipCommandException.class)
        .hasMessageContaining("Operation not permitted");
    runner.expect(SHOW, WITH).expect(DEL, "").expect(SHOW, WITH);
    assertThatThrownBy(() -> manager.bringDown(VIP))
        .isInstanceOf(VipStateException.class)
        .hasMessage("10.99.0.100/24 on eth0: is still on eth0 after ip addr del succeeded");
  }

  @Test
  void heldMeansPresentAndUsable() {
    runner
        .expect(SHOW, WITH)
        .expect(SHOW, WITHOUT)
        .expect(SHOW, READY6)
        .expect(SHOW, TENTATIVE6)
        .expect(SHOW, DADFAILED6);
    assertThat(manager.held(VIP)).isTrue();
    assertThat(manager.held(VIP)).isFalse();
    assertThat(manager.held(VIP6)).isTrue();
    assertThat(manager.held(VIP6)).isFalse();
    assertThat(manager.held(VIP6)).isFalse();
  }

  @Test
  void aMissingInterfaceSurfacesIpsStderr() {
    VirtualIp vip = VirtualIp.parse("10.99.0.100/24", "nope0");
    runner.expect(
        List.of("ip", "-j", "addr", "show", "dev", "nope0"),
        1,
        "",
        "Device \"nope0\" does not exist.\n");
    assertThatThrownBy(() -> manager.held(vip))
        .isInstanceOfSatisfying(
            VipCommandException.class,
            e -> assertThat(e.stderr()).isEqualTo("Device \"nope0\" does not exist.\n"))
        .hasMessageStartingWith("reading the addresses of nope0:")
        .hasMessageEndingWith("exited with 1: Device \"nope0\" does not exist.");
  }

  @Test
  void outputThatIsNotIpsJsonIsACommandError() {
    runner.expect(SHOW, "<html>");
    assertThatThrownBy(() -> manager.held(VIP))
        .isInstanceOf(VipCommandException.class)
        .hasMessageContaining("printed what is not ip's JSON");
  }

  @Test
  void ipv6IsAddedThenWaitsForTheKernelsDuplicateAddressDetection() {
    runner
        .expect(SHOW, WITHOUT6)
        .expect(ADD6, "")
        .expect(SHOW, TENTATIVE6)
        .expect(SHOW, TENTATIVE6)
        .expect(SHOW, READY6);
    assertThat(manager.bringUp(VIP6)).isTrue();
    assertThat(time.sleeps()).isEqualTo(2);
    assertThat(runner.ran()).noneMatch(argv -> argv.get(0).equals("arping"));
  }

  @Test
  void ipv6DadFailureIsADuplicateAndTheAddressIsRemoved() {
    runner.expect(SHOW, WITHOUT6).expect(ADD6, "").expect(SHOW, DADFAILED6).expect(DEL6, "");
    assertThatThrownBy(() -> manager.bringUp(VIP6))
        .isInstanceOfSatisfying(
            DuplicateAddressException.class, e -> assertThat(e.answeringMacs()).isEmpty())
        .hasMessageContaining("fd99::100 is already in use on the network of eth0")
        .hasMessageContaining("duplicate address detection failed");
  }

  @Test
  void ipv6StillTentativeAfterTheTimeoutIsRemovedAndReported() {
    VipSettings settings =
        new VipSettings(
            Duration.ofSeconds(15),
            2,
            Duration.ofSeconds(3),
            2,
            Duration.ofSeconds(1),
            Duration.ofMillis(200),
            Duration.ofMillis(300));
    LinuxVipManager patient = new LinuxVipManager(runner, settings, time, time, Announcer.INLINE);
    runner.expect(SHOW, WITHOUT6).expect(ADD6, "");
    for (int i = 0; i < 6; i++) {
      runner.expect(SHOW, TENTATIVE6);
    }
    runner.expect(DEL6, "");
    assertThatThrownBy(() -> patient.bringUp(VIP6))
        .isInstanceOf(VipStateException.class)
        .hasMessageContaining("still tentative after 1000 ms");
    assertThat(time.sleeps()).isEqualTo(5);
  }

  @Test
  void ipv6LeftoverThatFailedDadIsReplaced() {
    runner.expect(SHOW, DADFAILED6).expect(DEL6, "").expect(ADD6, "").expect(SHOW, READY6);
    assertThat(manager.bringUp(VIP6)).isTrue();
  }

  @Test
  void ipv6TentativeAlreadyThereIsWaitedForNotAddedAgain() {
    runner.expect(SHOW, TENTATIVE6).expect(SHOW, READY6);
    assertThat(manager.bringUp(VIP6)).isFalse();
  }

  @Test
  void reconcileRemovesThenAddsAndTouchesNothingElse() {
    // node-a-all has 10.99.0.11/24, 10.99.0.150/32, 10.99.0.100/24 and fd99::100/64 on eth0.
    VirtualIp present = VirtualIp.parse("10.99.0.100/24", "eth0");
    VirtualIp absent = VirtualIp.parse("10.99.0.101/24", "eth0");
    VirtualIp leftover = VirtualIp.parse("10.99.0.150/32", "eth0");
    VirtualIp managedElsewhere = VirtualIp.parse("10.99.0.102/24", "eth0");
    List<String> delLeftover = List.of("ip", "addr", "del", "10.99.0.150/32", "dev", "eth0");
    runner
        .expect(SHOW_ALL, Captured.ipAddr("node-a-all"))
        .expect(SHOW, ipJson("10.99.0.150/32"))
        .expect(delLeftover, "")
        .expect(SHOW, ipJson())
        .expect(SHOW, ipJson())
        .expect(List.of("arping", "-D", "-c", "2", "-w", "3", "-I", "eth0", "10.99.0.101"), "")
        .expect(List.of("ip", "addr", "add", "10.99.0.101/24", "dev", "eth0"), "")
        .expect(SHOW, ipJson("10.99.0.101/24"))
        .expect(
            List.of("arping", "-U", "-c", "2", "-I", "eth0", "-s", "10.99.0.101", "10.99.0.101"),
            "");

    ReconcileReport report =
        manager.reconcile(
            Set.of(present, absent), Set.of(present, absent, leftover, managedElsewhere));

    assertThat(report.planned())
        .containsExactly(new VipAction.Remove(leftover), new VipAction.Add(absent));
    assertThat(report.done()).isEqualTo(report.planned());
    assertThat(report.clean()).isTrue();
    assertThat(report.summary())
        .isEqualTo("remove 10.99.0.150/32 on eth0: done; add 10.99.0.101/24 on eth0: done");
  }

  @Test
  void reconcileGoesOnAfterAFailedAction() {
    VirtualIp wanted = VirtualIp.parse("10.99.0.101/24", "eth0");
    VirtualIp other = VirtualIp.parse("10.99.0.102/24", "eth0");
    runner
        .expect(SHOW_ALL, ipJson())
        .expect(SHOW, ipJson())
        .expect(
            List.of("arping", "-D", "-c", "2", "-w", "3", "-I", "eth0", "10.99.0.101"),
            1,
            "Unicast reply from 10.99.0.101 [4A:2C:C0:79:F8:88]  0.5ms\n",
            "")
        .expect(SHOW, ipJson())
        .expect(List.of("arping", "-D", "-c", "2", "-w", "3", "-I", "eth0", "10.99.0.102"), "")
        .expect(List.of("ip", "addr", "add", "10.99.0.102/24", "dev", "eth0"), "")
        .expect(SHOW, ipJson("10.99.0.102/24"))
        .expect(
            List.of("arping", "-U", "-c", "2", "-I", "eth0", "-s", "10.99.0.102", "10.99.0.102"),
            "");

    ReconcileReport report = manager.reconcile(Set.of(wanted, other), Set.of());

    assertThat(report.done()).containsExactly(new VipAction.Add(other));
    assertThat(report.failed())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.action()).isEqualTo(new VipAction.Add(wanted));
              assertThat(f.error()).isInstanceOf(DuplicateAddressException.class);
            });
    assertThat(report.clean()).isFalse();
    assertThat(report.summary())
        .startsWith("add 10.99.0.101/24 on eth0: failed (10.99.0.101 is already in use")
        .endsWith("; add 10.99.0.102/24 on eth0: done");
  }

  @Test
  void reconcileInSteadyStateRunsOnlyTheListing() {
    runner.expect(SHOW_ALL, Captured.ipAddr("node-a-all"));
    ReconcileReport report = manager.reconcile(Set.of(VIP), Set.of(VIP));
    assertThat(report.planned()).isEmpty();
    assertThat(report.summary()).isEqualTo("nothing to change");
  }

  @Test
  void reconcileWithoutFactsDoesNothing() {
    runner.expect(SHOW_ALL, 255, "", "Cannot open netlink socket: Permission denied\n");
    assertThatThrownBy(() -> manager.reconcile(Set.of(VIP), Set.of(VIP)))
        .isInstanceOf(VipCommandException.class)
        .hasMessageContaining("reading the addresses of all interfaces")
        .hasMessageContaining("Permission denied");
  }

  /** {@code ip -j addr show dev eth0} of a node with 10.99.0.11/24 and the given addresses. */
  private static String ipJson(String... cidrs) {
    List<String> entries = new ArrayList<>();
    entries.add("{\"family\":\"inet\",\"local\":\"10.99.0.11\",\"prefixlen\":24}");
    for (String cidr : cidrs) {
      String[] parts = cidr.split("/");
      entries.add(
          "{\"family\":\"inet\",\"local\":\"" + parts[0] + "\",\"prefixlen\":" + parts[1] + "}");
    }
    return "[{\"ifindex\":2,\"ifname\":\"eth0\",\"addr_info\":["
        + String.join(",", entries)
        + "]}]";
  }
}
