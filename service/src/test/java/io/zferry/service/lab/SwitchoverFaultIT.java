package io.zferry.service.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.snapshot.host.CommandResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A switchover from node-a to node-b (design §5 rule 6) interrupted at its steps: before the owner
 * is recorded it must end with node-a serving, after it with node-b serving, and never with both or
 * neither.
 */
class SwitchoverFaultIT extends FaultSuiteBase {
  private CompletableFuture<CommandResult> switchover() {
    return CompletableFuture.supplyAsync(() -> s.cluster().cli("node-a", "failover", "tank"));
  }

  private static CommandResult done(CompletableFuture<CommandResult> operation) {
    try {
      return operation.get(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new AssertionError("the switchover command did not end", e);
    }
  }

  @Test
  @DisplayName("switchover interrupted: the active dies after VIPs down, during its stop hooks")
  void activeDiesDuringStopHooks() {
    start();
    s.beforeFault("node-b");
    s.blockHook("node-a", "stop", true);
    CompletableFuture<CommandResult> operation = switchover();
    s.cluster().await(BUDGET, "node-a's stop hook", () -> s.hookRan("node-a", "stop"));
    s.cluster().stop("node-a");
    s.blockHook("node-a", "stop", false);
    assertThat(done(operation).exitCode()).isNotZero();
    sleep(beyondTimeout());
    assertThat(s.cluster().status("node-b").orElseThrow().role()).isEqualTo("passive");
    s.cluster().start("node-a");
    s.settleAndVerify("node-a");
  }

  @Test
  @DisplayName("switchover interrupted: the passive dies pulling the final snapshot")
  void passiveDiesPullingTheFinalSnapshot() {
    start(FaultScenario.Options.defaults().setting("bandwidthLimit: 8MB/s"));
    s.beforeFault("node-b");
    s.node("node-a").shell("head -c 60M /dev/urandom > /tank/late");
    CompletableFuture<CommandResult> operation = switchover();
    s.cluster().await(BUDGET, "node-a's stop hook", () -> s.hookRan("node-a", "stop"));
    awaitReceiving("node-b");
    s.disturbedTheLab();
    s.cluster().stop("node-b");
    CommandResult result = done(operation);
    assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isEqualTo(1);
    assertThat(result.stdout()).contains("node-a is active");
    s.cluster().start("node-b");
    s.settleAndVerify("node-a");
  }

  @Test
  @DisplayName("switchover interrupted: node-b's start hooks fail after the owner is recorded")
  void peerStartFailsAfterTheOwnerIsRecorded() {
    start();
    s.beforeFault("node-b");
    s.failHook("node-b", "start", true);
    CommandResult result = done(switchover());
    assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isEqualTo(1);
    assertThat(result.stdout()).contains("node-a is active again");
    s.failHook("node-b", "start", false);
    s.settle("node-a");
    ServiceStatus a = s.cluster().status("node-a").orElseThrow();
    assertThat(a.epoch()).as("given away and taken back").isEqualTo(2);
    s.verify("node-a");
  }

  @Test
  @DisplayName("switchover interrupted: the active dies while node-b starts the service")
  void activeDiesWhileThePeerStarts() {
    start();
    s.beforeFault("node-b");
    s.blockHook("node-b", "start", true);
    CompletableFuture<CommandResult> operation = switchover();
    s.cluster().await(BUDGET, "node-b's start hook", () -> s.hookRan("node-b", "start"));
    s.cluster().stop("node-a");
    s.blockHook("node-b", "start", false);
    done(operation);
    awaitActive("node-b");
    sleep(Duration.ofSeconds(2));
    s.cluster().start("node-a");
    s.settleAndVerify("node-b");
  }

  /**
   * What a crash or an aborted receive leaves: node-b's pool unmounted, and something in the bare
   * mountpoint directory (here a tmpfs of node-b's own mount namespace, so the host's directory is
   * untouched) that keeps zfs from mounting over it. Undone by {@code umount /tank}.
   */
  private void blockMountOfNodeB() {
    s.node("node-b")
        .shell(
            "for i in $(seq 40); do zfs unmount tank && break; sleep 0.25; done;"
                + " mount -t tmpfs zferry-test-blocker /tank && touch /tank/blocker");
  }

  @Test
  @DisplayName("switchover interrupted: node-b's pool cannot be mounted when it starts the service")
  void peerPoolCannotBeMountedAfterTheOwnerIsRecorded() {
    start();
    s.beforeFault("node-b");
    blockMountOfNodeB();
    CommandResult result = done(switchover());
    assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isEqualTo(1);
    assertThat(result.stdout())
        .contains("the pool is not mounted on node-b")
        .contains("node-a is active again");
    assertThat(s.cluster().status("node-b").orElseThrow().role()).isEqualTo("passive");
    assertThat(s.cluster().status("node-a").orElseThrow().role()).isEqualTo("active");
    // The operator's fix: clear the directory and mount the pool again.
    // zferry's own pull loop may be mounting it at the same moment: retry, and mounted is mounted.
    s.node("node-b")
        .shell(
            "umount /tank && for i in 1 2 3 4 5 6 7 8 9 10; do zfs mount tank 2>/dev/null;"
                + " [ \"$(zfs get -H -o value mounted tank)\" = yes ] && exit 0; sleep 1; done;"
                + " exit 1");
    s.settle("node-a");
    s.verify("node-a");
  }

  @Test
  @DisplayName("takeover with the pool not mountable: VIPs stay down until it is mounted")
  void takeoverWaitsForTheMountBeforeTheVips() {
    start();
    s.beforeFault("node-b");
    blockMountOfNodeB();
    powerOff("node-a");
    // The takeover itself happens: node-b is the owner and says so...
    ServiceStatus b = awaitActive("node-b");
    assertThat(b.syncLocked()).isTrue();
    sleep(Duration.ofSeconds(10));
    // ...but no client is let in while its pool is not mounted.
    b = s.cluster().status("node-b").orElseThrow();
    assertThat(b.vipsHeld()).as("no VIP on an unmounted pool").isEmpty();
    assertThat(b.vipProblems()).anySatisfy(p -> assertThat(p).contains("tank is not mounted"));
    s.node("node-b").shell("umount /tank");
    ServiceStatus serving =
        s.cluster()
            .awaitStatus(
                "node-b", BUDGET, st -> !st.vipsHeld().isEmpty(), "node-b to raise its VIP");
    assertThat(serving.vipProblems()).isEmpty();
    bootOldActiveA();
    markSyncAsFixed();
    s.settleAndVerify("node-b");
  }
}
