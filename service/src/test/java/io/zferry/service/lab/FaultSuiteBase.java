package io.zferry.service.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lab.Lab;
import io.zferry.lab.LabExtension;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.snapshot.host.CommandResult;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the fault scenarios (the {@code *FaultIT} classes, run by test-fixtures/bin/fault-suite)
 * share: a fresh {@link FaultScenario} per test, its evidence saved under target/lab-logs, and the
 * operator's and the lab's moves as short verbs.
 */
@ExtendWith(LabExtension.class)
abstract class FaultSuiteBase {
  static final Duration BUDGET = FaultScenario.BUDGET;

  Lab lab;
  String scenarioName;
  FaultScenario s;

  @BeforeEach
  void lab(Lab lab, TestInfo test) {
    this.lab = lab;
    this.scenarioName =
        "fault-"
            + getClass().getSimpleName()
            + "-"
            + test.getTestMethod().map(m -> m.getName()).orElse("unknown");
  }

  @AfterEach
  void end() {
    if (s != null) {
      s.close();
    }
  }

  FaultScenario start(FaultScenario.Options options) {
    s = FaultScenario.start(lab, scenarioName, options);
    return s;
  }

  FaultScenario start() {
    return start(FaultScenario.Options.defaults());
  }

  /** Power loss of a node: link down, every process killed. */
  void powerOff(String node) {
    s.disturbedTheLab();
    lab.command("kill", node);
  }

  /** Boots a powered-off node and starts its zferryd. */
  void boot(String node) {
    lab.command("start", node);
    s.cluster().start(node);
  }

  /** Boots the old active node-a after node-b took over, and waits until it follows node-b. */
  void bootOldActiveA() {
    boot("node-a");
    s.cluster()
        .awaitStatus(
            "node-a", BUDGET, st -> st.activeNode().equals("node-b"), "node-a to adopt node-b");
  }

  /**
   * Waits until {@code node} serves. Once node-b does, the writer on node-a stops: its writes there
   * can no longer be acknowledged, and it must not race node-a's read-only windows.
   */
  ServiceStatus awaitActive(String node) {
    ServiceStatus serving = awaitServing(node);
    if (node.equals("node-b")) {
      s.stopWriter();
    }
    return serving;
  }

  private ServiceStatus awaitServing(String node) {
    return s.cluster()
        .awaitStatus(
            node,
            BUDGET,
            st -> st.role().equals("active") && "active".equals(st.state()),
            node + " to serve");
  }

  ServiceStatus awaitState(String node, String stateStart) {
    return s.cluster()
        .awaitStatus(
            node,
            BUDGET,
            st -> st.state() != null && st.state().startsWith(stateStart),
            node + " in state '" + stateStart + "…'");
  }

  /** The operator's way out of a sync lock after an automatic failover. */
  void markSyncAsFixed() {
    s.whileLocked();
    CommandResult fixed =
        s.cluster().cli("node-a", "mark-sync-as-fixed", "tank", "node-a", "node-b");
    assertThat(fixed.exitCode()).as(fixed.stdout() + fixed.stderr()).isZero();
  }

  /**
   * Writes {@code megabytes} of random data into a new file on the active and waits until the
   * passive is receiving it (a {@code zfs recv} runs there).
   */
  void startTransfer(String active, int megabytes) {
    s.node(active)
        .shell("head -c " + megabytes + "M /dev/urandom > /tank/big-" + System.nanoTime());
    awaitReceiving(FaultScenario.other(active));
  }

  void awaitReceiving(String passive) {
    s.cluster().await(BUDGET, passive + " receiving", () -> receiving(passive));
  }

  boolean receiving(String node) {
    return s.node(node)
        .exec("sh", "-c", "pgrep --ns $$ --nslist net -f '^zfs (recv|receive)'")
        .succeeded();
  }

  static void sleep(Duration d) {
    LabCluster.sleep(d);
  }

  static Duration beyondTimeout() {
    return FaultScenario.HEARTBEAT_TIMEOUT.multipliedBy(3);
  }
}
