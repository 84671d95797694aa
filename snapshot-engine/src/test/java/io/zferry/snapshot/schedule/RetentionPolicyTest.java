package io.zferry.snapshot.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  /** Own snapshots named by their minute offset from T0; "other:NAME" for foreign ones. */
  private static List<Snapshot> snaps(String... entries) {
    List<Snapshot> snapshots = new ArrayList<>();
    for (int i = 0; i < entries.length; i++) {
      String shortName =
          entries[i].startsWith("other:")
              ? entries[i].substring("other:".length())
              : SnapshotNaming.shortNameAt(T0.plusSeconds(60L * Integer.parseInt(entries[i])));
      snapshots.add(
          new Snapshot(
              SnapshotName.parse("tank@" + shortName),
              new Guid(100 + i),
              10L + i,
              T0.plusSeconds(i)));
    }
    return snapshots;
  }

  private static List<String> names(List<Snapshot> snapshots) {
    return snapshots.stream().map(s -> s.name().shortName()).toList();
  }

  @Test
  void keepsTheNewestAndExpiresTheRestOldestFirst() {
    List<Snapshot> all = snaps("0", "15", "30", "45", "60");
    assertThat(names(new RetentionPolicy(3).expired(all, Optional.empty())))
        .containsExactly("zferry-20261122-100000", "zferry-20261122-101500");
  }

  @Test
  void nothingExpiresWithinTheCount() {
    assertThat(new RetentionPolicy(5).expired(snaps("0", "15"), Optional.empty())).isEmpty();
  }

  @Test
  void neverTouchesSnapshotsItDidNotName() {
    List<Snapshot> all = snaps("other:before-upgrade", "0", "other:zferry-custom", "15", "30");
    assertThat(names(new RetentionPolicy(1).expired(all, Optional.empty())))
        .containsExactly("zferry-20261122-100000", "zferry-20261122-101500");
  }

  @Test
  void sparesWhatThePassiveLastAppliedAndEverythingAfterIt() {
    List<Snapshot> all = snaps("0", "15", "30", "45", "60");
    Guid appliedByPassive = all.get(1).guid();
    assertThat(names(new RetentionPolicy(2).expired(all, Optional.of(appliedByPassive))))
        .as("15 was reported; 30 may have been applied since, unreported")
        .containsExactly("zferry-20261122-100000");
  }

  @Test
  void aCurrentPassiveChangesNothing() {
    List<Snapshot> all = snaps("0", "15", "30", "45");
    assertThat(names(new RetentionPolicy(2).expired(all, Optional.of(all.get(3).guid()))))
        .containsExactly("zferry-20261122-100000", "zferry-20261122-101500");
  }

  @Test
  void aReportedSnapshotThatIsGoneSparesNothingExtra() {
    List<Snapshot> all = snaps("0", "15", "30");
    assertThat(names(new RetentionPolicy(1).expired(all, Optional.of(new Guid(999)))))
        .containsExactly("zferry-20261122-100000", "zferry-20261122-101500");
  }

  @Test
  void countIsValidated() {
    assertThatThrownBy(() -> new RetentionPolicy(0)).hasMessageContaining("out of range");
  }

  @Test
  void namingRoundTrip() {
    SnapshotName name = SnapshotName.parse("tank@" + SnapshotNaming.shortNameAt(T0));
    assertThat(name.shortName()).isEqualTo("zferry-20261122-100000");
    assertThat(SnapshotNaming.timestampOf(name)).hasValue(T0);
    assertThat(SnapshotNaming.isOwn(SnapshotName.parse("tank@zferry-manual"))).isFalse();
  }

  @Test
  void suffixedNamesOfATakenSecondAreOwnAndCarryTheirSecond() {
    assertThat(SnapshotNaming.shortNameAt(T0, 0)).isEqualTo("zferry-20261122-100000");
    assertThat(SnapshotNaming.shortNameAt(T0, 7)).isEqualTo("zferry-20261122-100000-7");
    SnapshotName suffixed = SnapshotName.parse("tank@zferry-20261122-100000-99");
    assertThat(SnapshotNaming.isOwn(suffixed)).isTrue();
    assertThat(SnapshotNaming.timestampOf(suffixed)).hasValue(T0);
    assertThatThrownBy(() -> SnapshotNaming.shortNameAt(T0, 100))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void namesThatOnlyResembleOwnOnesAreNotOwn() {
    for (String other :
        new String[] {
          "zferry-20261122-100000-0",
          "zferry-20261122-100000-100",
          "zferry-20261122-100000-x",
          "zferry-20261122-100000-",
          "zferry-rescue-20261122-100000",
          "zferry-20261122-1000001"
        }) {
      assertThat(SnapshotNaming.isOwn(SnapshotName.parse("tank@" + other))).as(other).isFalse();
    }
  }
}
