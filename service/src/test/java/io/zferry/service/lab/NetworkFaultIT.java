package io.zferry.service.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.status.StatusViews.ServiceStatus;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The network between the nodes: a cut link, an isolated node, a changed SSH host key, sshd down.
 * The ping target is the client, so a node cut off from the switch knows it is the isolated one.
 */
class NetworkFaultIT extends FaultSuiteBase {
  private FaultScenario.Options withPingTarget() {
    return FaultScenario.Options.defaults()
        .clusterKey("pingTargets: [" + lab.client().address() + "]");
  }

  @Test
  @DisplayName("replication link cut mid-transfer and restored")
  void linkCutMidTransferAndRestored() {
    start(withPingTarget().setting("bandwidthLimit: 8MB/s"));
    s.beforeFault("node-b");
    startTransfer("node-a", 60);
    s.lab("cut", "node-b");
    try {
      ServiceStatus b =
          s.cluster()
              .awaitStatus(
                  "node-b",
                  BUDGET,
                  st -> st.state() != null && st.state().contains("ping targets"),
                  "node-b to find itself isolated");
      assertThat(b.role()).isEqualTo("passive");
      sleep(Duration.ofSeconds(4));
      assertThat(s.cluster().status("node-a").orElseThrow().state()).isEqualTo("active");
    } finally {
      s.lab("restore", "node-b");
    }
    s.settleAndVerify("node-a");
  }

  @Test
  @DisplayName("isolated node (ping target lost)")
  void isolatedNodeLosesItsPingTarget() {
    start(withPingTarget());
    s.beforeFault("node-b");
    // node-b can no longer reach its ping target, then the active goes: it must not take over.
    s.lab("block", "node-b", lab.client().address());
    try {
      powerOff("node-a");
      ServiceStatus b =
          s.cluster()
              .awaitStatus(
                  "node-b",
                  BUDGET,
                  st -> st.state() != null && st.state().contains("ping targets"),
                  "node-b to find itself isolated");
      assertThat(b.role()).isEqualTo("passive");
      assertThat(b.epoch()).isZero();
      sleep(beyondTimeout());
      assertThat(s.cluster().status("node-b").orElseThrow().role()).isEqualTo("passive");
    } finally {
      s.lab("unblock", "node-b", lab.client().address());
    }
    boot("node-a");
    s.settleAndVerify("node-a");
  }

  @Test
  @DisplayName("SSH host key changed on the peer")
  void sshHostKeyChangedOnThePeer() {
    start();
    s.beforeFault("node-b");
    s.lab("rekey", "node-a");
    // As after a reinstall: connections opened with the old key are gone too.
    s.lab("hangup", "node-a");
    // node-b's pulls must fail on the pinned key, say so, and change nothing else.
    ServiceStatus b =
        s.cluster()
            .awaitStatus(
                "node-b",
                BUDGET,
                st -> st.lastRun() != null && !"ok".equals(st.lastRun().result()),
                "node-b's pull to fail on node-a's new host key");
    assertThat(String.valueOf(b.lastRun()).toLowerCase()).contains("host key");
    sleep(beyondTimeout());
    assertThat(s.cluster().status("node-b").orElseThrow().role()).isEqualTo("passive");
    assertThat(s.cluster().status("node-a").orElseThrow().state()).isEqualTo("active");
    s.lab("trust", "node-a");
    s.settleAndVerify("node-a");
  }

  @Test
  @DisplayName("sshd down on the active while the API is up")
  void sshdDownOnTheActiveWhileTheApiIsUp() {
    start();
    s.beforeFault("node-b");
    s.lab("sshd", "node-a", "stop");
    s.lab("hangup", "node-a");
    try {
      s.cluster()
          .awaitStatus(
              "node-b",
              BUDGET,
              st -> st.lastRun() != null && !"ok".equals(st.lastRun().result()),
              "node-b's pull to fail");
      sleep(beyondTimeout());
      assertThat(s.cluster().status("node-b").orElseThrow().role())
          .as("the API answers: no takeover")
          .isEqualTo("passive");
    } finally {
      s.lab("sshd", "node-a", "start");
    }
    s.settleAndVerify("node-a");
  }
}
