package io.zferry.service.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.zferry.lab.Lab;
import io.zferry.lab.LabExtension;
import io.zferry.lab.LabNode;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.zfs.DatasetName;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sqlite.SQLiteConfig;

/**
 * zferryd on both lab nodes: node-a active (snapshots every 5 s, keeps 3: a 15 s rollback window),
 * node-b pulling every 2 s; node-a spares node-b's applied snapshot for 30 s after node-b last
 * reported it.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationLoopIT {
  private static final Duration CYCLE_BUDGET = Duration.ofSeconds(30);

  private Lab lab;
  private LabCluster cluster;
  private LabNode nodeA;
  private LabNode nodeB;

  @BeforeEach
  void startDaemons(Lab lab) {
    this.lab = lab;
    nodeA = lab.nodeA();
    nodeB = lab.nodeB();
    cluster =
        new LabCluster(
            lab,
            "loop",
            List.of(
                "snapshotInterval: 5s",
                "pullInterval: 2s",
                "retentionCount: 3",
                "passiveHold: 40s",
                "stallTimeout: 10s",
                // Slow enough that a test can catch a transfer in the middle.
                "bandwidthLimit: 25MB/s"));
    cluster.startFresh();
  }

  @AfterEach
  void stopDaemons(TestInfo test) {
    cluster.saveEvidence(test.getTestMethod().map(m -> m.getName()).orElse("unknown"));
    cluster.close();
    lab.command("start", "node-b"); // idempotent: boots node-b only if a test powered it off
  }

  @Test
  void steadyStateWritesOnTheActiveAppearIdenticalOnThePassive() {
    nodeA.shell("head -c 3000000 /dev/urandom > /tank/data.bin && echo hello > /tank/hello");
    String expected = nodeA.sha256("/tank/data.bin");

    cluster.await(CYCLE_BUDGET, "data.bin on node-b", () -> sameFile("/tank/data.bin", expected));

    ServiceStatus b =
        cluster.awaitStatus("node-b", CYCLE_BUDGET, s -> s.lagSeconds() != null, "a lag");
    assertThat(b.role()).isEqualTo("passive");
    assertThat(b.activeNode()).isEqualTo("node-a");
    assertThat(b.lagSeconds()).isLessThan(30);
    assertThat(b.lastRun().result()).isEqualTo("ok");
    ServiceStatus a = cluster.status("node-a").orElseThrow();
    assertThat(a.role()).isEqualTo("active");
    assertThat(a.nextSnapshot()).isNotNull();
    assertThat(a.lagSeconds()).as("the active reports the passive's lag").isNotNull();
    assertThat(a.lastAppliedSnapshot()).isNotNull();
    assertThat(nodeB.exec("cat", "/tank/hello").stdout()).isEqualTo("hello\n");

    // /metrics agrees with the status, and counts the 3 MB pulled since the daemons started.
    CommandResult scrape = cluster.metrics("node-b", true);
    assertThat(scrape.stdout()).as(scrape.stderr()).endsWith("\n200");
    String metrics = scrape.stdout();
    Matcher lag =
        Pattern.compile(
                "(?m)^zferry_replication_lag_seconds\\{node=\"node-b\",service=\"tank\"\\} (\\S+)$")
            .matcher(metrics);
    assertThat(lag.find()).as(metrics).isTrue();
    long statusLag = cluster.status("node-b").orElseThrow().lagSeconds();
    // Taken a moment apart, with a snapshot every 5 s and a pull every 2 s.
    assertThat(Double.parseDouble(lag.group(1)))
        .isBetween(0.0, 30.0)
        .isCloseTo(statusLag, within(10.0));
    assertThat(metrics)
        .contains("zferry_service_role{node=\"node-b\",role=\"passive\",service=\"tank\"} 1.0")
        .contains("zferry_sync_locked{node=\"node-b\",service=\"tank\"} 0.0")
        .contains("zferry_peer_up{node=\"node-b\",peer=\"node-a\"} 1.0")
        .containsPattern(
            "zferry_replication_runs_total\\{node=\"node-b\",result=\"ok\",service=\"tank\"\\} [1-9]")
        .containsPattern("zferry_snapshots\\{node=\"node-b\",service=\"tank\"\\} [1-9]");
    Matcher received =
        Pattern.compile(
                "(?m)^zferry_replication_received_bytes_total\\{node=\"node-b\",service=\"tank\"\\} (\\S+)$")
            .matcher(metrics);
    assertThat(received.find()).as(metrics).isTrue();
    assertThat(Double.parseDouble(received.group(1))).isGreaterThanOrEqualTo(3_000_000);
    assertThat(cluster.metrics("node-a", true).stdout())
        .contains("zferry_service_role{node=\"node-a\",role=\"active\",service=\"tank\"} 1.0");
    assertThat(cluster.metrics("node-b", false).stdout())
        .as("no token, no metrics")
        .endsWith("\n401")
        .doesNotContain("zferry_");

    CommandResult check = cluster.cli("node-b", "check");
    assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
    assertThat(check.stdout()).startsWith("ZFERRY OK - tank: passive, lag ");

    // Roles (docs/security.md 2.7): only the peer's token reaches the internal endpoints.
    ServiceStatus before = cluster.status("node-b").orElseThrow();
    for (String label : List.of("cli", "prometheus")) {
      CommandResult promote =
          cluster.api(
              "node-b",
              Optional.of(label),
              "POST",
              "/api/v1/internal/services/tank/promote",
              "{\"epoch\": " + (before.epoch() + 1) + ", \"actor\": \"mallory\"}");
      assertThat(promote.stdout()).as(label).endsWith("\n403").contains("may not call");
    }
    assertThat(cluster.api("node-b", Optional.of("prometheus"), "GET", "/api/v1/status").stdout())
        .as("a metrics token reads /metrics only")
        .endsWith("\n403");
    ServiceStatus after = cluster.status("node-b").orElseThrow();
    assertThat(after.role()).isEqualTo("passive");
    assertThat(after.epoch()).isEqualTo(before.epoch());
    assertThat(cluster.status("node-a").orElseThrow().role()).isEqualTo("active");
    String audit =
        cluster
            .api("node-b", Optional.of("cli"), "GET", "/api/v1/events?kind=access&limit=20")
            .stdout();
    assertThat(audit)
        .as("the refusals are in the history")
        .contains("token:cli")
        .contains("token:prometheus")
        .contains("/api/v1/internal/services/tank/promote")
        .contains("403 refused");
  }

  @Test
  void aNewChildDatasetIsReplicated() {
    nodeA.shell("zfs create tank/projects && zfs create tank/projects/p1");
    nodeA.shell("head -c 1000000 /dev/urandom > /tank/projects/p1/f");
    String expected = nodeA.sha256("/tank/projects/p1/f");

    cluster.await(
        CYCLE_BUDGET, "the new dataset on node-b", () -> sameFile("/tank/projects/p1/f", expected));
    assertThat(nodeB.exec("zfs", "list", "-H", "-o", "name", "tank/projects/p1").succeeded())
        .isTrue();
  }

  @Test
  void aPassiveDownBrieflyWhileRetentionChurnsResumesIncrementally() {
    nodeA.shell("echo before > /tank/f");
    cluster.await(CYCLE_BUDGET, "first sync", () -> sameText("/tank/f", "before\n"));
    awaitRecordedByTheActive(awaitApplied().lastAppliedSnapshot().guid());

    lab.command("kill", "node-b");
    // Longer than the 15 s rollback window: without the hold node-b's snapshot would expire.
    LabCluster.sleep(Duration.ofSeconds(22));
    nodeA.shell("echo during > /tank/f");
    lab.command("start", "node-b");
    cluster.start("node-b");

    cluster.await(Duration.ofSeconds(60), "catch-up", () -> sameText("/tank/f", "during\n"));
    ServiceStatus b =
        cluster.awaitStatus("node-b", CYCLE_BUDGET, s -> s.lastRun() != null, "a run");
    // Had node-a expired node-b's last snapshot, node-b would have to bootstrap, setting its files
    // aside: an empty list shows the catch-up was incremental.
    assertThat(setAsideOnB()).as("an incremental catch-up sets nothing aside").isEmpty();
    assertThat(b.lastRun().result()).isEqualTo("ok");
  }

  @Test
  void aPassiveDownPastItsHoldBootstrapsAndKeepsItsOldCopyAside() {
    nodeA.shell("echo old > /tank/f");
    cluster.await(CYCLE_BUDGET, "first sync", () -> sameText("/tank/f", "old\n"));
    awaitApplied();

    lab.command("kill", "node-b");
    // Past the 40 s hold and the 15 s rollback window: node-a expires node-b's last snapshot.
    LabCluster.sleep(Duration.ofSeconds(55));
    nodeA.shell("echo new > /tank/f");
    lab.command("start", "node-b");
    cluster.start("node-b");

    cluster.await(Duration.ofSeconds(90), "bootstrap", () -> sameText("/tank/f", "new\n"));
    List<String> aside = setAsideOnB();
    assertThat(aside).as("node-b's previous copy is kept, not destroyed").hasSize(1);
    String mountpoint =
        nodeB.exec("zfs", "get", "-H", "-o", "value", "mountpoint", aside.get(0)).stdout().strip();
    // The end of a bootstrap may unmount and mount the tree again, the copy included (after a
    // zfs-fuse receive error, say): on a loaded machine the copy can be out of sight a moment.
    cluster.await(
        Duration.ofSeconds(30),
        "the copy set aside in sight",
        () -> nodeB.exec("cat", mountpoint + "/f").stdout().equals("old\n"));
    // Receives into tank after the bootstrap replace tank's directories, and the copy is still
    // in sight: it is mounted beside the pool, not inside it.
    nodeA.shell("echo newer > /tank/f");
    cluster.await(CYCLE_BUDGET, "a later incremental", () -> sameText("/tank/f", "newer\n"));
    assertThat(mountpoint).startsWith("/tank.zferry-aside/");
    assertThat(nodeB.exec("cat", mountpoint + "/f").stdout()).isEqualTo("old\n");
  }

  /**
   * Last: zfs-fuse keeps sending after the receiving side died, and the snapshot it sends stays
   * busy until its daemon restarts, which the next scenario's clean-up would have to do.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void aTransferKilledMidwayCompletesAfterTheDaemonRestarts() {
    cluster.await(CYCLE_BUDGET, "first sync", () -> awaitAppliedQuietly());
    nodeA.shell("head -c 400000000 /dev/urandom > /tank/big && sync");
    String expected = nodeA.sha256("/tank/big");

    cluster.awaitStatus(
        "node-b",
        Duration.ofSeconds(60),
        s ->
            s.transfer() != null
                && !s.transfer().finished()
                && s.transfer().bytesDone() > 10_000_000,
        "a transfer under way");
    cluster.stop("node-b"); // zferryd dies mid-stream (SIGKILL)
    cluster.start("node-b");

    cluster.await(
        Duration.ofSeconds(120), "the retried transfer", () -> sameFile("/tank/big", expected));
    assertThat(setAsideOnB()).isEmpty();
    // The received data is in sight before the run that received it has ended (expiry, the
    // record): the run killed with zferryd stays the last until then.
    cluster.awaitStatus(
        "node-b",
        CYCLE_BUDGET,
        s -> s.lastRun() != null && s.lastRun().result().equals("ok"),
        "the retried run to end ok");
  }

  /**
   * Waits until node-a's state records {@code guid} as node-b's last applied snapshot: the active
   * spares it from retention only once a heartbeat has told it, so a passive that dies before then
   * has no hold.
   */
  private void awaitRecordedByTheActive(String guid) {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(10_000);
    String url = "jdbc:sqlite:" + cluster.stateDb("node-a");
    cluster.await(
        CYCLE_BUDGET,
        "node-a to record node-b's applied snapshot " + guid,
        () -> {
          try (Connection c = DriverManager.getConnection(url, config.toProperties());
              PreparedStatement row =
                  c.prepareStatement(
                      "SELECT guid FROM applied_snapshot WHERE service = 'tank' AND node ="
                          + " 'node-b'")) {
            try (ResultSet rows = row.executeQuery()) {
              return rows.next() && rows.getString(1).equals(guid);
            }
          } catch (SQLException e) {
            return false;
          }
        });
  }

  private ServiceStatus awaitApplied() {
    return cluster.awaitStatus(
        "node-b", CYCLE_BUDGET, s -> s.lastAppliedSnapshot() != null, "an applied snapshot");
  }

  private boolean awaitAppliedQuietly() {
    return cluster.status("node-b").map(s -> s.lastAppliedSnapshot() != null).orElse(false);
  }

  private boolean sameFile(String path, String sha256) {
    var result = nodeB.exec("sha256sum", path);
    return result.succeeded() && result.stdout().startsWith(sha256);
  }

  private boolean sameText(String path, String text) {
    var result = nodeB.exec("cat", path);
    return result.succeeded() && result.stdout().equals(text);
  }

  private List<String> setAsideOnB() {
    return nodeB
        .exec("zfs", "list", "-H", "-o", "name", "-r", "tank")
        .stdout()
        .lines()
        .filter(
            name ->
                DatasetName.of(name).components().stream()
                    .anyMatch(c -> c.startsWith("zferry-aside-")))
        .toList();
  }
}
