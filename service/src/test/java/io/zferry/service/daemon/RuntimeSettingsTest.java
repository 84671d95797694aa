package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.zferry.lockstate.StateStore;
import io.zferry.service.api.ApiProblem;
import io.zferry.service.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The GUI's settings are checked with the configuration's rules and laid over the config. */
class RuntimeSettingsTest {
  private static ApiProblem refused(RuntimeSettings.Change change) {
    return catchThrowableOfType(ApiProblem.class, change::validate);
  }

  @Test
  void valuesAreCheckedWithTheConfigRangesAndNamedByTheirField() {
    ApiProblem low = refused(new RuntimeSettings.Change(null, "2s", "40", "3m"));
    assertThat(low.status()).isEqualTo(400);
    assertThat(low.error()).isEqualTo("snapshotInterval: 2s is below the minimum of 5s");
    assertThat(low.fix()).isEqualTo("use a duration from 5s to 7d");

    assertThat(refused(new RuntimeSettings.Change(null, "5 minutes", "40", "3m")).error())
        .startsWith("snapshotInterval: ");
    assertThat(refused(new RuntimeSettings.Change("tank", "5m", "forty", "3m")).error())
        .isEqualTo("retentionCount: 'forty' is not a whole number");
    assertThat(refused(new RuntimeSettings.Change("tank", "5m", "0", "3m")).error())
        .isEqualTo("retentionCount: 0 is out of range");
    assertThat(refused(new RuntimeSettings.Change("tank", "5m", "40", "2d")).error())
        .isEqualTo("pullInterval: 2d is above the maximum of 1d");
  }

  @Test
  void goodValuesComeOutInCanonicalForm() {
    assertThat(new RuntimeSettings.Change(null, " 15m ", "040", "180s").values())
        .containsExactly(
            Map.entry("snapshotInterval", "15m"),
            Map.entry("retentionCount", "40"),
            Map.entry("pullInterval", "3m"));
  }

  @Test
  void theServicesOwnChangesWinOverTheClustersWhichWinOverTheFile() {
    Settings file = Settings.DEFAULTS;
    Settings cluster =
        RuntimeSettings.layer(file, Map.of("snapshotInterval", "5m", "pullInterval", "30s"));
    Settings service = RuntimeSettings.layer(cluster, Map.of("snapshotInterval", "1m"));

    assertThat(service.snapshotInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(service.pullInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(service.retentionCount()).isEqualTo(file.retentionCount());
    assertThat(service.passiveHold()).isEqualTo(file.passiveHold());
    assertThat(RuntimeSettings.layer(file, null)).isSameAs(file);
    assertThat(StateStore.CLUSTER_SCOPE).isNotBlank();
  }
}
