package io.zferry.service.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.status.StatusViews.ServiceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Symmetric partitions: the peer link between the nodes is cut ({@code lab partition}) while the
 * clients' LAN stays up, so clients, and the witness where there is one, still reach both nodes.
 * Two nodes alone cannot tell this from a dead peer (design §5 rule 8): exactly one node may serve
 * at every sample, whichever of the witness, the fence or the hold decides it.
 */
class PartitionFaultIT extends FaultSuiteBase {
  private static final String IGNORE = "{policy: ignore}";

  private ServingWatch serving;

  /** Cuts the peer link and starts sampling who serves. */
  private void partition() {
    serving = new ServingWatch(lab, FaultScenario.VIP, s.cluster()::status);
    s.lab("partition");
  }

  private void heal() {
    s.lab("heal");
  }

  @Test
  @DisplayName("symmetric partition with the witness: the lease holder keeps serving")
  void partitionWithTheWitness() {
    start(FaultScenario.Options.defaults().withWitness().fencing(IGNORE));
    s.beforeFault("node-b");
    partition();
    try {
      // Long enough for a lease node-a could no longer renew to expire twice over.
      sleep(FaultScenario.WITNESS_TTL.multipliedBy(2).plus(beyondTimeout()));
      ServiceStatus a = s.cluster().status("node-a").orElseThrow();
      ServiceStatus b = s.cluster().status("node-b").orElseThrow();
      assertThat(a.state()).as("node-a holds the lease and serves").isEqualTo("active");
      assertThat(b.role()).as("node-b cannot acquire the lease").isEqualTo("passive");
      assertThat(b.epoch()).isZero();
      assertThat(s.vipHolders()).containsExactly("node-a");
      serving.assertNeverTwoServing();
      assertThat(serving.everServing()).containsExactly("node-a");
    } finally {
      serving.close();
      heal();
    }
    // I5: with the link back, replication resumes by itself (verify's marker reaches node-b).
    s.settleAndVerify("node-a");
  }

  @Test
  @DisplayName(
      "symmetric partition, the active also cut from the witness: it stands down, node-b takes over")
  void partitionWithTheActiveCutFromTheWitness() {
    start(FaultScenario.Options.defaults().withWitness().fencing(IGNORE));
    s.beforeFault("node-b");
    Instant fault = Instant.now();
    partition();
    // node-a's own etcd member shares its network: cut from node-b and the witness host, it is a
    // minority of one, so node-a can renew its lease nowhere.
    s.lab("block", "node-a", lab.witness().address());
    try {
      s.cluster()
          .await(
              BUDGET,
              "node-a to stop serving",
              () ->
                  !s.vipHolders().contains("node-a")
                      && s.cluster()
                          .status("node-a")
                          .filter(st -> !"active".equals(st.state()))
                          .isPresent());
      Duration stoodDown = Duration.between(fault, Instant.now());
      ServiceStatus a = s.cluster().status("node-a").orElseThrow();
      System.out.println(
          "node-a seen not serving "
              + stoodDown
              + " after the cut (lease ttl "
              + FaultScenario.WITNESS_TTL
              + "): "
              + a.state());
      assertThat(a.state())
          .as("node-a stood down on its own, before its lease could expire")
          .contains("before it could expire");
      ServiceStatus b = awaitActive("node-b");
      assertThat(b.epoch()).isEqualTo(1);
      assertThat(b.syncLocked()).as("an automatic failover locks the service").isTrue();
      s.cluster().await(BUDGET, "the VIP on node-b", () -> s.vipHolders().equals(Set.of("node-b")));
      serving.assertNeverTwoServing();
    } finally {
      serving.close();
      s.lab("unblock", "node-a", lab.witness().address());
      heal();
    }
    ServiceStatus a =
        s.cluster()
            .awaitStatus(
                "node-a",
                BUDGET,
                st -> st.activeNode().equals("node-b") && st.syncLocked(),
                "node-a to follow node-b, locked");
    assertThat(a.role()).isEqualTo("passive");
    assertThat(a.vipsHeld()).isEmpty();
    markSyncAsFixed();
    s.settleAndVerify("node-b");
  }

  @Test
  @DisplayName("symmetric partition without a witness, fencing command: the fence wins")
  void partitionWithoutAWitnessFenced() {
    start();
    s.beforeFault("node-b");
    partition();
    try {
      // node-b hears nothing from node-a and powers it off through the lab's switch.
      ServiceStatus b = awaitActive("node-b");
      s.disturbedTheLab();
      assertThat(b.syncLocked()).isTrue();
      s.cluster().await(BUDGET, "the VIP on node-b", () -> s.vipHolders().equals(Set.of("node-b")));
      serving.assertNeverTwoServing();
    } finally {
      serving.close();
      heal();
    }
    bootOldActiveA();
    markSyncAsFixed();
    s.settleAndVerify("node-b");
  }

  @Test
  @DisplayName("symmetric partition without a witness, fencing manual: node-b holds and says why")
  void partitionWithoutAWitnessManual() {
    start(FaultScenario.Options.defaults().fencing("{policy: manual}"));
    s.beforeFault("node-b");
    partition();
    try {
      ServiceStatus b =
          s.cluster()
              .awaitStatus(
                  "node-b",
                  BUDGET,
                  st -> st.state() != null && st.state().contains("manual"),
                  "node-b to hold for the operator");
      assertThat(b.role()).isEqualTo("passive");
      assertThat(b.state()).contains("zferry failover tank --force");
      sleep(beyondTimeout());
      assertThat(s.cluster().status("node-a").orElseThrow().state()).isEqualTo("active");
      assertThat(s.cluster().status("node-b").orElseThrow().role()).isEqualTo("passive");
      serving.assertNeverTwoServing();
      assertThat(serving.everServing()).containsExactly("node-a");
    } finally {
      serving.close();
      heal();
    }
    s.settleAndVerify("node-a");
    assertThat(s.cluster().status("node-a").orElseThrow().epoch()).as("nobody took over").isZero();
  }
}
