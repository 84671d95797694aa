package io.zferry.sync.pull;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.SnapshotName;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a rollback of snapshots zferry's schedule did not take is announced. */
class ForeignRollbackTest {
  static final DatasetName TANK = DatasetName.of("tank");
  static final SnapshotName COMMON = TANK.snapshot("zferry-20261205-163841");
  static final SnapshotName RECEIVING = TANK.snapshot("zferry-20261205-164643");
  static final SnapshotName RESCUE = TANK.snapshot("zferry-rescue-20261205-164644");
  static final SnapshotName OPERATOR = TANK.snapshot("operator-before-upgrade");

  static String describe(SnapshotName... snapshots) {
    return new ForeignRollback(TANK, COMMON, List.of(snapshots), RECEIVING).describe();
  }

  @Test
  void zferrysOwnRescueSnapshotIsNotCalledAnotherTools() {
    assertThat(describe(RESCUE))
        .isEqualTo(
            "zferry's rescue snapshot(s) [tank@zferry-rescue-20261205-164644] on the passive, taken"
                + " before its resync, held no data after zferry-20261205-163841 and are rolled"
                + " back to receive zferry-20261205-164643")
        .doesNotContain("not taken by zferry");
  }

  @Test
  void anOperatorsSnapshotIsNamedAsNotZferrys() {
    assertThat(describe(OPERATOR))
        .startsWith(
            "snapshot(s) [tank@operator-before-upgrade] on the passive, not taken by zferry,")
        .doesNotContain("rescue");
  }

  @Test
  void bothKindsAreNamedApart() {
    assertThat(describe(OPERATOR, RESCUE))
        .startsWith(
            "snapshot(s) [tank@operator-before-upgrade] on the passive, not taken by zferry, and"
                + " zferry's rescue snapshot(s) [tank@zferry-rescue-20261205-164644], held no data");
  }
}
