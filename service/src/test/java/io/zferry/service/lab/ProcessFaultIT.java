package io.zferry.service.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.snapshot.host.CommandResult;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Processes and power: daemons killed, nodes powered off, fencing and the manual policy. */
class ProcessFaultIT extends FaultSuiteBase {
  private static final FaultScenario.Options SLOW_LINK =
      FaultScenario.Options.defaults().setting("bandwidthLimit: 8MB/s");

  @Test
  @DisplayName("kill -9 zferryd on the active")
  void killDaemonOnActive() {
    start();
    s.beforeFault("node-b");
    s.cluster().stop("node-a");
    // node-a's machine still answers (its sshd): never suspected, so no takeover...
    sleep(beyondTimeout());
    assertThat(s.cluster().status("node-b").orElseThrow().role()).isEqualTo("passive");
    // ...and the VIP stays where it was while the daemon is gone.
    s.cluster().start("node-a");
    s.settleAndVerify("node-a");
  }

  @Test
  @DisplayName("kill -9 zferryd on the passive")
  void killDaemonOnPassive() {
    start();
    s.beforeFault("node-b");
    s.cluster().stop("node-b");
    sleep(beyondTimeout());
    assertThat(s.cluster().status("node-a").orElseThrow().role()).isEqualTo("active");
    s.cluster().start("node-b");
    s.settleAndVerify("node-a");
  }

  @Test
  @DisplayName("power loss of the active during a transfer")
  void powerLossOfActiveDuringTransfer() {
    start(SLOW_LINK);
    s.beforeFault("node-b");
    startTransfer("node-a", 80);
    powerOff("node-a");
    ServiceStatus b = awaitActive("node-b");
    assertThat(b.epoch()).isEqualTo(1);
    assertThat(b.syncLocked()).isTrue();
    bootOldActiveA();
    markSyncAsFixed();
    s.settleAndVerify("node-b");
  }

  @Test
  @DisplayName("power loss of the passive during a receive")
  void powerLossOfPassiveDuringReceive() {
    start(SLOW_LINK);
    s.beforeFault("node-b");
    startTransfer("node-a", 80);
    powerOff("node-b");
    sleep(beyondTimeout());
    assertThat(s.cluster().status("node-a").orElseThrow().state()).isEqualTo("active");
    boot("node-b");
    s.settleAndVerify("node-a");
  }

  @Test
  @DisplayName("both nodes down, node-a first back")
  void bothDownNodeAFirstBack() {
    start();
    s.beforeFault("node-b");
    powerOff("node-a");
    powerOff("node-b");
    boot("node-a");
    // Alone after a restart: it may have been taken over meanwhile, so it only holds.
    ServiceStatus a = awaitState("node-a", "holding");
    assertThat(a.state()).contains("restarted without reaching the peer");
    assertThat(s.node("node-a").exec("sh", "-c", "echo x > /tank/x").succeeded()).isFalse();
    boot("node-b");
    s.settleAndVerify("node-a");
  }

  @Test
  @DisplayName("both nodes down, node-b first back")
  void bothDownNodeBFirstBack() {
    start();
    s.beforeFault("node-b");
    powerOff("node-a");
    powerOff("node-b");
    boot("node-b");
    sleep(beyondTimeout());
    ServiceStatus b = s.cluster().status("node-b").orElseThrow();
    assertThat(b.role()).isEqualTo("passive");
    assertThat(b.epoch()).isZero();
    boot("node-a");
    s.settleAndVerify("node-a");
  }

  @Test
  @DisplayName("old active returning after takeover")
  void oldActiveReturnsAfterTakeover() {
    start();
    s.beforeFault("node-b");
    powerOff("node-a");
    awaitActive("node-b");
    s.node("node-b").shell("echo after-takeover > /tank/after");
    boot("node-a");
    ServiceStatus a =
        s.cluster()
            .awaitStatus(
                "node-a",
                BUDGET,
                st -> st.activeNode().equals("node-b") && st.syncLocked(),
                "node-a to come back passive and locked");
    assertThat(a.role()).isEqualTo("passive");
    assertThat(a.vipsHeld()).isEmpty();
    assertThat(s.node("node-a").exec("test", "-e", "/tank/after").succeeded())
        .as("nothing is pulled while locked")
        .isFalse();
    markSyncAsFixed();
    s.settleAndVerify("node-b");
    assertThat(s.node("node-a").exec("cat", "/tank/after").stdout()).isEqualTo("after-takeover\n");
  }

  @Test
  @DisplayName("fence command failing")
  void fenceCommandFailing() {
    start(
        FaultScenario.Options.defaults()
            .fencing("{policy: command, command: [/bin/false], timeout: 5s}"));
    s.beforeFault("node-b");
    powerOff("node-a");
    ServiceStatus b = awaitState("node-b", "holding");
    assertThat(b.role()).isEqualTo("passive");
    assertThat(b.epoch()).isZero();
    sleep(beyondTimeout());
    assertThat(s.cluster().status("node-b").orElseThrow().role()).isEqualTo("passive");
    boot("node-a");
    s.settleAndVerify("node-a");
  }

  @Test
  @DisplayName("manual policy with the active gone")
  void manualPolicyWithTheActiveGone() {
    start(FaultScenario.Options.defaults().fencing("{policy: manual}"));
    s.beforeFault("node-b");
    powerOff("node-a");
    ServiceStatus b =
        s.cluster()
            .awaitStatus(
                "node-b",
                BUDGET,
                st -> st.state() != null && st.state().contains("manual"),
                "node-b to wait for the operator");
    assertThat(b.role()).isEqualTo("passive");
    assertThat(b.state()).contains("zferry failover tank --force");
    CommandResult forced = s.cluster().cli("node-b", "failover", "tank", "--force");
    assertThat(forced.exitCode()).as(forced.stdout() + forced.stderr()).isZero();
    awaitActive("node-b");
    s.cluster()
        .await(
            BUDGET,
            "the VIP on node-b",
            () ->
                new io.zferry.lab.VipProbe(lab)
                    .holders(FaultScenario.VIP)
                    .equals(Set.of("node-b")));
    bootOldActiveA();
    if (s.cluster().status("node-b").orElseThrow().syncLocked()) {
      markSyncAsFixed();
    }
    s.settleAndVerify("node-b");
  }
}
