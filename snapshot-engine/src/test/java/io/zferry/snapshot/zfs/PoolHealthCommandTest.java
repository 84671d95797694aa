package io.zferry.snapshot.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.snapshot.zfs.CapabilityDetectionTest.Scripted;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pool health probe is one zpool command of argv, on the pool that holds the dataset. */
class PoolHealthCommandTest {
  @Test
  void asksZpoolForThePoolOfTheDataset() {
    CliZfs zfs =
        new CliZfs(
            new Scripted(
                Map.of("zpool list -H -o health tank", new String[] {"0", "SUSPENDED\n", ""})));
    assertThat(zfs.poolHealth(DatasetName.of("tank/data"), Duration.ofSeconds(5)))
        .isEqualTo("SUSPENDED");
  }

  @Test
  void zpoolBesideAConfiguredZfsProgram() {
    CliZfs zfs =
        new CliZfs(
            new Scripted(
                Map.of(
                    "/opt/zfs/bin/zpool list -H -o health tank",
                    new String[] {"0", "ONLINE\n", ""})),
            "/opt/zfs/bin/zfs",
            Duration.ofMinutes(1));
    assertThat(zfs.poolHealth(DatasetName.of("tank"), Duration.ofSeconds(5))).isEqualTo("ONLINE");
  }

  @Test
  void aFailingZpoolIsAZfsCommandException() {
    CliZfs zfs =
        new CliZfs(
            new Scripted(
                Map.of(
                    "zpool list -H -o health tank",
                    new String[] {"1", "", "cannot open 'tank': no such pool\n"})));
    assertThatThrownBy(() -> zfs.poolHealth(DatasetName.of("tank"), Duration.ofSeconds(5)))
        .isInstanceOf(ZfsCommandException.class)
        .hasMessageContaining("no such pool");
  }

  private static final String[] ZFS_FUSE_LIST_P = {"2", "", "invalid option 'p'\n"};

  @Test
  void zfsFuseShowsASuspendedPoolAsOnlineAndSaysItInItsStatus() {
    CliZfs zfs =
        new CliZfs(
            new Scripted(
                Map.of(
                    "zfs version",
                    new String[] {"1", "", "unrecognized command 'version'\n"},
                    "zfs list -H -p -o name",
                    ZFS_FUSE_LIST_P,
                    "zpool list -H -o health tank",
                    new String[] {"0", "ONLINE\n", ""},
                    "zpool status tank",
                    new String[] {
                      "0",
                      "  pool: tank\n state: ONLINE\nstatus: One or more devices are faulted in"
                          + " response to IO failures.\n   see: http://www.sun.com/msg/ZFS-8000-HC\n",
                      ""
                    })));
    assertThat(zfs.poolHealth(DatasetName.of("tank/data"), Duration.ofSeconds(5)))
        .isEqualTo("SUSPENDED");
  }

  @Test
  void aHealthyZfsFusePoolStaysOnline() {
    CliZfs zfs =
        new CliZfs(
            new Scripted(
                Map.of(
                    "zfs version",
                    new String[] {"1", "", "unrecognized command 'version'\n"},
                    "zfs list -H -p -o name",
                    ZFS_FUSE_LIST_P,
                    "zpool list -H -o health tank",
                    new String[] {"0", "ONLINE\n", ""},
                    "zpool status tank",
                    new String[] {
                      "0", "  pool: tank\n state: ONLINE\n scrub: none requested\n", ""
                    })));
    assertThat(zfs.poolHealth(DatasetName.of("tank"), Duration.ofSeconds(5))).isEqualTo("ONLINE");
  }
}
