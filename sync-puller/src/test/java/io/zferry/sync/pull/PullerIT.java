package io.zferry.sync.pull;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lab.Lab;
import io.zferry.lab.LabExtension;
import io.zferry.lab.LabNode;
import io.zferry.snapshot.zfs.CliZfs;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.lab.LabPeers;
import io.zferry.sync.ssh.SshHost;
import io.zferry.sync.transfer.TransferOptions;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Pull cycles of the whole pool from node-a to node-b over real sshd and real zfs-fuse. */
@ExtendWith(LabExtension.class)
class PullerIT {
  private static final DatasetName TANK = DatasetName.of("tank");

  private Lab lab;
  private LabNode nodeA;
  private LabNode nodeB;
  private Zfs zfsA;
  private Zfs zfsB;
  private SshHost peerA;
  private Puller puller;
  private final List<TransferActivity> activity = new CopyOnWriteArrayList<>();

  @BeforeEach
  void cleanPools(Lab lab) {
    this.lab = lab;
    nodeA = lab.nodeA();
    nodeB = lab.nodeB();
    nodeA.resetPool();
    nodeB.resetPool();
    zfsA = nodeA.zfs();
    zfsB = nodeB.zfs();
    peerA = new SshHost(LabPeers.endpoint(nodeA));
    puller =
        new Puller(
            new CliZfs(peerA),
            zfsB,
            TANK,
            Clock.systemUTC(),
            TransferOptions.defaults(),
            activity::add);
  }

  @AfterEach
  void close() {
    peerA.close();
    nodeA.resetPool();
    nodeB.resetPool();
  }

  @Test
  void firstPullBootstrapsAndKeepsThePassivesOldDataAside() {
    nodeB.shell("echo only-on-b > /tank/old-b");
    nodeA.shell("head -c 2000000 /dev/urandom > /tank/f");
    zfsA.snapshot(TANK, "zferry-20261122-100000", true);

    PullReport report = puller.pullOnce();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(nodeB.sha256("/tank/f")).isEqualTo(nodeA.sha256("/tank/f"));
    assertThat(guidsOf(zfsB)).isEqualTo(guidsOf(zfsA));
    assertThat(report.setAside()).hasSize(1);
    String aside = report.setAside().get(0).value();
    assertThat(aside).startsWith("tank/zferry-aside-");
    // Mounted beside the pool, where no later receive into tank can hide it.
    String mountpoint = mountpointOnB(report.setAside().get(0));
    assertThat(mountpoint).isEqualTo("/tank.zferry-aside/" + aside.substring("tank/".length()));
    assertThat(nodeB.exec("cat", mountpoint + "/old-b").stdout()).isEqualTo("only-on-b\n");
    assertThat(report.newestApplied().map(s -> s.name().shortName()))
        .hasValue("zferry-20261122-100000");
    assertThat(activity).isNotEmpty();
    assertThat(activity.get(activity.size() - 1).progress().finished()).isTrue();
  }

  @Test
  void aFreshPassiveNeedsNothingSetAside() {
    nodeA.shell("echo data > /tank/f");
    zfsA.createFilesystem(TANK.child("child"));
    zfsA.snapshot(TANK, "zferry-20261122-100000", true);
    zfsB.createFilesystem(TANK.child("empty-child-mountpoint-only"));

    PullReport report = puller.pullOnce();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(report.setAside()).isEmpty();
    assertThat(nodeB.exec("cat", "/tank/f").stdout()).isEqualTo("data\n");
  }

  @Test
  void incrementalPullsBringNewChildDatasetsAndExpireWhatTheSourceDropped() {
    nodeA.shell("echo one > /tank/f");
    zfsA.snapshot(TANK, "zferry-20261122-100000", true);
    assertThat(puller.pullOnce().succeeded()).isTrue();

    zfsA.createFilesystem(TANK.child("home"));
    zfsA.createFilesystem(TANK.child("home").child("alice"));
    nodeA.shell("echo two > /tank/f; head -c 1000000 /dev/urandom > /tank/home/alice/data");
    zfsA.snapshot(TANK, "zferry-20261122-100500", true);
    PullReport second = puller.pullOnce();
    assertThat(second.succeeded()).as(second.summary()).isTrue();
    assertThat(second.setAside()).as("new datasets need nothing set aside").isEmpty();

    nodeA.shell("echo three > /tank/f; echo more >> /tank/home/alice/data");
    zfsA.snapshot(TANK, "zferry-20261122-101000", true);
    for (String dataset : List.of("tank", "tank/home", "tank/home/alice")) {
      SnapshotName oldest = DatasetName.of(dataset).snapshot("zferry-20261122-100000");
      if (zfsA.listSnapshots(DatasetName.of(dataset)).snapshots().stream()
          .anyMatch(s -> s.name().equals(oldest))) {
        zfsA.destroySnapshot(oldest);
      }
    }

    PullReport report = puller.pullOnce();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(report.setAside()).isEmpty();
    assertThat(nodeB.exec("cat", "/tank/f").stdout()).isEqualTo("three\n");
    assertThat(nodeB.sha256("/tank/home/alice/data"))
        .isEqualTo(nodeA.sha256("/tank/home/alice/data"));
    assertThat(report.expired()).containsExactly(SnapshotName.parse("tank@zferry-20261122-100000"));
    assertThat(guidsOf(zfsB)).isEqualTo(guidsOf(zfsA));
    assertClientsCannotWriteOnB("/tank/client-write");
    assertClientsCannotWriteOnB("/tank/home/alice/client-write");

    PullReport idle = puller.pullOnce();
    assertThat(idle.bytes()).isZero();
    assertThat(idle.outcomes()).allMatch(o -> o instanceof DatasetOutcome.Current);
  }

  @Test
  void aChildWhoseNameHoldsASpaceCrossesSshIntact() {
    // Like new children in general here, it arrives after the pool's first bootstrap: zfs-fuse
    // leaves children received in that same cycle unmounted (whatever their name).
    nodeA.shell("echo root > /tank/f");
    zfsA.snapshot(TANK, "zferry-20261122-100000", true);
    assertThat(puller.pullOnce().succeeded()).isTrue();
    DatasetName spaced = TANK.child("my data");
    zfsA.createFilesystem(spaced);
    nodeA.shell("echo one > '/tank/my data/f'");
    zfsA.snapshot(TANK, "zferry-20261122-100500", true);
    PullReport bootstrap = puller.pullOnce();
    assertThat(bootstrap.succeeded()).as(bootstrap.summary()).isTrue();
    nodeA.shell("echo two > '/tank/my data/f'");
    zfsA.snapshot(TANK, "zferry-20261122-101000", true);

    PullReport report = puller.pullOnce();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(report.outcomes())
        .anyMatch(o -> o.dataset().equals(spaced) && o instanceof DatasetOutcome.Received);
    assertThat(zfsB.listSnapshots(TANK).refusedNames()).isEmpty();
    assertThat(guidsOf(zfsB)).hasSize(5).isEqualTo(guidsOf(zfsA));
    // Equal GUIDs are the same snapshots. The file is not read on node-b: zfs-fuse's receive
    // leaves a child whose name holds a space unmounted and cannot create its mountpoint under
    // the read-only root (OpenZFS receives unmounted anyway; a new active mounts what it serves).
  }

  @Test
  void aPassiveLeftBehindTheRetentionWindowBootstrapsAndKeepsItsOldCopy() {
    nodeA.shell("echo one > /tank/f");
    zfsA.createFilesystem(TANK.child("child"));
    nodeA.shell("echo child-one > /tank/child/c");
    zfsA.snapshot(TANK, "zferry-20261122-100000", true);
    assertThat(puller.pullOnce().succeeded()).isTrue();

    // While node-b is away, node-a's retention removes every snapshot node-b has.
    nodeA.shell("echo two > /tank/f; echo child-two > /tank/child/c");
    zfsA.snapshot(TANK, "zferry-20261122-110000", true);
    zfsA.destroySnapshot(SnapshotName.parse("tank@zferry-20261122-100000"));
    zfsA.destroySnapshot(SnapshotName.parse("tank/child@zferry-20261122-100000"));

    PullReport report = puller.pullOnce();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(nodeB.exec("cat", "/tank/f").stdout()).isEqualTo("two\n");
    assertThat(nodeB.exec("cat", "/tank/child/c").stdout()).isEqualTo("child-two\n");
    assertThat(report.setAside()).hasSize(2);
    DatasetName rootAside = report.setAside().get(0);
    DatasetName childAside = report.setAside().get(1);
    assertThat(nodeB.exec("cat", mountpointOnB(rootAside) + "/f").stdout()).isEqualTo("one\n");
    assertThat(nodeB.exec("cat", mountpointOnB(childAside) + "/c").stdout())
        .isEqualTo("child-one\n");
    assertThat(mountpointOnB(childAside))
        .isEqualTo("/tank.zferry-aside/" + childAside.value().substring("tank/".length()));
    assertThat(guidsOf(zfsB)).isEqualTo(guidsOf(zfsA));
    assertClientsCannotWriteOnB("/tank/client-write");
  }

  @Test
  void divergedTargetIsReportedAndLeftAlone() {
    nodeA.shell("echo one > /tank/f");
    zfsA.snapshot(TANK, "zferry-20261122-100000", true);
    assertThat(puller.pullOnce().succeeded()).isTrue();

    // node-b takes writes and a snapshot of its own, as after a takeover.
    zfsB.setProperty(TANK, PropertyName.of("readonly"), "off");
    nodeB.shell("echo written-on-b > /tank/f");
    zfsB.snapshot(TANK, "zferry-20261122-100700", true);
    nodeA.shell("echo written-on-a > /tank/f");
    zfsA.snapshot(TANK, "zferry-20261122-100500", true);

    PullReport report = puller.pullOnce();

    assertThat(report.diverged()).isTrue();
    assertThat(report.bytes()).isZero();
    assertThat(nodeB.exec("cat", "/tank/f").stdout()).isEqualTo("written-on-b\n");
    assertThat(zfsB.listSnapshots(TANK).snapshots())
        .extracting(s -> s.name().shortName())
        .contains("zferry-20261122-100700");
  }

  @Test
  void anOperatorsResolutionKeepsTheDivergentDataAsideThenResyncs() {
    nodeA.shell("zfs create tank/child && echo one > /tank/f && echo c1 > /tank/child/g");
    zfsA.snapshot(TANK, "zferry-20261122-100000", true);
    assertThat(puller.pullOnce().succeeded()).isTrue();

    // After a takeover node-b wrote, snapshotted and wrote again; node-a went on too.
    zfsB.setProperty(TANK, PropertyName.of("readonly"), "off");
    nodeB.shell("echo written-on-b > /tank/f && echo child-on-b > /tank/child/g");
    zfsB.snapshot(TANK, "zferry-20261122-100700", true);
    nodeB.shell("echo never-snapshotted > /tank/late");
    nodeA.shell("echo written-on-a > /tank/f");
    zfsA.snapshot(TANK, "zferry-20261122-100500", true);

    PullReport report =
        puller.resolvingDivergence(Puller.Divergence.KEEP_ASIDE_AND_RESYNC).pullOnce();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(report.diverged()).isFalse();
    assertThat(nodeB.exec("cat", "/tank/f").stdout()).isEqualTo("written-on-a\n");
    assertThat(nodeB.exec("test", "-e", "/tank/late").succeeded()).isFalse();
    assertThat(guidsOf(zfsB)).isEqualTo(guidsOf(zfsA));
    // Both divergent datasets are kept, with the writes never snapshotted.
    assertThat(report.setAside()).hasSize(2);
    DatasetName rootAside =
        report.setAside().stream().filter(d -> d.value().split("/").length == 2).findFirst().get();
    String rootMount = mountpointOf(rootAside);
    assertThat(nodeB.exec("cat", rootMount + "/f").stdout()).isEqualTo("written-on-b\n");
    assertThat(nodeB.exec("cat", rootMount + "/late").stdout()).isEqualTo("never-snapshotted\n");
    DatasetName childAside =
        report.setAside().stream().filter(d -> d.value().endsWith("-child")).findFirst().get();
    assertThat(nodeB.exec("cat", mountpointOf(childAside) + "/g").stdout())
        .isEqualTo("child-on-b\n");
    assertClientsCannotWriteOnB("/tank/client-write");
  }

  @Test
  void cancellingEndsTheTransferAndKeepsTheLastCompleteSnapshot() throws Exception {
    nodeA.shell("echo one > /tank/f");
    zfsA.snapshot(TANK, "zferry-20261122-100000", true);
    assertThat(puller.pullOnce().succeeded()).isTrue();
    nodeA.shell("head -c 300000000 /dev/urandom > /tank/big && sync");
    zfsA.snapshot(TANK, "zferry-20261122-100500", true);

    Puller slow =
        new Puller(
            new CliZfs(peerA),
            zfsB,
            TANK,
            Clock.systemUTC(),
            TransferOptions.defaults().withBandwidthLimit(20_000_000),
            activity::add);
    var result = new java.util.concurrent.CompletableFuture<Object>();
    Thread pulling =
        new Thread(
            () -> {
              try {
                result.complete(slow.pullOnce());
              } catch (RuntimeException e) {
                result.complete(e);
              }
            });
    pulling.start();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (activity.stream().noneMatch(a -> a.progress().bytesDone() > 5_000_000)
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    long cancelledAt = System.nanoTime();
    slow.cancel();

    Object outcome = result.get(30, java.util.concurrent.TimeUnit.SECONDS);
    // zfs-fuse keeps the snapshot whose send was killed busy until its daemon restarts: reboot
    // node-a so the clean-up can destroy it.
    lab.command("kill", "node-a");
    lab.command("start", "node-a");
    assertThat(outcome).isInstanceOf(PullCancelledException.class);
    assertThat((System.nanoTime() - cancelledAt) / 1_000_000_000L).isLessThan(20);
    assertThat(zfsB.listSnapshots(TANK).snapshots())
        .extracting(s -> s.name().shortName())
        .containsExactly("zferry-20261122-100000");
    assertThat(nodeB.exec("cat", "/tank/f").stdout()).isEqualTo("one\n");
  }

  private String mountpointOf(DatasetName dataset) {
    return zfsB.getProperty(dataset, PropertyName.of("mountpoint")).orElseThrow();
  }

  /**
   * The passive's copy is read-only. (zfs-fuse shows {@code readonly} as "off, temporary" while it
   * enforces it, so the write itself is the test.)
   */
  private void assertClientsCannotWriteOnB(String path) {
    var write = nodeB.exec("sh", "-c", "echo x > " + path);
    assertThat(write.exitCode()).as("write to " + path + " on node-b").isNotZero();
    assertThat(write.stderr()).contains("Read-only file system");
  }

  private static List<Guid> guidsOf(Zfs zfs) {
    return zfs.listSnapshots(TANK).snapshots().stream()
        .filter(s -> !Puller.isSetAside(s.dataset()))
        .map(Snapshot::guid)
        .sorted((a, b) -> Long.compareUnsigned(a.value(), b.value()))
        .toList();
  }

  private String mountpointOnB(DatasetName dataset) {
    return nodeB
        .exec("zfs", "get", "-H", "-o", "value", "mountpoint", dataset.value())
        .stdout()
        .strip();
  }
}
