package io.zferry.lockstate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The values at the store's API refuse what could not have been stored meaningfully. */
class StateStoreRecordsTest {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  void aSyncLockNeedsTheCommonSnapshotsNameAndGuidTogether() {
    assertThatThrownBy(
            () -> new SyncLock("failover", T0, "node-b", Optional.of("tank@s1"), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("both its name and its GUID");
    assertThat(
            SyncLock.of("failover", T0, "node-b").withLastCommon("tank@s1", "42").lastCommonGuid())
        .contains("42");
  }

  @Test
  void guidsMustBeCanonicalUnsignedDecimals() {
    assertThat(
            new AppliedSnapshot("tank", "node-a", "tank@s", "18446744073709551615", T0).guidValue())
        .isEqualTo(-1L);
    for (String bad : new String[] {"-1", "+1", "007", "18446744073709551616", "0x10", "", " 1"}) {
      assertThatThrownBy(() -> new AppliedSnapshot("tank", "node-a", "tank@s", bad, T0))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a ZFS GUID");
    }
  }

  @Test
  void namesRefuseWhitespaceAndControlCharacters() {
    assertThatThrownBy(() -> new ServiceState("tank\n", "node-a", 0, Optional.empty(), T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'tank\\u000a'");
    assertThatThrownBy(() -> new ServiceState("tank", "", 0, Optional.empty(), T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("active node is missing");
    assertThatThrownBy(() -> new ServiceState("tank", "node-a", -1, Optional.empty(), T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void anEventFilterRefusesAnEmptyRangeAndAnAbsurdLimit() {
    assertThatThrownBy(() -> EventFilter.latest(10).withFrom(T0).withUntil(T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("time range is empty");
    assertThatThrownBy(() -> EventFilter.latest(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit 0");
    assertThat(EventFilter.latest(5).withKinds(EventKind.FENCE).kinds())
        .isEqualTo(Set.of(EventKind.FENCE));
  }

  @Test
  void aFailedRunMustSayWhy() {
    assertThatThrownBy(
            () ->
                new ReplicationRun(
                    1,
                    "tank",
                    "node-a",
                    "node-b",
                    T0,
                    T0,
                    0,
                    RunResult.FAILED,
                    Optional.empty(),
                    Optional.of("  ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("replication run 1 of service 'tank' failed");
  }

  @Test
  void settingsRefuseNonsense() {
    assertThatThrownBy(() -> SqliteStateStore.Settings.DEFAULTS.withMaxEvents(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxEvents");
  }
}
