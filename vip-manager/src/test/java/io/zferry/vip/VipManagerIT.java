package io.zferry.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.zferry.lab.Lab;
import io.zferry.lab.LabExtension;
import io.zferry.lab.LabNode;
import io.zferry.lab.VipProbe;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The VIP manager with real ip and arping inside the lab's nodes, judged by what the lab's client
 * sees. Each test uses its own addresses from the lab's VIP range 10.99.0.100–199, so that the
 * client's neighbour cache of one test cannot influence another (Linux also ignores a second ARP
 * update of one entry within a second).
 */
@ExtendWith(LabExtension.class)
class VipManagerIT {
  private Lab lab;
  private VipProbe probe;
  private LinuxVipManager onA;
  private LinuxVipManager onB;

  @BeforeEach
  void managersInBothNodes(Lab lab) {
    this.lab = lab;
    probe = new VipProbe(lab);
    onA = new LinuxVipManager(new ProcessCommandRunner(lab.nodeA().nsenterPrefix()));
    onB = new LinuxVipManager(new ProcessCommandRunner(lab.nodeB().nsenterPrefix()));
    removeTestAddresses();
  }

  @AfterEach
  void removeTestAddresses() {
    for (LabNode node : List.of(lab.nodeA(), lab.nodeB())) {
      for (InterfaceAddress a : addresses(node)) {
        String text = IpLiterals.format(a.address());
        boolean testVip = text.matches("10\\.99\\.0\\.1[0-9][0-9]") || text.startsWith("fd99:");
        if (testVip) {
          node.exec("ip", "addr", "del", text + "/" + a.prefixLength(), "dev", "eth0");
        }
      }
    }
  }

  @Test
  void aVipBroughtUpOnNodeAIsAnsweredByNodeA() throws Exception {
    VirtualIp vip = VirtualIp.parse("10.99.0.101/24", "eth0");
    String macA =
        new ObjectMapper()
            .readTree(lab.nodeA().exec("ip", "-j", "link", "show", "dev", "eth0").stdout())
            .get(0)
            .get("address")
            .asText();
    assertThat(probe.holders("10.99.0.101")).isEmpty();

    assertThat(onA.bringUp(vip)).isTrue();

    assertThat(onA.held(vip)).isTrue();
    assertThat(probe.answersPing("10.99.0.101")).isTrue();
    String arping =
        lab.client().exec("arping", "-c", "2", "-w", "3", "-I", "eth0", "10.99.0.101").stdout();
    assertThat(arping.toLowerCase()).contains("reply from 10.99.0.101 [" + macA + "]");
    assertThat(probe.mac("node-a")).isEqualTo(macA);
    assertThat(probe.answeringMacs("10.99.0.101")).containsExactly(macA);
    assertThat(probe.holders("10.99.0.101")).containsExactly("node-a");

    assertThat(onA.bringUp(vip)).as("already held: only announced again").isFalse();
    assertThat(onA.held(vip)).isTrue();
    assertThat(onB.held(vip)).isFalse();
  }

  @Test
  void aVipHeldByNodeAIsNotBroughtUpOnNodeB() {
    VirtualIp vip = VirtualIp.parse("10.99.0.102/24", "eth0");
    onA.bringUp(vip);

    assertThatThrownBy(() -> onB.bringUp(vip))
        .isInstanceOfSatisfying(
            DuplicateAddressException.class,
            e -> assertThat(e.answeringMac()).contains(probe.mac("node-a")))
        .hasMessageContaining("10.99.0.102 is already in use");

    assertThat(onB.held(vip)).isFalse();
    assertThat(addresses(lab.nodeB())).noneMatch(a -> a.is(vip));
    assertThat(probe.holders("10.99.0.102")).containsExactly("node-a");
  }

  @Test
  void aMovedVipIsAnnouncedToTheClientAtOnce() {
    VirtualIp vip = VirtualIp.parse("10.99.0.103/24", "eth0");
    onA.bringUp(vip);
    assertThat(probe.answersPing("10.99.0.103")).isTrue();
    assertThat(probe.cachedMac("10.99.0.103")).contains(probe.mac("node-a"));

    assertThat(onA.bringDown(vip)).isTrue();
    assertThat(onB.bringUp(vip)).isTrue();

    // No flush, no ping: only the gratuitous ARP, sent beside the bring-up, can change the
    // client's entry.
    assertThat(awaitCachedMac("10.99.0.103", probe.mac("node-b"))).contains(probe.mac("node-b"));
    assertThat(probe.answersPing("10.99.0.103")).isTrue();
    assertThat(probe.holders("10.99.0.103")).containsExactly("node-b");
    assertThat(onA.bringDown(vip)).as("already down on node-a").isFalse();
  }

  @Test
  void aShortProbeStillFindsAHolderAndOtherwiseTheVipMoves() {
    VirtualIp vip = VirtualIp.parse("10.99.0.106/24", "eth0");
    onA.bringUp(vip);
    assertThat(probe.answersPing("10.99.0.106")).isTrue();

    assertThatThrownBy(() -> onB.bringUp(vip, AddressProbe.SHORT))
        .isInstanceOfSatisfying(
            DuplicateAddressException.class,
            e -> assertThat(e.answeringMac()).contains(probe.mac("node-a")));
    assertThat(addresses(lab.nodeB())).noneMatch(a -> a.is(vip));

    onA.bringDown(vip);
    assertThat(onB.bringUp(vip, AddressProbe.SHORT)).isTrue();
    assertThat(awaitCachedMac("10.99.0.106", probe.mac("node-b"))).contains(probe.mac("node-b"));
    assertThat(probe.holders("10.99.0.106")).containsExactly("node-b");
  }

  @Test
  void takingAVipDownEndsItsAnnouncementSoNoLatePacketClaimsIt() throws Exception {
    VirtualIp vip = VirtualIp.parse("10.99.0.107/24", "eth0");
    onA.bringUp(vip);
    assertThat(probe.answersPing("10.99.0.107")).isTrue();
    // At once, while node-a's second announcement, a second after its first, is still to come.
    onA.bringDown(vip);
    assertThat(lab.client().exec("pgrep", "-f", "arping -U .*10[.]99[.]0[.]107").exitCode())
        .as("no arping announcing the address is left once bringDown returned")
        .isEqualTo(1);

    onB.bringUp(vip);
    String macB = probe.mac("node-b");
    assertThat(awaitCachedMac("10.99.0.107", macB)).contains(macB);
    Thread.sleep(2_500); // past the time node-a's announcements would have ended
    assertThat(probe.cachedMac("10.99.0.107")).contains(macB);
    assertThat(probe.holders("10.99.0.107")).containsExactly("node-b");
  }

  @Test
  void reconcileRestoresDesiredRemovesLeftoversAndLeavesTheRestAlone() {
    VirtualIp service = VirtualIp.parse("10.99.0.104/24", "eth0");
    VirtualIp otherService = VirtualIp.parse("10.99.0.105/24", "eth0");
    Set<VirtualIp> managed = Set.of(service, otherService);

    ReconcileReport first = onA.reconcile(Set.of(service), managed);
    assertThat(first.done()).containsExactly(new VipAction.Add(service));
    assertThat(probe.holders("10.99.0.104")).containsExactly("node-a");

    lab.nodeA().exec("ip", "addr", "del", "10.99.0.104/24", "dev", "eth0").requireSuccess();
    assertThat(onA.held(service)).isFalse();
    ReconcileReport restored = onA.reconcile(Set.of(service), managed);
    assertThat(restored.planned()).containsExactly(new VipAction.Add(service));
    assertThat(restored.clean()).isTrue();
    assertThat(onA.held(service)).isTrue();
    assertThat(probe.answersPing("10.99.0.104")).isTrue();

    // node-b is passive: a managed VIP left there goes, an address nobody manages stays.
    lab.nodeB().exec("ip", "addr", "add", "10.99.0.105/24", "dev", "eth0").requireSuccess();
    lab.nodeB().exec("ip", "addr", "add", "10.99.0.106/24", "dev", "eth0").requireSuccess();
    ReconcileReport passive = onB.reconcile(Set.of(), managed);
    assertThat(passive.planned()).containsExactly(new VipAction.Remove(otherService));
    assertThat(passive.clean()).isTrue();
    assertThat(addresses(lab.nodeB()))
        .extracting(InterfaceAddress::toString)
        .contains("10.99.0.12/24 on eth0", "10.99.0.106/24 on eth0")
        .doesNotContain("10.99.0.105/24 on eth0");
    assertThat(probe.holders("10.99.0.105")).isEmpty();
    assertThat(probe.holders("10.99.0.106")).containsExactly("node-b");

    assertThat(onA.reconcile(Set.of(service), managed).planned()).isEmpty();
    assertThat(onB.reconcile(Set.of(), managed).planned()).isEmpty();
  }

  @Test
  void commandErrorsCarryTheCommandsStderr() {
    VirtualIp vip = VirtualIp.parse("10.99.0.107/24", "nope0");
    assertThatThrownBy(() -> onA.bringUp(vip))
        .isInstanceOfSatisfying(
            VipCommandException.class,
            e -> {
              assertThat(e.argv()).containsExactly("ip", "-j", "addr", "show", "dev", "nope0");
              assertThat(e.stderr()).contains("Device \"nope0\" does not exist.");
            })
        .hasMessageContaining("Device \"nope0\" does not exist.");
    assertThatThrownBy(() -> onA.bringDown(vip))
        .isInstanceOf(VipCommandException.class)
        .hasMessageContaining("Device \"nope0\" does not exist.");

    // arping's own error: an interface that exists but is down.
    lab.nodeA()
        .exec("ip", "link", "add", "zfv0", "type", "veth", "peer", "name", "zfv1")
        .requireSuccess();
    try {
      VirtualIp onDownLink = VirtualIp.parse("10.99.0.107/24", "zfv0");
      assertThatThrownBy(() -> onA.bringUp(onDownLink))
          .isInstanceOfSatisfying(
              VipCommandException.class,
              e -> {
                assertThat(e.argv()).startsWith("arping", "-D");
                assertThat(e.exitCode()).isEqualTo(2);
              })
          .hasMessageContaining("Interface \"zfv0\" is down")
          .hasMessageStartingWith("checking that no other host answers for 10.99.0.107");
      assertThat(onA.held(onDownLink)).isFalse();
    } finally {
      lab.nodeA().exec("ip", "link", "del", "zfv0");
    }
  }

  @Test
  void theProbeSeesTwoHoldersWhenBothNodesHaveTheAddress() {
    for (LabNode node : List.of(lab.nodeA(), lab.nodeB())) {
      node.exec("ip", "addr", "add", "10.99.0.108/24", "dev", "eth0").requireSuccess();
    }
    assertThat(probe.answeringMacs("10.99.0.108")).hasSize(2);
    assertThat(probe.holders("10.99.0.108")).containsExactlyInAnyOrder("node-a", "node-b");

    lab.nodeB().exec("ip", "addr", "del", "10.99.0.108/24", "dev", "eth0").requireSuccess();
    assertThat(probe.holders("10.99.0.108")).containsExactly("node-a");
    assertThat(probe.holders("10.99.0.109")).isEmpty();
  }

  /**
   * A hand-over in which the address is never held twice, fast as a fenced takeover makes it
   * (node-a lets go, node-b raises it half a second later), is never sampled as two holders: each
   * sample is the answers to one request. A probe that gathered answers over two requests a second
   * apart named both nodes here.
   */
  @Test
  void theProbeDoesNotSeeTwoHoldersInAQuickHandOver() throws Exception {
    lab.nodeA().exec("ip", "addr", "add", "10.99.0.110/24", "dev", "eth0").requireSuccess();
    Thread handOver =
        new Thread(
            () -> {
              try {
                Thread.sleep(300);
                lab.nodeA().exec("ip", "addr", "del", "10.99.0.110/24", "dev", "eth0");
                Thread.sleep(500);
                lab.nodeB().exec("ip", "addr", "add", "10.99.0.110/24", "dev", "eth0");
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    handOver.start();
    List<Set<String>> samples = new java.util.ArrayList<>();
    long end = System.nanoTime() + 3_000_000_000L;
    while (System.nanoTime() < end) {
      samples.add(probe.holders("10.99.0.110"));
    }
    handOver.join();
    assertThat(samples).as("samples during the hand-over").noneMatch(s -> s.size() > 1);
    assertThat(samples.get(0)).containsExactly("node-a");
    assertThat(samples.get(samples.size() - 1)).containsExactly("node-b");
  }

  @Test
  void ipv6ReliesOnTheKernelsDuplicateAddressDetection() {
    VirtualIp vip = VirtualIp.parse("fd99::1:101/64", "eth0");
    assertThat(onA.bringUp(vip)).isTrue();
    assertThat(onA.held(vip)).isTrue();

    assertThatThrownBy(() -> onB.bringUp(vip))
        .isInstanceOfSatisfying(
            DuplicateAddressException.class, e -> assertThat(e.answeringMacs()).isEmpty())
        .hasMessageContaining("duplicate address detection failed");
    assertThat(addresses(lab.nodeB())).as("no dadfailed leftover").noneMatch(a -> a.is(vip));
    assertThat(onA.held(vip)).isTrue();

    assertThat(onA.bringDown(vip)).isTrue();
    assertThat(onA.held(vip)).isFalse();
  }

  private static List<InterfaceAddress> addresses(LabNode node) {
    return IpAddrJson.parse(
        node.exec("ip", "-j", "addr", "show", "dev", "eth0").requireSuccess().stdout());
  }

  /** The client's cached MAC for {@code vip} once it is {@code mac}, or as it is after 3 s. */
  private java.util.Optional<String> awaitCachedMac(String vip, String mac) {
    long deadline = System.nanoTime() + 3_000_000_000L;
    java.util.Optional<String> cached = probe.cachedMac(vip);
    while (!cached.equals(java.util.Optional.of(mac)) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      cached = probe.cachedMac(vip);
    }
    return cached;
  }
}
