package io.zferry.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.config.UnitWatchdog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The unit's watchdog timing is what {@code zferry config check} holds a witness's lease against:
 * the two must change together.
 */
class UnitTimingTest {
  private static List<String> unit() throws IOException {
    return Files.readAllLines(Path.of("zferryd.service"));
  }

  @Test
  void theShippedUnitHasTheWatchdogTimingThatConfigCheckAssumes() throws IOException {
    assertThat(unit())
        .contains(
            "WatchdogSec=" + UnitWatchdog.SHIPPED.watchdog().toSeconds() + "s",
            "TimeoutAbortSec=" + UnitWatchdog.SHIPPED.abort().toSeconds() + "s",
            "ExecStopPost=/usr/lib/zferry/zferry-drop-vips /var/lib/zferry/vips-held");
  }
}
