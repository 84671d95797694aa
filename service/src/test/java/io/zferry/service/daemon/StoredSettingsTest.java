package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.zferry.lockstate.StateStore;
import io.zferry.service.api.ApiProblem;
import io.zferry.service.config.Settings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Stored settings are checked again before they are used: a bad row is left out and named, never
 * fatal; the peer's copy is refused at the door.
 */
class StoredSettingsTest {
  @Test
  void aStoredValueOutOfRangeIsLeftOutAndTheOthersStay() {
    Map<String, String> stored = new LinkedHashMap<>();
    stored.put("snapshotInterval", "1s");
    stored.put("retentionCount", "12");
    stored.put("colour", "blue");

    StoredSettings checked = StoredSettings.check(stored);

    assertThat(checked.valid()).containsExactly(Map.entry("retentionCount", "12"));
    assertThat(checked.problems())
        .containsExactly(
            "snapshotInterval=1s: 1s is below the minimum of 5s",
            "colour is not a setting that can be changed at run time (only snapshotInterval,"
                + " retentionCount, pullInterval)");
  }

  @Test
  void layeringABadStoredValueKeepsTheConfiguredOneInsteadOfFailing() {
    Settings file = Settings.DEFAULTS;

    Settings laid =
        RuntimeSettings.layer(
            file, Map.of("snapshotInterval", "0s", "pullInterval", "2m", "retentionCount", "-3"));

    assertThat(laid.snapshotInterval()).isEqualTo(file.snapshotInterval());
    assertThat(laid.retentionCount()).isEqualTo(file.retentionCount());
    assertThat(laid.pullInterval()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void thePeersChangeIsCheckedLikeTheGuisBeforeItIsStored() {
    ApiProblem outOfRange =
        catchThrowableOfType(
            ApiProblem.class,
            () ->
                new RuntimeSettings.PeerChange(
                        "tank", Map.of("retentionCount", "100000"), "alice@10.0.0.5")
                    .validate());
    assertThat(outOfRange.status()).isEqualTo(400);
    assertThat(outOfRange.error()).isEqualTo("retentionCount=100000: 100000 is out of range");

    assertThat(
            catchThrowableOfType(
                    ApiProblem.class,
                    () ->
                        new RuntimeSettings.PeerChange(
                                StateStore.CLUSTER_SCOPE, Map.of("stallTimeout", "1s"), "alice")
                            .validate())
                .error())
        .startsWith("stallTimeout is not a setting");
    assertThat(
            catchThrowableOfType(
                    ApiProblem.class,
                    () -> new RuntimeSettings.PeerChange(null, Map.of(), "alice").validate())
                .error())
        .isEqualTo("scope: missing");

    new RuntimeSettings.PeerChange("tank", Map.of("pullInterval", "30s"), "alice").validate();
  }
}
