package io.zferry.service.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Pools: full on either side, and a receive killed half-way. */
class StorageFaultIT extends FaultSuiteBase {
  @Test
  @DisplayName("the passive's pool full")
  void passivePoolFull() {
    start();
    s.beforeFault("node-b");
    s.lab("fill", "node-b");
    // New data that cannot fit on node-b: its pulls fail, nothing else changes.
    s.node("node-a").shell("head -c 40M /dev/urandom > /tank/grown");
    s.cluster()
        .awaitStatus(
            "node-b",
            BUDGET,
            st -> st.lastRun() != null && !"ok".equals(st.lastRun().result()),
            "node-b's pull to fail for lack of space");
    sleep(beyondTimeout());
    assertThat(s.cluster().status("node-b").orElseThrow().role()).isEqualTo("passive");
    assertThat(s.cluster().status("node-a").orElseThrow().state()).isEqualTo("active");
    s.lab("unfill", "node-b");
    s.settleAndVerify("node-a");
  }

  @Test
  @DisplayName("the active's pool full")
  void activePoolFull() {
    start();
    s.beforeFault("node-b");
    s.lab("fill", "node-a");
    sleep(Duration.ofSeconds(6));
    assertThat(s.cluster().status("node-a").orElseThrow().state()).isEqualTo("active");
    assertThat(s.cluster().status("node-b").orElseThrow().role()).isEqualTo("passive");
    s.lab("unfill", "node-a");
    s.settleAndVerify("node-a");
  }

  @Test
  @DisplayName("half-received dataset (zfs recv killed; zfs-fuse has no resume tokens)")
  void halfReceivedDataset() {
    start(FaultScenario.Options.defaults().setting("bandwidthLimit: 8MB/s"));
    s.beforeFault("node-b");
    s.node("node-a").shell("zfs create tank/fresh && head -c 50M /dev/urandom > /tank/fresh/data");
    awaitReceiving("node-b");
    sleep(Duration.ofSeconds(2));
    s.disturbedTheLab();
    s.node("node-b").shell("pkill -9 --ns $$ --nslist net -f '^zfs (recv|receive)'");
    s.settleAndVerify("node-a");
    assertThat(s.node("node-b").sha256("/tank/fresh/data"))
        .isEqualTo(s.node("node-a").sha256("/tank/fresh/data"));
  }
}
