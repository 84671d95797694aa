package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.fakes.FakeZfs;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.Remount;
import io.zferry.sync.pull.Puller;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Stopping writes for a switchover, and allowing them again, on a pool with a volume, a legacy
 * mountpoint, no mountpoint and canmount=off/noauto (issue: "stop writes" failed on OpenZFS).
 */
class PoolWritesTest {
  private static final DatasetName TANK = DatasetName.of("tank");
  private static final DatasetName DATA = TANK.child("data");
  private static final DatasetName VOL = TANK.child("vol");
  private static final DatasetName LEGACY = TANK.child("legacy");
  private static final DatasetName NONE = TANK.child("none");
  private static final DatasetName OFF = TANK.child("off");
  private static final DatasetName NOAUTO = TANK.child("noauto");
  private static final PropertyName READONLY = PropertyName.of("readonly");
  private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneId.of("UTC"));

  private FakeZfs pool(FakeZfs zfs) {
    zfs.createPool("tank", 1L << 30);
    zfs.createFilesystem(DATA);
    zfs.createVolume(VOL);
    for (DatasetName d : List.of(LEGACY, NONE, OFF, NOAUTO)) {
      zfs.createFilesystem(d);
    }
    zfs.setProperty(LEGACY, PropertyName.of("mountpoint"), "legacy");
    zfs.setProperty(NONE, PropertyName.of("mountpoint"), "none");
    zfs.setProperty(OFF, PropertyName.of("canmount"), "off");
    zfs.setProperty(NOAUTO, PropertyName.of("canmount"), "noauto");
    zfs.writeFile(DATA, "f", "before");
    zfs.writeFile(VOL, "blocks", "before");
    return zfs;
  }

  private static List<List<String>> mountCommands(FakeZfs zfs) {
    return zfs.commands().stream()
        .filter(c -> c.get(0).equals("mount") || c.get(0).equals("unmount"))
        .toList();
  }

  /**
   * Seen on OpenZFS 2.3 (SwitchoverOpenZfsIT): a dataset the passive received new and mounted while
   * the copy was read-only stayed "readonly on (temporary)" on the new active after a switchover,
   * and its clients got "Read-only file system".
   */
  @Test
  void onOpenZfsAFilesystemMountedWhilePassiveIsWritableOnceWritesAreAllowed() {
    FakeZfs zfs = pool(FakeZfs.openZfs("node-b", clock, 1)).mountsKeepTheirReadOnly();
    DatasetName received = TANK.child("with space");
    assertThat(PoolWrites.readOnly(zfs, TANK, true)).isEmpty();
    zfs.createFilesystem(received);

    assertThat(PoolWrites.readOnly(zfs, TANK, false)).isEmpty();

    zfs.writeFile(received, "f", "written on the new active");
    zfs.writeFile(DATA, "f", "after");
    assertThat(zfs.commands()).contains(List.of("mount", "-o", "remount,rw", "tank/with space"));
    assertThat(zfs.commands()).doesNotContain(List.of("mount", "-o", "remount,rw", "tank/data"));
  }

  @Test
  void onOpenZfsReadonlyStopsWritesWithoutUnmountingAnything() {
    FakeZfs zfs = pool(FakeZfs.openZfs("node-a", clock, 1));

    assertThat(PoolWrites.readOnly(zfs, TANK, true)).isEmpty();

    assertThat(mountCommands(zfs)).isEmpty();
    assertThat(zfs.isMounted(DATA)).isTrue();
    assertThatThrownBy(() -> zfs.writeFile(DATA, "f", "after")).hasMessageContaining("Read-only");
    assertThatThrownBy(() -> zfs.writeFile(VOL, "blocks", "after"))
        .hasMessageContaining("Read-only");
  }

  @Test
  void onOpenZfsAllowingWritesAgainIsTheMirror() {
    FakeZfs zfs = pool(FakeZfs.openZfs("node-a", clock, 1));
    PoolWrites.readOnly(zfs, TANK, true);

    assertThat(PoolWrites.readOnly(zfs, TANK, false)).isEmpty();

    assertThat(mountCommands(zfs)).isEmpty();
    assertThat(zfs.getOwnProperty(TANK, READONLY)).as("inherited, not a local off").isEmpty();
    zfs.writeFile(DATA, "f", "after");
    zfs.writeFile(VOL, "blocks", "after");
    assertThat(zfs.files(DATA)).containsKey("f");
  }

  @Test
  void onZfsFuseOnlyTheFilesystemsZfsMountsAreMountedAgain() {
    FakeZfs zfs = pool(FakeZfs.zfsFuse("node-a", clock, 1));

    assertThat(PoolWrites.readOnly(zfs, TANK, true)).isEmpty();

    assertThat(mountCommands(zfs))
        .containsExactly(
            List.of("unmount", "tank/data"),
            List.of("unmount", "tank"),
            List.of("mount", "tank"),
            List.of("mount", "tank/data"));
    assertThat(zfs.isMounted(TANK)).isTrue();
    assertThat(zfs.isMounted(DATA)).isTrue();
    assertThat(zfs.isMounted(NOAUTO)).as("not mounted by zferry").isTrue();
    assertThatThrownBy(() -> zfs.writeFile(DATA, "f", "after")).hasMessageContaining("Read-only");
  }

  @Test
  void onZfsFuseAllowingWritesAgainUnmountsNothing() {
    FakeZfs zfs = pool(FakeZfs.zfsFuse("node-a", clock, 1));
    PoolWrites.readOnly(zfs, TANK, true);
    int before = mountCommands(zfs).size();

    assertThat(PoolWrites.readOnly(zfs, TANK, false)).isEmpty();

    assertThat(mountCommands(zfs)).hasSize(before);
    zfs.writeFile(DATA, "f", "after");
  }

  @Test
  void ensureMountedLeavesVolumesLegacyAndNoautoAlone() {
    for (FakeZfs zfs :
        List.of(
            pool(FakeZfs.openZfs("node-a", clock, 1)), pool(FakeZfs.zfsFuse("node-b", clock, 2)))) {
      zfs.unmount(DATA);

      assertThat(Remount.ensureMounted(zfs, TANK, dataset -> Puller.isSetAside(dataset.dataset())))
          .as(zfs.capabilities().implementation())
          .isEmpty();

      assertThat(zfs.isMounted(DATA)).isTrue();
      assertThat(mountCommands(zfs))
          .as("only tank/data was mounted")
          .containsExactly(List.of("unmount", "tank/data"), List.of("mount", "tank/data"));
    }
  }
}
