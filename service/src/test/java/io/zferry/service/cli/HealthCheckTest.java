package io.zferry.service.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.cli.HealthCheck.State;
import io.zferry.service.cli.HealthCheck.Thresholds;
import io.zferry.service.cli.HealthCheck.Verdict;
import io.zferry.service.status.StatusViews.HookView;
import io.zferry.service.status.StatusViews.NodeStatus;
import io.zferry.service.status.StatusViews.PassiveView;
import io.zferry.service.status.StatusViews.PeerStatus;
import io.zferry.service.status.StatusViews.RunView;
import io.zferry.service.testing.Statuses;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The verdict rules of zferry check, one by one; the passive's intervals are 5m and 1m. */
class HealthCheckTest {
  private static final PeerStatus PEER_UP = new PeerStatus("node-a", true, "2025-01-01T00:00:00Z");
  private static final PeerStatus PEER_DOWN =
      new PeerStatus("node-a", false, "2025-01-01T00:00:00Z");

  private static Verdict judge(PeerStatus peer, Statuses... services) {
    return judge(Thresholds.derivedPerService(), peer, services);
  }

  private static Verdict judge(Thresholds thresholds, PeerStatus peer, Statuses... services) {
    return HealthCheck.evaluate(
        new NodeStatus(
            "node-b",
            "lab",
            "2025-01-01T00:00:00Z",
            List.of(services).stream().map(Statuses::build).toList(),
            peer),
        thresholds,
        Optional.empty());
  }

  @Test
  void aHealthyPassiveIsOkWithItsLagAndPerformanceData() {
    Verdict verdict = judge(PEER_UP, Statuses.passive());

    assertThat(verdict.state()).isEqualTo(State.OK);
    assertThat(verdict.exitCode()).isZero();
    // 2 x (5m + 1m) = 720 s, 4 x = 1440 s
    assertThat(verdict.line())
        .isEqualTo(
            "ZFERRY OK - tank: passive, lag 30 s | tank_lag=30s;720;1440;0; tank_locked=0"
                + " tank_epoch=2");
  }

  @Test
  void aNodeHoldingForTheWitnessIsCriticalAndSaysWhy() {
    Verdict verdict =
        judge(
            PEER_DOWN,
            Statuses.passive()
                .withRole(
                    "holding: node-b owns the record at epoch 3, but the witness"
                        + " http://10.0.0.3:2379 did not answer (connect refused), and nobody"
                        + " serves without its lease"));

    assertThat(verdict.state()).isEqualTo(State.CRITICAL);
    assertThat(verdict.line())
        .contains("tank: serves nothing: node-b owns the record at epoch 3, but the witness");
  }

  @Test
  void defaultThresholdsAreTwiceAndFourTimesSnapshotPlusPullInterval() {
    Thresholds derived = HealthCheck.derived(Duration.ofMinutes(15), Duration.ofMinutes(3));

    assertThat(derived.lagWarning()).contains(Duration.ofMinutes(36));
    assertThat(derived.lagCritical()).contains(Duration.ofMinutes(72));
  }

  @Test
  void derivedThresholdsAreAtLeastOneAndTwoMinutes() {
    Thresholds derived = HealthCheck.derived(Duration.ofSeconds(5), Duration.ofSeconds(5));

    assertThat(derived.lagWarning()).contains(Duration.ofMinutes(1));
    assertThat(derived.lagCritical()).contains(Duration.ofMinutes(2));
  }

  @Test
  void lagAboveTheThresholdsWarnsThenIsCritical() {
    assertThat(judge(PEER_UP, Statuses.passive().withLag(720L)).state()).isEqualTo(State.OK);
    Verdict warning = judge(PEER_UP, Statuses.passive().withLag(721L));
    assertThat(warning.state()).isEqualTo(State.WARNING);
    assertThat(warning.exitCode()).isEqualTo(1);
    assertThat(warning.line()).startsWith("ZFERRY WARNING - tank: lag 721 s > 720 s |");
    Verdict critical = judge(PEER_UP, Statuses.passive().withLag(1441L));
    assertThat(critical.state()).isEqualTo(State.CRITICAL);
    assertThat(critical.exitCode()).isEqualTo(2);
  }

  @Test
  void givenThresholdsReplaceTheDerivedOnes() {
    Thresholds tight =
        new Thresholds(Optional.of(Duration.ofSeconds(10)), Optional.of(Duration.ofSeconds(20)));

    Verdict verdict = judge(tight, PEER_UP, Statuses.passive());

    assertThat(verdict.state()).isEqualTo(State.CRITICAL);
    assertThat(verdict.perfData()).startsWith("tank_lag=30s;10;20;0;");
  }

  @Test
  void anUnknownLagWarns() {
    Verdict verdict = judge(PEER_UP, Statuses.passive().withLag(null));

    assertThat(verdict.state()).isEqualTo(State.WARNING);
    assertThat(verdict.perfData()).startsWith("tank_lag=U;");
  }

  @Test
  void aSyncLockIsCriticalAndItsGrowingLagIsNotJudgedTwice() {
    Verdict verdict = judge(PEER_UP, Statuses.passive().withLocked(true).withLag(99_999L));

    assertThat(verdict.state()).isEqualTo(State.CRITICAL);
    assertThat(verdict.findings()).hasSize(1);
    assertThat(verdict.line())
        .contains("tank: sync locked after a failover")
        .contains("tank_locked=1");
  }

  @Test
  void anUnreachablePeerWarnsOnTheActiveButIsCriticalOnThePassive() {
    Verdict onActive = judge(PEER_DOWN, Statuses.passive().withRole("active"));
    assertThat(onActive.state()).isEqualTo(State.WARNING);
    assertThat(onActive.line()).contains("tank: peer node-a unreachable, nothing is replicated");

    Verdict onPassive = judge(PEER_DOWN, Statuses.passive());
    assertThat(onPassive.state()).isEqualTo(State.CRITICAL);
    assertThat(onPassive.line()).contains("tank: active node node-a unreachable");
  }

  @Test
  void ofSeveralPassivesEachUnreachableNodeIsNamedAndOnlyTheActiveIsCritical() {
    PeerStatus siblingDown = new PeerStatus("node-c", false, "2025-01-01T00:00:00Z");
    Verdict onPassive =
        HealthCheck.evaluate(
            new NodeStatus(
                "node-b",
                "lab",
                "2025-01-01T00:00:00Z",
                List.of(Statuses.passive().build()),
                PEER_UP,
                List.of(PEER_UP, siblingDown)),
            Thresholds.derivedPerService(),
            Optional.empty());
    assertThat(onPassive.state()).isEqualTo(State.WARNING);
    assertThat(onPassive.line()).contains("tank: passive node-c unreachable");

    Verdict onActive =
        HealthCheck.evaluate(
            new NodeStatus(
                "node-b",
                "lab",
                "2025-01-01T00:00:00Z",
                List.of(Statuses.passive().withRole("active").build()),
                PEER_UP,
                List.of(PEER_UP, siblingDown)),
            Thresholds.derivedPerService(),
            Optional.empty());
    assertThat(onActive.state()).isEqualTo(State.WARNING);
    assertThat(onActive.line())
        .contains("tank: passive node-c unreachable, nothing is replicated to it");
  }

  @Test
  void ofSeveralPassivesEachLagIsJudgedByItsOwnPullInterval() {
    // Snapshots every 5m. node-c pulls every minute: 2 x (5m + 1m) = 720 s, 4 x = 1440 s; the
    // off-site node-d pulls hourly: 2 x 65m = 7800 s, 4 x = 15600 s.
    List<PassiveView> fine =
        List.of(
            new PassiveView("node-c", true, 30L, null, "1m"),
            new PassiveView("node-d", true, 3700L, null, "1h"));
    Verdict healthy = judgeActive(Thresholds.derivedPerService(), fine);
    assertThat(healthy.state()).isEqualTo(State.OK);
    assertThat(healthy.line())
        .contains("tank_lag_node-c=30s;720;1440;0;")
        .contains("tank_lag_node-d=3700s;7800;15600;0;");

    // node-c stopped pulling: the service's lag (the smallest, node-d's) hides it no more.
    List<PassiveView> stopped =
        List.of(
            new PassiveView("node-c", true, 2000L, null, "1m"),
            new PassiveView("node-d", true, 1200L, null, "1h"));
    Verdict verdict = judgeActive(Thresholds.derivedPerService(), stopped);
    assertThat(verdict.state()).isEqualTo(State.CRITICAL);
    assertThat(verdict.line())
        .contains("tank: passive node-c: lag 2000 s > 1440 s")
        .doesNotContain("node-d: lag");

    // Thresholds the operator gives apply to every passive.
    Verdict given =
        judgeActive(
            new Thresholds(Optional.of(Duration.ofMinutes(10)), Optional.of(Duration.ofHours(1))),
            fine);
    assertThat(given.state()).isEqualTo(State.CRITICAL);
    assertThat(given.line()).contains("tank: passive node-d: lag 3700 s > 3600 s");

    // A passive that does not answer is named as unreachable, not as a lag it cannot tell.
    Verdict silent =
        judgeActive(
            Thresholds.derivedPerService(),
            List.of(
                new PassiveView("node-c", true, 30L, null, "1m"),
                new PassiveView("node-d", false, null, null, null)));
    assertThat(silent.state()).isEqualTo(State.OK);
    assertThat(silent.line()).contains("tank_lag_node-d=U;720;1440;0;");
  }

  private static Verdict judgeActive(Thresholds thresholds, List<PassiveView> passives) {
    return HealthCheck.evaluate(
        new NodeStatus(
            "node-b",
            "lab",
            "2025-01-01T00:00:00Z",
            List.of(Statuses.passive().withRole("active").feeding(passives)),
            PEER_UP),
        thresholds,
        Optional.empty());
  }

  @Test
  void aFailedLastPullWarnsWithItsErrorOnOneLine() {
    Verdict verdict =
        judge(
            PEER_UP,
            Statuses.passive()
                .withLastRun(
                    new RunView(
                        "2025-01-01T00:00:00Z",
                        "2025-01-01T00:00:01Z",
                        0,
                        "failed",
                        null,
                        "ssh: connection refused\nby node-a")));

    assertThat(verdict.state()).isEqualTo(State.WARNING);
    assertThat(verdict.line())
        .contains("tank: last pull failed: ssh: connection refused by node-a")
        .doesNotContain("\n");
  }

  @Test
  void aFailedPullOnTheActiveIsHistoryFromWhenItWasPassive() {
    Statuses active =
        Statuses.passive()
            .withRole("active")
            .withLastRun(
                new RunView(
                    "2025-01-01T00:00:00Z", "2025-01-01T00:00:01Z", 0, "failed", null, "x"));

    assertThat(judge(PEER_UP, active).state()).isEqualTo(State.OK);
  }

  @Test
  void vipProblemsAndFailedStartHooksOnTheActiveAreCritical() {
    assertThat(
            judge(PEER_UP, Statuses.passive().withVipProblems(List.of("10.99.0.100 held by x")))
                .state())
        .isEqualTo(State.CRITICAL);
    HookView failedStart = new HookView("start", "2025-01-01T00:00:00Z", false, "nfs: exit 1");
    assertThat(
            judge(PEER_UP, Statuses.passive().withRole("active").withLastHooks(failedStart))
                .state())
        .isEqualTo(State.CRITICAL);
    HookView failedStop = new HookView("stop", "2025-01-01T00:00:00Z", false, "nfs: exit 1");
    assertThat(judge(PEER_UP, Statuses.passive().withLastHooks(failedStop)).state())
        .isEqualTo(State.WARNING);
  }

  @Test
  void theWorstServiceDecidesAndProblemsComeWorstFirst() {
    Verdict verdict =
        judge(
            PEER_UP,
            Statuses.passive().named("backup").withLag(800L),
            Statuses.passive().withLocked(true),
            Statuses.passive().named("home"));

    assertThat(verdict.state()).isEqualTo(State.CRITICAL);
    assertThat(verdict.line())
        .startsWith("ZFERRY CRITICAL - tank: sync locked")
        .contains("; backup: lag 800 s > 720 s |")
        .doesNotContain("home: passive")
        .contains("home_lag=30s");
  }

  @Test
  void oneServiceCanBeCheckedAlone() {
    NodeStatus status =
        new NodeStatus(
            "node-b",
            "lab",
            "2025-01-01T00:00:00Z",
            List.of(
                Statuses.passive().withLocked(true).build(),
                Statuses.passive().named("home").build()),
            PEER_UP);

    assertThat(
            HealthCheck.evaluate(status, Thresholds.derivedPerService(), Optional.of("home"))
                .state())
        .isEqualTo(State.OK);
    Verdict missing =
        HealthCheck.evaluate(status, Thresholds.derivedPerService(), Optional.of("nope"));
    assertThat(missing.state()).isEqualTo(State.UNKNOWN);
    assertThat(missing.exitCode()).isEqualTo(3);
    assertThat(missing.line())
        .isEqualTo("ZFERRY UNKNOWN - node node-b has no service 'nope' (see zferry status)");
  }

  @Test
  void aDaemonThatCannotBeAskedIsUnknown() {
    Verdict verdict = HealthCheck.unknown("no zferryd answers at http://127.0.0.1:8330");

    assertThat(verdict.exitCode()).isEqualTo(3);
    assertThat(verdict.line())
        .isEqualTo("ZFERRY UNKNOWN - no zferryd answers at http://127.0.0.1:8330");
  }

  @Test
  void anActiveKeepingSnapshotsForThePassivesTransferSaysSoAndStaysOk() {
    Verdict verdict =
        HealthCheck.evaluate(
            new NodeStatus(
                "node-a",
                "lab",
                "2025-01-01T00:00:00Z",
                List.of(
                    Statuses.passive()
                        .withRole("active")
                        .build(List.of("tank/big@zferry-20250101-000000"))),
                PEER_UP),
            Thresholds.derivedPerService(),
            Optional.empty());

    assertThat(verdict.state()).isEqualTo(State.OK);
    assertThat(verdict.line())
        .startsWith(
            "ZFERRY OK - tank: active, lag 30 s, retention keeps 1 snapshot(s) for the passive's"
                + " transfer |");
  }
}
