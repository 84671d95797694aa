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
}
