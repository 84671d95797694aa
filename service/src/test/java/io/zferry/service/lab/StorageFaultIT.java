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
    // The comparison of both trees above covers this file; it is named here all the same. It is
    // awaited: node-a's snapshots go on, and each receive on zfs-fuse (no receive -u) unmounts and
    // remounts tank/fresh on node-b, which shows no file for that moment.
    String sent = s.node("node-a").sha256("/tank/fresh/data");
    s.cluster()
        .await(
            Duration.ofSeconds(20),
            "node-b's /tank/fresh/data equal to node-a's (" + sent + ")",
            () -> s.node("node-b").exec("sha256sum", "/tank/fresh/data").stdout().startsWith(sent));
  }

  @Test
  @DisplayName("the passive's pool full: it frees itself by expiry and goes on")
  void passivePoolFullFreesItselfByExpiry() {
    start();
    s.beforeFault("node-b");
    // Data that only node-b's older snapshots will hold once node-a deletes it. Its arrival is
    // judged by snapshot, not by reading the file on node-b: a reader holding 150 MB open there
    // while a receive remounts the dataset leaves zfs-fuse's mount busy for good.
    s.node("node-a").shell("head -c 150M /dev/urandom > /tank/old && sync");
    awaitOnNodeB(snapshotAfterNow(), "the snapshot holding /tank/old");
    s.node("node-a").shell("rm /tank/old && sync");
    awaitOnNodeB(snapshotAfterNow(), "the snapshot without /tank/old");
    // node-b is full while its snapshots still hold /tank/old: new data cannot fit. A reservation
    // of all but 1 MiB fills it at once (the dataset lab unfill removes; zferry leaves it alone).
    s.node("node-b")
        .shell(
            "zfs create -o mountpoint=none -o refreservation=$(( $(zfs get -H -p -o value"
                + " available tank) - 1048576 )) tank/zferry-aside-lab-fill");
    s.node("node-a").shell("head -c 40M /dev/urandom > /tank/grown");
    s.cluster()
        .awaitStatus(
            "node-b",
            BUDGET,
            st -> st.lastRun() != null && !"ok".equals(st.lastRun().result()),
            "node-b's pull to fail for lack of space");
    // node-a's retention drops the snapshots that hold /tank/old; node-b expires them before its
    // next transfer, which then fits, with the reservation still in place. (Its files are compared
    // once the writer stops: reading 40 MB there now races the remount after each receive.)
    s.cluster()
        .awaitStatus(
            "node-b",
            BUDGET,
            st -> st.lastRun() != null && "ok".equals(st.lastRun().result()),
            "node-b to pull again with its pool still full");
    assertThat(s.node("node-b").exec("zfs", "list", "tank/zferry-aside-lab-fill").succeeded())
        .as("the reservation is still there")
        .isTrue();
    assertThat(s.cluster().status("node-b").orElseThrow().role()).isEqualTo("passive");
    s.lab("unfill", "node-b");
    s.settleAndVerify("node-a");
  }

  /**
   * The first snapshot node-a takes after this call: it holds every write synced before it. Any
   * snapshot listed later than the newest one now was taken later.
   */
  private String snapshotAfterNow() {
    String before = newestSnapshot("node-a");
    String[] next = new String[1];
    s.cluster()
        .await(
            BUDGET,
            "node-a's next snapshot after " + before,
            () -> {
              next[0] = newestSnapshot("node-a");
              return !next[0].isEmpty() && !next[0].equals(before);
            });
    return next[0];
  }

  private void awaitOnNodeB(String snapshot, String what) {
    s.cluster()
        .await(
            BUDGET,
            what + " (" + snapshot + ") on node-b",
            () -> s.node("node-b").exec("zfs", "list", "-H", "-o", "name", snapshot).succeeded());
  }

  private String newestSnapshot(String node) {
    String names =
        s.node(node)
            .exec(
                "zfs", "list", "-H", "-t", "snapshot", "-o", "name", "-s", "creation", "-r", "tank")
            .stdout()
            .strip();
    return names.isEmpty() ? "" : names.substring(names.lastIndexOf('\n') + 1).strip();
  }
}
