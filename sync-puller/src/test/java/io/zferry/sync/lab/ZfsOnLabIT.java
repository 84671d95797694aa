package io.zferry.sync.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.lab.Lab;
import io.zferry.lab.LabExtension;
import io.zferry.lab.LabNode;
import io.zferry.snapshot.schedule.RetentionPolicy;
import io.zferry.snapshot.schedule.SnapshotNaming;
import io.zferry.snapshot.schedule.SnapshotRound;
import io.zferry.snapshot.zfs.Capabilities;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotListing;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.snapshot.zfs.ZfsCommandException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The typed ZFS façade against a real zfs-fuse pool in a lab node. */
@ExtendWith(LabExtension.class)
class ZfsOnLabIT {
  private LabNode node;
  private Zfs zfs;
  private DatasetName root;

  @BeforeEach
  void createDataset(Lab lab) {
    node = lab.nodeA();
    zfs = node.zfs();
    root = DatasetName.of("tank/zfs-it");
    if (zfs.exists(root)) {
      zfs.destroyDataset(root, true);
    }
    zfs.createFilesystem(root);
  }

  @AfterEach
  void destroyDataset() {
    zfs.destroyDataset(root, true);
  }

  @Test
  void detectsZfsFuseCapabilities() {
    assertThat(zfs.capabilities()).isEqualTo(Capabilities.zfsFuse());
  }

  @Test
  void recursiveSnapshotIsListedWithExactGuidsInOneCall() {
    DatasetName child = root.child("child");
    zfs.createFilesystem(child);
    node.shell("echo hello > /tank/zfs-it/child/f");

    zfs.snapshot(root, "one", true);
    SnapshotListing listing = zfs.listSnapshots(root);

    assertThat(listing.snapshots())
        .extracting(s -> s.name().toString())
        .containsExactly("tank/zfs-it@one", "tank/zfs-it/child@one");
    String exactGuid =
        node.exec("zfs", "get", "-H", "-p", "-o", "value", "guid", "tank/zfs-it/child@one")
            .requireSuccess()
            .stdout()
            .strip();
    assertThat(listing.snapshots().get(1).guid()).hasToString(exactGuid);
    assertThat(listing.snapshots().get(0).createTxg())
        .isEqualTo(listing.snapshots().get(1).createTxg());
  }

  @Test
  void listsAThousandSnapshots() {
    node.shell(
        "for i in $(seq 1 1000); do echo \"tank/zfs-it@s$i\"; done | xargs -n 1 zfs snapshot");

    long start = System.nanoTime();
    List<Snapshot> snapshots = zfs.listSnapshots(root).snapshots();
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(snapshots).hasSize(1000);
    Set<String> guids = new HashSet<>();
    snapshots.forEach(s -> guids.add(s.guid().toString()));
    assertThat(guids).hasSize(1000);
    System.out.printf("listed 1000 snapshots in %d ms%n", millis);
  }

  @Test
  void rollbackRestoresDataAndDestroysLaterSnapshots() {
    node.shell("echo first > /tank/zfs-it/f");
    SnapshotName first = zfs.snapshot(root, "first", false);
    node.shell("echo second > /tank/zfs-it/f");
    zfs.snapshot(root, "second", false);

    zfs.rollback(first, true);

    assertThat(node.exec("cat", "/tank/zfs-it/f").stdout()).isEqualTo("first\n");
    assertThat(zfs.listSnapshots(root).snapshots())
        .extracting(s -> s.name().shortName())
        .containsExactly("first");
  }

  @Test
  void propertiesRoundTrip() {
    PropertyName role = PropertyName.of("io.zferry:role");
    assertThat(zfs.getProperty(root, role)).isEmpty();
    zfs.setProperty(root, role, "passive");
    assertThat(zfs.getProperty(root, role)).hasValue("passive");
    assertThat(zfs.getProperty(root, PropertyName.of("readonly"))).hasValue("off");
  }

  @Test
  void failuresAreTypedAndCarryArgvAndStderr() {
    DatasetName missing = DatasetName.of("tank/zfs-it-missing");
    assertThat(zfs.exists(missing)).isFalse();
    assertThatThrownBy(() -> zfs.snapshot(missing, "x", false))
        .isInstanceOfSatisfying(
            ZfsCommandException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(ZfsCommandException.Reason.NOT_FOUND);
              assertThat(e.argv()).containsExactly("zfs", "snapshot", "tank/zfs-it-missing@x");
              assertThat(e.exitCode()).isNotZero();
              assertThat(e.stderr()).contains("does not exist");
            });
    zfs.snapshot(root, "dup", false);
    assertThatThrownBy(() -> zfs.snapshot(root, "dup", false))
        .isInstanceOfSatisfying(
            ZfsCommandException.class,
            e -> assertThat(e.reason()).isEqualTo(ZfsCommandException.Reason.ALREADY_EXISTS));
  }

  @Test
  void aRoundInASecondWhoseNameIsTakenTakesANewSuffixedSnapshot() {
    // As after the clock stepped back onto names used before: the child has the name already.
    DatasetName child = root.child("child");
    zfs.createFilesystem(child);
    Instant second = Instant.parse("2026-11-22T10:00:00Z");
    zfs.snapshot(child, SnapshotNaming.shortNameAt(second), false);

    SnapshotName first = SnapshotRound.takeNewSnapshot(zfs, root, second);
    SnapshotName next = SnapshotRound.takeNewSnapshot(zfs, root, second);

    assertThat(first.shortName()).isEqualTo("zferry-20261122-100000-1");
    assertThat(next.shortName()).isEqualTo("zferry-20261122-100000-2");
    List<Snapshot> ofChild =
        zfs.listSnapshots(root).snapshots().stream()
            .filter(s -> s.dataset().equals(child))
            .toList();
    assertThat(ofChild).hasSize(3);
    assertThat(ofChild).allMatch(s -> SnapshotNaming.isOwn(s.name()));
    // Retention orders by creation, not by name: the suffixed ones are the newest.
    assertThat(new RetentionPolicy(2).expired(ofChild, java.util.Optional.empty()))
        .extracting(s -> s.name().shortName())
        .containsExactly("zferry-20261122-100000");
  }

  @Test
  void destroyingAMountedWrittenFilesystemSucceeds() {
    DatasetName busy = root.child("busy");
    zfs.createFilesystem(busy);
    node.shell("echo data > /tank/zfs-it/busy/f");
    zfs.destroyDataset(busy, true);
    assertThat(zfs.exists(busy)).isFalse();
  }
}
