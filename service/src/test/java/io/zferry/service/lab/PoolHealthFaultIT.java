package io.zferry.service.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.failover.NodeHealth;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.snapshot.host.CommandResult;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A node whose ZFS hangs (design §5 rule 9): the lab stops the node's zfs-fuse daemon, so every
 * {@code zfs} and {@code zpool} command and every file access of its pool hangs, as on a node whose
 * pool is suspended. A hung node is not a dead one: it answers its API, and may write again when it
 * recovers. And a promote whose answer is lost after the peer promoted.
 */
class PoolHealthFaultIT extends FaultSuiteBase {
  /**
   * The hang limit, the probe's time-out, a heartbeat, the fence, and the end of a pull cycle that
   * was stuck on the hung node.
   */
  private static final Duration HANG_BUDGET =
      NodeHealth.ZFS_HANG_LIMIT.plus(Duration.ofSeconds(120));

  @AfterEach
  void thaw() {
    // A stopped daemon would hang the lab's tear-down.
    for (String node : new String[] {"node-a", "node-b"}) {
      try {
        lab.command("thaw", node);
      } catch (RuntimeException e) {
        System.err.println("thaw " + node + ": " + e.getMessage());
      }
    }
  }

  /**
   * node-a reads SUSPENDED, stands aside, node-b fences it and takes over locked; node-a boots with
   * its disk back, and mark-sync-as-fixed sets its data aside. The writes node-a acknowledged after
   * the fault and before its disk failed are checked as in every scenario; the one fsync zfs-fuse
   * answers after its vdev stopped taking writes is not the disk's and does not count (it is not in
   * the pool when the node imports it again, before zferryd runs; {@link
   * AcknowledgedWrites#givenByTheDisk}).
   */
  @Test
  @DisplayName("the active's pool suspends (its disk fails): the passive fences it and takes over")
  void suspendedPoolOnTheActive() {
    start(FaultScenario.Options.defaults().withFailablePools());
    s.beforeFault("node-b");
    // zfs-fuse suspends the pool (failmode=wait): writes hang, zfs commands fail at once, and
    // zpool status says ZFS-8000-HC, which zferry reads as SUSPENDED health.
    s.diskFails("node-a");
    ServiceStatus b =
        s.cluster()
            .awaitStatus(
                "node-b",
                HANG_BUDGET,
                st -> st.role().equals("active") && "active".equals(st.state()),
                "node-b to fence node-a, whose pool is suspended, and take over");
    s.stopWriter();
    s.disturbedTheLab();
    assertThat(b.epoch()).isEqualTo(1);
    assertThat(b.syncLocked()).as("an automatic failover locks the sync").isTrue();
    assertThat(s.cluster().status("node-a")).as("node-a was powered off by the fence").isEmpty();
    // The disk is back when node-a boots: its pool imports from the last complete transaction.
    bootOldActiveA();
    markSyncAsFixed();
    s.settleAndVerify("node-b");
  }

  @Test
  @DisplayName("hung zfs on the active: the passive fences it and takes over")
  void hungZfsOnTheActive() {
    start();
    s.beforeFault("node-b");
    s.lab("freeze", "node-a");
    ServiceStatus b =
        s.cluster()
            .awaitStatus(
                "node-b",
                HANG_BUDGET,
                st -> st.role().equals("active") && "active".equals(st.state()),
                "node-b to fence node-a and take over");
    s.stopWriter();
    s.disturbedTheLab();
    assertThat(b.epoch()).isEqualTo(1);
    assertThat(b.syncLocked()).as("an automatic failover locks the sync").isTrue();
    assertThat(s.cluster().status("node-a")).as("node-a was powered off by the fence").isEmpty();
    bootOldActiveA();
    markSyncAsFixed();
    s.settleAndVerify("node-b");
  }

  @Test
  @DisplayName("hung zfs on the active with fencing manual: it stands aside, nobody takes over")
  void hungZfsOnTheActiveWithoutAFence() {
    start(FaultScenario.Options.defaults().fencing("{policy: manual}"));
    s.beforeFault("node-b");
    s.lab("freeze", "node-a");
    ServiceStatus b =
        s.cluster()
            .awaitStatus(
                "node-b",
                HANG_BUDGET,
                st -> st.state() != null && st.state().contains("node-a answers, but"),
                "node-b to see node-a's hung zpool");
    assertThat(b.role()).isEqualTo("passive");
    assertThat(b.state()).startsWith("holding:").contains("fencing policy manual");
    // node-a stops serving on its own: the client finds nobody at the VIP.
    s.cluster().await(BUDGET, "node-a to drop the VIP", () -> s.vipHolders().isEmpty());
    sleep(beyondTimeout());
    assertThat(s.cluster().status("node-b").orElseThrow().role()).isEqualTo("passive");
    s.lab("thaw", "node-a");
    s.settleAndVerify("node-a");
    assertThat(s.cluster().status("node-a").orElseThrow().epoch()).as("nobody took over").isZero();
  }

  /**
   * Hung ZFS on the active with the witness and no fence: the lease decides. node-a stands aside
   * (or its dead man's switch trips if its control loop is stuck in a hung command) and stops
   * renewing; node-b takes over only once it acquires the expired key. Exactly one node serves at
   * every sample, and node-a follows node-b once its ZFS answers again.
   */
  @Test
  @DisplayName("hung zfs on the active with the witness and no fence: the lease moves, one serves")
  void hungZfsOnTheActiveUnderTheWitness() {
    start(FaultScenario.Options.defaults().withWitness().fencing("{policy: ignore}"));
    s.beforeFault("node-b");
    ServingWatch serving = new ServingWatch(lab, FaultScenario.VIP, s.cluster()::status);
    try {
      s.lab("freeze", "node-a");
      ServiceStatus b =
          s.cluster()
              .awaitStatus(
                  "node-b",
                  HANG_BUDGET,
                  st -> st.role().equals("active") && "active".equals(st.state()),
                  "node-b to acquire the lease node-a no longer renews, and take over");
      s.stopWriter();
      s.disturbedTheLab();
      assertThat(b.epoch()).isEqualTo(1);
      assertThat(b.syncLocked()).as("an automatic failover locks the sync").isTrue();
      s.cluster().await(BUDGET, "the VIP on node-b", () -> s.vipHolders().equals(Set.of("node-b")));
      serving.assertNeverTwoServing();
    } finally {
      serving.close();
      lab.command("thaw", "node-a");
    }
    ServiceStatus a =
        s.cluster()
            .awaitStatus(
                "node-a",
                HANG_BUDGET,
                st -> "node-b".equals(st.activeNode()) && st.syncLocked(),
                "node-a, its ZFS back, to follow node-b, locked");
    assertThat(a.role()).isEqualTo("passive");
    assertThat(a.vipsHeld()).isEmpty();
    markSyncAsFixed();
    s.settleAndVerify("node-b");
  }

  @Test
  @DisplayName("hung zfs on the passive: the active goes on, replication resumes after it")
  void hungZfsOnThePassive() {
    start();
    s.beforeFault("node-b");
    s.lab("freeze", "node-b");
    sleep(NodeHealth.ZFS_HANG_LIMIT.plus(beyondTimeout()));
    ServiceStatus a = s.cluster().status("node-a").orElseThrow();
    assertThat(a.state()).isEqualTo("active");
    assertThat(s.vipHolders()).containsExactly("node-a");
    s.lab("thaw", "node-b");
    s.settleAndVerify("node-a");
  }

  @Test
  @DisplayName("the promote answer lost after node-b promoted itself")
  void promoteAnswerLostAfterThePeerPromoted() {
    start();
    s.beforeFault("node-b");
    s.blockHook("node-b", "start", true);
    CompletableFuture<CommandResult> operation =
        CompletableFuture.supplyAsync(() -> s.cluster().cli("node-a", "failover", "tank"));
    // node-b records itself owner before its start hooks run: it has promoted itself.
    s.cluster().await(BUDGET, "node-b's start hook", () -> s.hookRan("node-b", "start"));
    // Its daemon dies before it answers: node-a's request ends without a reply.
    s.cluster().stop("node-b");
    s.blockHook("node-b", "start", false);
    CommandResult result = done(operation);
    assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isNotZero();
    // node-a serves no more: a writer left on it would only meet zfs-fuse's writable moments of a
    // passive's receive (docs/soak.md, run 1), which the post-fault check rightly counts as lost.
    s.stopWriter();
    sleep(beyondTimeout());
    ServiceStatus a = s.cluster().status("node-a").orElseThrow();
    assertThat(a.activeNode())
        .as("node-a does not take the service back on a guess")
        .isEqualTo("node-b");
    assertThat(a.vipsHeld()).isEmpty();
    s.cluster().start("node-b");
    awaitActive("node-b");
    s.settleAndVerify("node-b");
  }

  private static CommandResult done(CompletableFuture<CommandResult> operation) {
    try {
      return operation.get(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new AssertionError("the switchover command did not end", e);
    }
  }
}
