package io.zferry.service.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lab.Lab;
import io.zferry.lab.LabExtension;
import io.zferry.lab.LabNode;
import io.zferry.service.status.StatusViews;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.snapshot.host.CommandResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Service tank under real corosync and Pacemaker on three lab nodes ({@code lab up --nodes 3
 * --manager pacemaker}, STONITH through the lab's fence agent): zferryd on each with
 * cluster.manager: pacemaker, the promotable clone of ocf:zferry:service (this checkout's agent)
 * promoted on one and two passives pulling from it. docs/pacemaker.md, with cibadmin in place of
 * pcs.
 */
@ExtendWith(LabExtension.class)
class PacemakerIT {
  private static final Duration BUDGET = Duration.ofSeconds(90);
  private static final String CLONE = "zferry-tank-clone";
  private static final String SLOW_PULLS = "20s";

  private Lab lab;
  private LabCluster cluster;

  @BeforeEach
  void start(Lab lab) {
    this.lab = lab;
    cluster =
        new LabCluster(
            lab,
            "pacemaker",
            List.of("snapshotInterval: 5s", "pullInterval: 1s", "retentionCount: 5"),
            List.of("manager: pacemaker", "heartbeatTimeout: 3s"),
            List.of());
    // node-c is the slow passive (an off-site one would pull hourly): it pulls every 20 s, so
    // node-a, which pulls every second, is further along when the promoted node fails.
    cluster.nodeKeys("node-c", List.of("pullInterval: " + SLOW_PULLS));
    cluster.startFreshManaged(
        List.of("node-a", "node-b", "node-c"), "--nodes", "3", "--manager", "pacemaker");
  }

  /**
   * resource-agents' ocf-tester on node-a, before Pacemaker manages the service: every action in
   * the order and with the exit codes the OCF standard asks, against the real zferryd.
   */
  private void ocfTesterPasses() {
    CommandResult tested =
        lab.nodeA()
            .exec(
                "ocf-tester",
                "-n",
                "zferry-tank",
                "-o",
                "service=tank",
                "-o",
                "zferry=" + cluster.repo().resolve("bin/zferry"),
                "-o",
                "config=" + cluster.config("node-a"),
                "/usr/lib/ocf/resource.d/zferry/service");
    assertThat(tested.exitCode()).as("ocf-tester: " + tested.stdout() + tested.stderr()).isZero();
    assertThat(tested.stdout()).contains("passed all tests");
  }

  @AfterEach
  void stop(TestInfo test) {
    if (cluster != null) {
      cluster.saveEvidence("pacemaker-" + test.getTestMethod().map(m -> m.getName()).orElse("?"));
      cluster.close();
    }
    lab.down();
  }

  @Test
  void aMoveLosesNothingAndKillingThePromotedNodePromotesAPassiveTheOtherFollows() {
    ocfTesterPasses();
    createClone();
    awaitPromoted("node-a");
    for (String passive : List.of("node-b", "node-c")) {
      cluster.awaitStatus(
          passive, BUDGET, s -> s.lastAppliedSnapshot() != null, passive + " to pull from node-a");
    }
    assertThat(crmMon("node-c"))
        .contains("node-a node-b node-c")
        .contains("Promoted: [ node-a ]")
        .contains("Unpromoted: [ node-b node-c ]");
    ServiceStatus onActive = cluster.status("node-a").orElseThrow();
    assertThat(onActive.passives())
        .as("the active shows the lag of each passive")
        .extracting(StatusViews.PassiveView::node)
        .containsExactly("node-b", "node-c");

    // A planned move: demote node-a (final snapshot), promote node-b (pulls it, no lock).
    Writer onA = new Writer(lab.nodeA());
    LabCluster.sleep(Duration.ofSeconds(3));
    onA.stop();
    List<Writer.Write> acknowledgedOnA = onA.acknowledgedWrites();
    assertThat(acknowledgedOnA).isNotEmpty();
    crm("node-a", "crm_resource", "--move", "--promoted", "-r", CLONE, "-N", "node-b");
    ServiceStatus moved = awaitPromoted("node-b");
    crm("node-a", "crm_resource", "--clear", "-r", CLONE);
    assertThat(moved.syncLocked()).as("a planned move locks nothing").isFalse();
    Map<String, String> onB = Writer.checksumsOn(lab.nodeB());
    for (Writer.Write write : acknowledgedOnA) {
      assertThat(onB)
          .as("acknowledged on node-a, after the move on node-b")
          .containsEntry(write.path(), write.sha256());
    }
    cluster.awaitStatus(
        "node-a",
        BUDGET,
        s ->
            "node-b".equals(s.activeNode())
                && !s.syncLocked()
                && s.lagSeconds() != null
                && s.lagSeconds() < 10,
        "node-a to follow node-b");
    cluster.awaitStatus(
        "node-c",
        BUDGET,
        s ->
            "node-b".equals(s.activeNode())
                && !s.syncLocked()
                && s.settings().pullInterval().equals(SLOW_PULLS),
        "node-c to follow node-b at its own pace");

    // Power loss of the promoted node: Pacemaker fences it and promotes node-c (node-a may not
    // be promoted now), which is behind node-a: it pulls what node-a has before it takes over
    // with the sync locked, and node-a follows it.
    crm(
        "node-a",
        "cibadmin",
        "--create",
        "-o",
        "constraints",
        "--xml-text",
        "<rsc_location id=\"not-node-a\" rsc=\""
            + CLONE
            + "\" role=\"Promoted\" node=\"node-a\" score=\"-INFINITY\"/>");
    Writer onB2 =
        new Writer(lab.nodeB(), java.nio.file.Path.of("target", "writer-b2.acks").toAbsolutePath());
    String[] aheadOnA = new String[1];
    cluster.await(
        BUDGET,
        "node-a to hold node-b's writes and be further along than node-c",
        () -> {
          Optional<ServiceStatus> a = cluster.status("node-a");
          Optional<ServiceStatus> c = cluster.status("node-c");
          if (a.isEmpty() || c.isEmpty() || a.get().lastAppliedSnapshot() == null) {
            return false;
          }
          aheadOnA[0] = a.get().lastAppliedSnapshot().guid();
          return a.get().lagSeconds() != null
              && a.get().lagSeconds() < 10
              && c.get().lastAppliedSnapshot() != null
              && !aheadOnA[0].equals(c.get().lastAppliedSnapshot().guid());
        });
    long killed = System.nanoTime();
    lab.command("kill", "node-b");
    String promoted = awaitAnyPromoted(List.of("node-c"));
    String other = "node-a";
    long seconds = Duration.ofNanos(System.nanoTime() - killed).toSeconds();
    System.out.println(
        "pacemaker: node-b powered off, " + promoted + " serving after " + seconds + " s");
    ServiceStatus taken = cluster.status(promoted).orElseThrow();
    assertThat(taken.syncLocked()).as("a takeover locks the sync").isTrue();
    assertThat(crmMon(promoted)).contains("OFFLINE").contains("node-b");
    assertThat(onB2.acknowledgedWrites()).isNotEmpty();
    assertThat(guidsOf(lab.node(promoted)))
        .as("node-c took over with the newest copy a survivor held: node-a's " + aheadOnA[0])
        .contains(aheadOnA[0]);
    assertThat(Writer.checksumsOn(lab.node(promoted)))
        .as("everything node-a held of node-b's writes is on node-c")
        .containsAllEntriesOf(Writer.checksumsOn(lab.node(other)));
    assertThat(readString(cluster.log(promoted)))
        .as("node-c's incremental base was kept for it: nothing was bootstrapped")
        .doesNotContain("no common snapshot");
    crm("node-c", "cibadmin", "--delete", "--xml-text", "<rsc_location id=\"not-node-a\"/>");

    // node-a follows the new active, unlocked, and holds what it writes.
    Writer onNew = new Writer(lab.node(promoted));
    LabCluster.sleep(Duration.ofSeconds(3));
    onNew.stop();
    List<Writer.Write> acknowledgedOnNew = onNew.acknowledgedWrites();
    assertThat(acknowledgedOnNew).isNotEmpty();
    Writer.Write last = acknowledgedOnNew.get(acknowledgedOnNew.size() - 1);
    cluster.await(
        BUDGET,
        other + " to follow " + promoted + " and hold its last write",
        () ->
            cluster
                    .status(other)
                    .map(s -> promoted.equals(s.activeNode()) && !s.syncLocked())
                    .orElse(false)
                && last.sha256().equals(Writer.checksumsOn(lab.node(other)).get(last.path())));
    assertThat(Writer.checksumsOn(lab.node(other)))
        .as("the same data on " + other + " as on the new active " + promoted)
        .containsAllEntriesOf(checksumsOf(acknowledgedOnNew));

    // The old owner boots: whichever node it hears the new record from, it rejoins locked, and
    // mark-sync-as-fixed of the two nodes of the takeover resumes its replication.
    lab.command("start", "node-b");
    cluster.start("node-b");
    cluster.awaitStatus(
        "node-b",
        BUDGET,
        s -> promoted.equals(s.activeNode()) && s.syncLocked(),
        "node-b to rejoin locked");
    CommandResult bystander = cluster.cli(other, "mark-sync-as-fixed", "tank", promoted, "node-b");
    assertThat(bystander.exitCode())
        .as("refused on a node outside the takeover: " + bystander.stdout() + bystander.stderr())
        .isNotZero();
    CommandResult fixed = cluster.cli(promoted, "mark-sync-as-fixed", "tank", promoted, "node-b");
    assertThat(fixed.exitCode()).as(fixed.stdout() + fixed.stderr()).isZero();
    cluster.awaitStatus(
        "node-b",
        BUDGET,
        s -> promoted.equals(s.activeNode()) && !s.syncLocked() && s.lastAppliedSnapshot() != null,
        "node-b to pull from " + promoted + " again");

    // Quorum lost: the new active alone must not serve.
    lab.command("kill", "node-b");
    lab.command("kill", other);
    cluster.awaitStatus(
        promoted,
        BUDGET,
        s -> !"active".equals(s.state()),
        promoted + " to stop serving without quorum");
  }

  private static String readString(java.nio.file.Path file) {
    try {
      return java.nio.file.Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The GUIDs of every snapshot of the pool's root in {@code node}. */
  private static List<String> guidsOf(LabNode node) {
    CommandResult listed =
        node.exec("zfs", "get", "-H", "-p", "-r", "-o", "name,value", "guid", "tank");
    assertThat(listed.exitCode()).as(listed.stderr()).isZero();
    return listed
        .stdout()
        .lines()
        .filter(l -> l.startsWith("tank@"))
        .map(l -> l.split("\t")[1])
        .toList();
  }

  private static Map<String, String> checksumsOf(List<Writer.Write> writes) {
    Map<String, String> last = new java.util.HashMap<>();
    writes.forEach(w -> last.put(w.path(), w.sha256()));
    return last;
  }

  /** The node of {@code candidates} Pacemaker promotes, once it serves. */
  private String awaitAnyPromoted(List<String> candidates) {
    String[] found = new String[1];
    cluster.await(
        BUDGET,
        "one of " + candidates + " to be promoted and serve",
        () -> {
          for (String node : candidates) {
            boolean serving =
                cluster
                    .status(node)
                    .map(s -> node.equals(s.activeNode()) && "active".equals(s.state()))
                    .orElse(false);
            if (serving) {
              found[0] = node;
              return true;
            }
          }
          return false;
        });
    return found[0];
  }

  private ServiceStatus awaitPromoted(String node) {
    return cluster.awaitStatus(
        node,
        BUDGET,
        s -> node.equals(s.activeNode()) && "active".equals(s.state()),
        node + " to be promoted and serve");
  }

  private void createClone() {
    String repo = cluster.repo().toString();
    String xml =
        String.join(
            "",
            "<clone id=\"" + CLONE + "\">",
            "<meta_attributes id=\"zc-meta\">",
            nvpair("zc-promotable", "promotable", "true"),
            nvpair("zc-promoted-max", "promoted-max", "1"),
            nvpair("zc-promoted-node-max", "promoted-node-max", "1"),
            nvpair("zc-clone-max", "clone-max", "3"),
            nvpair("zc-notify", "notify", "true"),
            nvpair("zc-target-role", "target-role", "Stopped"),
            "</meta_attributes>",
            "<primitive id=\"zferry-tank\" class=\"ocf\" provider=\"zferry\" type=\"service\">",
            "<instance_attributes id=\"zt-common\">",
            nvpair("zt-service", "service", "tank"),
            nvpair("zt-zferry", "zferry", repo + "/bin/zferry"),
            "</instance_attributes>",
            configOn("node-a", 3),
            configOn("node-b", 2),
            configOn("node-c", 1),
            "<operations>",
            op("zt-mon-p", "monitor", "3s", " role=\"Promoted\""),
            op("zt-mon-u", "monitor", "4s", " role=\"Unpromoted\""),
            op("zt-start", "start", "0s", ""),
            op("zt-stop", "stop", "0s", ""),
            op("zt-promote", "promote", "0s", ""),
            op("zt-demote", "demote", "0s", ""),
            "</operations>",
            "</primitive>",
            "</clone>");
    crm("node-a", "cibadmin", "--create", "-o", "resources", "--xml-text", xml);
    crm("node-a", "crm_resource", "-r", CLONE, "--meta", "-d", "target-role");
  }

  /** The agent's config parameter for one node: each zferryd has its own file in the lab. */
  private String configOn(String node, int score) {
    String id = "zt-on-" + node;
    return "<instance_attributes id=\""
        + id
        + "\" score=\""
        + score
        + "\"><rule id=\""
        + id
        + "-rule\" score=\"INFINITY\"><expression id=\""
        + id
        + "-expr\" attribute=\"#uname\" operation=\"eq\" value=\""
        + node
        + "\"/></rule>"
        + nvpair(id + "-config", "config", cluster.config(node).toString())
        + "</instance_attributes>";
  }

  private static String nvpair(String id, String name, String value) {
    return "<nvpair id=\"" + id + "\" name=\"" + name + "\" value=\"" + value + "\"/>";
  }

  private static String op(String id, String name, String interval, String extra) {
    String timeout = name.equals("promote") ? "300s" : "120s";
    if (name.equals("monitor")) {
      timeout = "30s";
    }
    return "<op id=\""
        + id
        + "\" name=\""
        + name
        + "\" interval=\""
        + interval
        + "\" timeout=\""
        + timeout
        + "\""
        + extra
        + "/>";
  }

  private String crmMon(String node) {
    return crm(node, "crm_mon", "-1", "-r");
  }

  private String crm(String node, String... argv) {
    LabNode in = lab.node(node);
    CommandResult result = in.exec(argv);
    assertThat(result.exitCode())
        .as(String.join(" ", argv) + " on " + node + ": " + result.stdout() + result.stderr())
        .isZero();
    return result.stdout();
  }
}
