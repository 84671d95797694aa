package io.zferry.service.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The timing rule between the packaged unit's watchdog and the witness's lease. */
class UnitWatchdogTest {
  private static final String BASE =
      """
      cluster:
        name: lab
        heartbeatInterval: %s
      nodes:
        - name: node-a
          address: 10.99.0.11
        - name: node-b
          address: 10.99.0.12
      services:
        - name: tank
          pool: tank
          preferredNode: node-a
      """;

  private static ZferryConfig config(String heartbeat, String witness) {
    return ConfigLoader.parse(BASE.formatted(heartbeat) + witness, "zferry.yaml");
  }

  private static String witness(String ttl, String margin) {
    return "witness:\n  endpoints: [http://10.0.0.3:2379]\n  ttl: "
        + ttl
        + "\n  safetyMargin: "
        + margin
        + "\n";
  }

  @Test
  void theDefaultLeaseLeavesRoomForAFrozenDaemonToBeKilledAndItsVipsDropped() {
    assertThat(UnitWatchdog.SHIPPED.check(config("1s", witness("30s", "10s")))).isEmpty();
    assertThat(UnitWatchdog.SHIPPED.frozenUntilVipsDown())
        .isLessThan(WitnessConfig.DEFAULT_TTL.minus(WitnessConfig.DEFAULT_SAFETY_MARGIN));
  }

  @Test
  void aLeaseDeadlineWithinTheWatchdogsReachIsRefusedNamingTheRule() {
    assertThat(UnitWatchdog.SHIPPED.check(config("1s", witness("24s", "7s"))))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("witness.ttl");
              assertThat(p.problem())
                  .contains("WatchdogSec=12s", "TimeoutAbortSec=3s", "ttl 24s - safetyMargin 7s");
              assertThat(p.fix()).contains("exceeds 17s");
            });
    assertThat(UnitWatchdog.SHIPPED.check(config("1s", witness("25s", "7s")))).isEmpty();
  }

  @Test
  void withoutAWitnessOnlyTheHeartbeatMustFitTheWatchdog() {
    assertThat(UnitWatchdog.SHIPPED.check(config("1s", ""))).isEmpty();
    assertThat(UnitWatchdog.SHIPPED.check(config("2s", "")))
        .singleElement()
        .satisfies(p -> assertThat(p.path()).isEqualTo("cluster.heartbeatInterval"));
  }

  @Test
  void aSlowerWatchdogNeedsALongerLease() {
    UnitWatchdog slow =
        new UnitWatchdog(Duration.ofSeconds(30), Duration.ofSeconds(3), Duration.ofSeconds(2));
    assertThat(slow.check(config("1s", witness("30s", "10s")))).hasSize(1);
    assertThat(slow.check(config("1s", witness("60s", "10s")))).isEmpty();
  }
}
