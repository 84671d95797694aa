package io.zferry.service.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lab.Lab;
import io.zferry.lab.LabExtension;
import io.zferry.lab.LabNode;
import io.zferry.lab.VipProbe;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.snapshot.host.CommandResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Automatic failover between real zferryd processes (design §5 rules 2 to 5): heartbeats every 500
 * ms, a peer silent for 3 s is suspected. Each scenario boots a fresh lab.
 */
@ExtendWith(LabExtension.class)
class FailoverIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  /** Detection, fencing and the takeover steps, with room for a slow machine. */
  private static final Duration TAKEOVER_BUDGET = Duration.ofSeconds(30);

  private static final String VIP = "10.99.0.100";
  private static final String VIP_YAML = "vips: [{cidr: " + VIP + "/24, interface: eth0}]";

  private Lab lab;
  private VipProbe vipProbe;
  private VipWatch vipWatch;
  private LabNode nodeA;
  private LabNode nodeB;
  private LabCluster cluster;

  @BeforeEach
  void lab(Lab lab) {
    this.lab = lab;
    this.vipProbe = new VipProbe(lab);
    this.nodeA = lab.nodeA();
    this.nodeB = lab.nodeB();
  }

  @AfterEach
  void stop(TestInfo test) {
    if (vipWatch != null) {
      vipWatch.close();
    }
    if (cluster != null) {
      cluster.saveEvidence("failover-" + test.getTestMethod().map(m -> m.getName()).orElse("?"));
      cluster.close();
    }
  }

  private void startCluster(String... serviceYaml) {
    startCluster(List.of(), serviceYaml);
  }

  private void startCluster(List<String> clusterYaml, String... serviceYaml) {
    List<String> serviceLines = new ArrayList<>(List.of(serviceYaml));
    serviceLines.add(VIP_YAML);
    // The demo's hook: a file server for /tank on port 8080, started with the service.
    Path hook =
        Path.of(System.getProperty(Lab.SCRIPT_PROPERTY))
            .toAbsolutePath()
            .getParent()
            .getParent()
            .getParent()
            .resolve("packaging/demo/file-server-hook");
    if (serviceLines.stream().noneMatch(l -> l.startsWith("hooks:"))) {
      serviceLines.add("hooks: {start: [" + hook + "], stop: [" + hook + "], timeout: 10s}");
    }
    List<String> clusterLines = new ArrayList<>(List.of("heartbeatInterval: 500ms"));
    clusterLines.add("heartbeatTimeout: " + TIMEOUT.toSeconds() + "s");
    clusterLines.addAll(clusterYaml);
    cluster =
        new LabCluster(
            lab,
            "failover",
            List.of("snapshotInterval: 5s", "pullInterval: 2s", "retentionCount: 5"),
            clusterLines,
            serviceLines);
    cluster.startFresh();
    cluster.awaitStatus(
        "node-a",
        TAKEOVER_BUDGET,
        s -> s.vipsHeld().contains(VIP + "/24"),
        "node-a to raise the VIP");
    assertThat(vipProbe.holders(VIP)).containsExactly("node-a");
    // From here on, the client checks all the time that no two nodes answer for the VIP.
    vipWatch = new VipWatch(vipProbe, VIP);
  }

  private static String fenceCommand() {
    return "fencing: {policy: command, command: ["
        + Path.of(System.getProperty(Lab.SCRIPT_PROPERTY)).toAbsolutePath()
        + ", fence], timeout: 30s}";
  }

  @Test
  void killingTheActiveMovesTheServiceToThePassiveLockedAndTheOldActiveComesBackPassive() {
    startCluster(fenceCommand());
    nodeA.shell("echo replicated > /tank/f");
    awaitReplicated("/tank/f", "replicated\n");

    lab.command("kill", "node-a");

    ServiceStatus b =
        cluster.awaitStatus(
            "node-b",
            TAKEOVER_BUDGET,
            s -> s.role().equals("active") && "active".equals(s.state()),
            "node-b to take over");
    assertThat(b.activeNode()).isEqualTo("node-b");
    assertThat(b.epoch()).isEqualTo(1);
    assertThat(b.syncLocked()).isTrue();
    cluster.await(
        TAKEOVER_BUDGET,
        "the VIP on node-b",
        () -> vipProbe.holders(VIP).equals(java.util.Set.of("node-b")));
    assertThat(vipProbe.answersPing(VIP)).isTrue();
    // The start hook ran before the VIP came up: the client reads the data through the VIP.
    assertThat(
            lab.command(
                    "exec",
                    "client",
                    "--",
                    "curl",
                    "-s",
                    "--max-time",
                    "5",
                    "http://" + VIP + ":8080/f")
                .stdout())
        .isEqualTo("replicated\n");
    ServiceStatus hooked = cluster.status("node-b").orElseThrow();
    assertThat(hooked.lastHooks().phase()).isEqualTo("start");
    assertThat(hooked.lastHooks().ok()).isTrue();
    assertThat(b.lock().reason()).contains("automatic failover");
    assertThat(b.lock().lastCommonSnapshot()).isNotNull();
    // Serving the copy it had: the replicated data, now writable.
    assertThat(nodeB.exec("cat", "/tank/f").stdout()).isEqualTo("replicated\n");
    nodeB.shell("echo written-on-b > /tank/after-failover");

    lab.command("start", "node-a");
    cluster.start("node-a");
    ServiceStatus a =
        cluster.awaitStatus(
            "node-a",
            TAKEOVER_BUDGET,
            s -> s.activeNode().equals("node-b"),
            "node-a to adopt node-b's epoch");
    assertThat(a.role()).isEqualTo("passive");
    assertThat(a.epoch()).isEqualTo(1);
    assertThat(a.syncLocked()).isTrue();
    // Locked: nothing is pulled, so node-b's new file never reaches node-a...
    LabCluster.sleep(Duration.ofSeconds(6));
    assertThat(nodeA.exec("test", "-e", "/tank/after-failover").succeeded()).isFalse();
    // ...and node-a's own copy stays readable for the operator, but read-only.
    assertThat(nodeA.exec("cat", "/tank/f").stdout()).isEqualTo("replicated\n");
    assertThat(nodeA.exec("sh", "-c", "echo x > /tank/new-on-a").succeeded()).isFalse();
    ServiceStatus bAfter = cluster.status("node-b").orElseThrow();
    assertThat(bAfter.role()).isEqualTo("active");
    assertThat(bAfter.epoch()).isEqualTo(1);
    assertThat(a.vipsHeld()).isEmpty();
    assertThat(vipProbe.holders(VIP)).containsExactly("node-b");
    vipWatch.assertNeverTwoHolders();
  }

  @Test
  void aSwitchoverLosesNoAcknowledgedWriteAndReversesReplication() {
    startCluster("fencing: " + FaultScenario.fenceWithLabPowerSwitch());
    awaitReplicated();
    Writer writer = new Writer(nodeA);

    LabCluster.sleep(Duration.ofSeconds(3));
    CommandResult switchover = cluster.cli("node-b", "failover", "tank");
    writer.stop();

    assertThat(switchover.exitCode()).as(switchover.stdout() + switchover.stderr()).isZero();
    assertThat(switchover.stdout())
        .contains(
            "VIPs down",
            "final snapshot",
            "node-b starts the service",
            "switchover to node-b done");
    ServiceStatus b = cluster.status("node-b").orElseThrow();
    assertThat(b.role()).isEqualTo("active");
    assertThat(b.epoch()).isEqualTo(1);
    assertThat(b.syncLocked()).isFalse();
    assertThat(vipProbe.holders(VIP)).containsExactly("node-b");
    // Every write node-a acknowledged before it stopped taking writes is on node-b.
    List<Integer> acknowledged = writer.acknowledged();
    assertThat(acknowledged).hasSizeGreaterThan(5);
    // zfs-fuse can show a just-received state a moment late, so node-b gets a few seconds.
    java.util.Set<String> expected =
        acknowledged.stream().map(String::valueOf).collect(java.util.stream.Collectors.toSet());
    cluster.await(
        Duration.ofSeconds(20),
        "every acknowledged write on node-b",
        () ->
            nodeB
                .exec("ls", "/tank/w")
                .stdout()
                .lines()
                .collect(java.util.stream.Collectors.toSet())
                .containsAll(expected));
    ServiceStatus a =
        cluster.awaitStatus(
            "node-a", TAKEOVER_BUDGET, s -> "passive".equals(s.state()), "node-a to follow");
    assertThat(a.vipsHeld()).isEmpty();
    nodeB.shell("echo from-b > /tank/reverse");
    cluster.await(
        Duration.ofSeconds(40),
        "node-b's write on node-a",
        () -> nodeA.exec("cat", "/tank/reverse").stdout().equals("from-b\n"));
    vipWatch.assertNeverTwoHolders();
  }

  @Test
  void aSwitchoverThatFailsAtAStepLeavesTheOldActiveServing() {
    // A stop hook that fails: the switchover must stop there and put node-a back.
    startCluster(
        "fencing: " + FaultScenario.fenceWithLabPowerSwitch(),
        "hooks: {stop: [/bin/false], timeout: 5s}");
    awaitReplicated();

    CommandResult switchover = cluster.cli("node-a", "failover", "tank");

    assertThat(switchover.exitCode()).isEqualTo(1);
    assertThat(switchover.stdout()).contains("FAIL", "stop hooks", "node-a is active");
    ServiceStatus a =
        cluster.awaitStatus(
            "node-a", TAKEOVER_BUDGET, s -> s.vipsHeld().contains(VIP + "/24"), "the VIP back");
    assertThat(a.role()).isEqualTo("active");
    assertThat(a.epoch()).isZero();
    assertThat(vipProbe.holders(VIP)).containsExactly("node-a");
    nodeA.shell("echo still-serving > /tank/after");
    awaitReplicated("/tank/after", "still-serving\n");
    vipWatch.assertNeverTwoHolders();
  }

  @Test
  void markSyncAsFixedKeepsTheOldActivesWritesAsideAndResumesReplication() {
    startCluster("fencing: " + FaultScenario.fenceWithLabPowerSwitch());
    awaitReplicated();
    // Written and made durable on node-a, but node-a dies before a snapshot carries it over.
    // fsync on the writing descriptor is what zfs-fuse makes durable.
    nodeA.shell("echo unreplicated | dd of=/tank/only-on-a conv=fsync status=none");
    lab.command("kill", "node-a");
    cluster.awaitStatus(
        "node-b", TAKEOVER_BUDGET, s -> "active".equals(s.state()), "node-b to take over");
    nodeB.shell("echo after-failover > /tank/b-file");
    lab.command("start", "node-a");
    cluster.start("node-a");
    cluster.awaitStatus(
        "node-a",
        TAKEOVER_BUDGET,
        s -> s.activeNode().equals("node-b") && s.syncLocked(),
        "node-a locked");
    assertThat(nodeA.exec("cat", "/tank/only-on-a").stdout())
        .as("the fsync'ed write survived node-a's power loss")
        .isEqualTo("unreplicated\n");

    CommandResult divergence = cluster.cli("node-b", "divergence", "tank");
    assertThat(divergence.exitCode()).as(divergence.stderr()).isZero();
    assertThat(divergence.stdout())
        .contains("node-a holds data that node-b lacks", "tank, after zferry-");

    CommandResult unknown = cluster.cli("node-a", "mark-sync-as-fixed", "tank", "node-a", "node-x");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.stderr()).contains("'node-x' is not a node of this cluster");

    CommandResult fixed = cluster.cli("node-a", "mark-sync-as-fixed", "tank", "node-a", "node-b");
    assertThat(fixed.exitCode()).as(fixed.stdout() + fixed.stderr()).isZero();
    assertThat(fixed.stdout()).contains("kept as tank/zferry-aside-", "unlocked on both nodes");

    cluster.await(
        Duration.ofSeconds(40),
        "node-b's new data on node-a",
        () -> nodeA.exec("cat", "/tank/b-file").stdout().equals("after-failover\n"));
    assertThat(cluster.status("node-a").orElseThrow().syncLocked()).isFalse();
    assertThat(cluster.status("node-b").orElseThrow().syncLocked()).isFalse();
    assertThat(nodeA.exec("test", "-e", "/tank/only-on-a").succeeded()).isFalse();
    String rescueCopy =
        nodeA.exec("sh", "-c", "zfs list -H -o name | grep '^tank/zferry-aside-'").stdout().strip();
    String mountpoint =
        nodeA.exec("zfs", "get", "-H", "-o", "value", "mountpoint", rescueCopy).stdout().strip();
    assertThat(fixed.stdout()).contains("mounted at " + mountpoint);
    String rescue = nodeA.exec("cat", mountpoint + "/only-on-a").stdout();
    assertThat(rescue)
        .as("node-a's unreplicated write in the rescue copy")
        .isEqualTo("unreplicated\n");

    CommandResult again = cluster.cli("node-a", "mark-sync-as-fixed", "tank", "node-a", "node-b");
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.stderr()).contains("not locked");
    vipWatch.assertNeverTwoHolders();
  }

  @Test
  void aFailingFenceCommandMeansNoTakeover() {
    startCluster("fencing: {policy: command, command: [/bin/false], timeout: 5s}");
    awaitReplicated();

    lab.command("kill", "node-a");

    ServiceStatus b =
        cluster.awaitStatus(
            "node-b",
            TAKEOVER_BUDGET,
            s -> s.state() != null && s.state().startsWith("holding"),
            "node-b to give up after the failed fence");
    assertThat(b.role()).isEqualTo("passive");
    assertThat(b.activeNode()).isEqualTo("node-a");
    assertThat(b.epoch()).isZero();
    assertThat(b.syncLocked()).isFalse();
    LabCluster.sleep(Duration.ofSeconds(5));
    assertThat(cluster.status("node-b").orElseThrow().role()).isEqualTo("passive");
    assertThat(nodeB.exec("sh", "-c", "echo x > /tank/x").succeeded())
        .as("the unfenced passive's copy stays read-only")
        .isFalse();
  }

  @Test
  void withTheManualPolicyAPartitionedPassiveWaitsForAnOperator() {
    startCluster("fencing: {policy: manual}");
    awaitReplicated();

    switchPort("vA", false);
    try {
      ServiceStatus b =
          cluster.awaitStatus(
              "node-b",
              TAKEOVER_BUDGET,
              s -> s.state() != null && s.state().contains("manual"),
              "node-b to report the manual policy");
      assertThat(b.state()).contains("zferry failover tank --force");
      assertThat(b.role()).isEqualTo("passive");
      ServiceStatus a = cluster.status("node-a").orElseThrow();
      assertThat(a.role()).isEqualTo("active");
      assertThat(a.state()).isEqualTo("active");
    } finally {
      switchPort("vA", true);
    }
    cluster.awaitStatus(
        "node-b", TAKEOVER_BUDGET, s -> "passive".equals(s.state()), "node-b to follow again");
  }

  @Test
  void anIsolatedPassiveDoesNotTakeOver() {
    startCluster(
        List.of("pingTargets: [" + lab.client().address() + "]"),
        "fencing: " + FaultScenario.fenceWithLabPowerSwitch());
    awaitReplicated();

    // node-b loses its link: it hears neither node-a nor the ping target.
    switchPort("vB", false);
    try {
      ServiceStatus b =
          cluster.awaitStatus(
              "node-b",
              TAKEOVER_BUDGET,
              s -> s.state() != null && s.state().contains("ping targets"),
              "node-b to find itself isolated");
      assertThat(b.role()).isEqualTo("passive");
      assertThat(b.epoch()).isZero();
    } finally {
      switchPort("vB", true);
    }
    // Reconnected, it hears node-a again: no takeover in the moment the link comes back.
    cluster.awaitStatus(
        "node-b", TAKEOVER_BUDGET, s -> "passive".equals(s.state()), "node-b to follow again");
    LabCluster.sleep(TIMEOUT.plusSeconds(2));
    ServiceStatus after = cluster.status("node-b").orElseThrow();
    assertThat(after.role()).isEqualTo("passive");
    assertThat(after.epoch()).isZero();
    assertThat(cluster.status("node-a").orElseThrow().role()).isEqualTo("active");
  }

  @Test
  void neitherNodeServesAloneAfterBothWereDown() {
    startCluster("fencing: " + FaultScenario.fenceWithLabPowerSwitch());
    awaitReplicated();

    cluster.close();
    lab.command("kill", "node-a");
    lab.command("kill", "node-b");

    // The passive returns first: its peer is silent, but it never saw it since its start.
    lab.command("start", "node-b");
    cluster.start("node-b");
    LabCluster.sleep(TIMEOUT.plusSeconds(4));
    ServiceStatus b = cluster.status("node-b").orElseThrow();
    assertThat(b.role()).isEqualTo("passive");
    assertThat(b.state()).contains("since this node started");

    cluster.stop("node-b");
    lab.command("kill", "node-b");
    // The old active returns alone: it may have been taken over meanwhile, so it serves nothing.
    lab.command("start", "node-a");
    cluster.start("node-a");
    ServiceStatus a =
        cluster.awaitStatus(
            "node-a",
            TAKEOVER_BUDGET,
            s -> s.state() != null && s.state().startsWith("holding"),
            "node-a to hold");
    assertThat(a.state()).contains("restarted without reaching the peer");
    assertThat(nodeA.exec("sh", "-c", "echo x > /tank/x").succeeded())
        .as("a holding node's pool is read-only")
        .isFalse();

    lab.command("start", "node-b");
    cluster.start("node-b");
    cluster.awaitStatus(
        "node-a", TAKEOVER_BUDGET, s -> "active".equals(s.state()), "node-a to serve again");
    cluster.awaitStatus(
        "node-b", TAKEOVER_BUDGET, s -> "passive".equals(s.state()), "node-b to follow");
    nodeA.shell("echo after-reunion > /tank/g");
    awaitReplicated("/tank/g", "after-reunion\n");
  }

  /** A node's port on the lab switch: down cuts the node off without stopping it (a partition). */
  private void switchPort(String port, boolean up) {
    lab.command("exec", "switch", "--", "ip", "link", "set", port, up ? "up" : "down")
        .requireSuccess();
  }

  @Test
  void aNodeWhoseStateDatabaseVanishedRefusesToGuessUntilTheOperatorSaysSo() throws Exception {
    startCluster("fencing: " + FaultScenario.fenceWithLabPowerSwitch());
    awaitReplicated();
    cluster.stop("node-b");
    java.nio.file.Files.delete(cluster.stateDb("node-b"));

    CommandResult refused = cluster.runRefused("node-b");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.stderr())
        .contains(cluster.stateDb("node-b").toString(), "does not exist", "--init-state");
    assertThat(cluster.stateDb("node-b")).as("nothing was guessed").doesNotExist();

    cluster.start("node-b", "--init-state");
    ServiceStatus b =
        cluster.awaitStatus(
            "node-b", TAKEOVER_BUDGET, s -> "passive".equals(s.state()), "node-b to follow");
    assertThat(b.activeNode()).isEqualTo("node-a");
    nodeA.shell("echo after-restore > /tank/r");
    awaitReplicated("/tank/r", "after-restore\n");
    vipWatch.assertNeverTwoHolders();
  }

  private void awaitReplicated() {
    nodeA.shell("echo base > /tank/base");
    awaitReplicated("/tank/base", "base\n");
  }

  private void awaitReplicated(String path, String text) {
    cluster.await(
        Duration.ofSeconds(40),
        path + " on node-b",
        () -> {
          var result = nodeB.exec("cat", path);
          return result.succeeded() && result.stdout().equals(text);
        });
  }
}
