package io.zferry.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lockstate.RunResult;
import io.zferry.service.metrics.NodeSample.ServiceSample;
import io.zferry.service.status.StatusViews.TransferView;
import io.zferry.service.testing.Statuses;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PrometheusMetricsTest {
  private static final Instant LAST_PULL = Instant.parse("2025-01-01T00:00:02Z");

  private static NodeSample sample(ServiceSample... services) {
    return new NodeSample(
        "lab",
        "node-b",
        "0.1.0",
        "node-a",
        true,
        Optional.of(Instant.parse("2025-01-01T00:00:05Z")),
        List.of(services),
        java.util.Map.of());
  }

  private static ServiceSample tank(Statuses status, NodeCounters counters) {
    return new ServiceSample(
        status.build(), OptionalLong.of(12), Optional.of(LAST_PULL), counters.counts("tank"));
  }

  @Test
  void theActiveExportsTheLagOfEachPassive() {
    io.zferry.service.status.StatusViews.ServiceStatus base =
        Statuses.passive().withRole("active").withLag(5L).build();
    List<io.zferry.service.status.StatusViews.PassiveView> passives =
        List.of(
            new io.zferry.service.status.StatusViews.PassiveView("node-a", true, 5L, null, "5s"),
            new io.zferry.service.status.StatusViews.PassiveView("node-c", true, 3600L, null, "1h"),
            new io.zferry.service.status.StatusViews.PassiveView(
                "node-d", false, null, null, null));
    var status =
        new io.zferry.service.status.StatusViews.ServiceStatus(
            base.name(),
            base.pool(),
            base.activeNode(),
            base.role(),
            base.epoch(),
            base.syncLocked(),
            base.lagSeconds(),
            base.lastAppliedSnapshot(),
            base.lastSnapshot(),
            base.vips(),
            base.transfer(),
            base.lastRun(),
            base.nextSnapshot(),
            base.settings(),
            base.state(),
            base.lock(),
            base.vipsHeld(),
            base.vipProblems(),
            base.lastHooks(),
            base.keptForTransfer(),
            passives);
    NodeCounters counters = new NodeCounters();
    String text =
        PrometheusMetrics.text(
            sample(
                new ServiceSample(
                    status, OptionalLong.of(12), Optional.of(LAST_PULL), counters.counts("tank"))));

    assertThat(text)
        .contains("# TYPE zferry_passive_lag_seconds gauge")
        .contains(
            "zferry_passive_lag_seconds{node=\"node-b\",passive=\"node-a\",service=\"tank\"} 5.0")
        .contains(
            "zferry_passive_lag_seconds{node=\"node-b\",passive=\"node-c\",service=\"tank\"}"
                + " 3600.0")
        .doesNotContain("passive=\"node-d\"")
        .contains("zferry_replication_lag_seconds{node=\"node-b\",service=\"tank\"} 5.0");
  }

  @Test
  void countsTheCommandsRunOnEachHostByWhatTheyDo() {
    NodeSample sample =
        new NodeSample(
            "lab",
            "node-b",
            "0.1.0",
            "node-a",
            true,
            Optional.empty(),
            List.of(),
            java.util.Map.of(
                "node-b", java.util.Map.of("zfs list", 7L, "zfs receive", 2L),
                "node-a", java.util.Map.of("zfs send", 2L)));

    String text = PrometheusMetrics.text(sample);

    assertThat(text)
        .contains("# TYPE zferry_zfs_commands_total counter")
        .contains("zferry_zfs_commands_total{command=\"zfs list\",host=\"node-b\"} 7.0")
        .contains("zferry_zfs_commands_total{command=\"zfs receive\",host=\"node-b\"} 2.0")
        .contains("zferry_zfs_commands_total{command=\"zfs send\",host=\"node-a\"} 2.0");
  }

  @Test
  void rendersTheStatusOfEachServiceWithServiceAndNodeLabels() {
    String text = PrometheusMetrics.text(sample(tank(Statuses.passive(), new NodeCounters())));

    assertThat(text)
        .contains("# TYPE zferry_replication_lag_seconds gauge")
        .contains("zferry_replication_lag_seconds{node=\"node-b\",service=\"tank\"} 30.0")
        .contains("zferry_service_epoch{node=\"node-b\",service=\"tank\"} 2.0")
        .contains("zferry_sync_locked{node=\"node-b\",service=\"tank\"} 0.0")
        .contains("zferry_service_role{node=\"node-b\",role=\"passive\",service=\"tank\"} 1.0")
        .contains("zferry_service_role{node=\"node-b\",role=\"active\",service=\"tank\"} 0.0")
        .contains("zferry_snapshots{node=\"node-b\",service=\"tank\"} 12.0")
        .contains(
            "zferry_replication_last_success_timestamp_seconds{node=\"node-b\",service=\"tank\"}"
                + " 1.735689602E9")
        .contains("zferry_peer_up{node=\"node-b\",peer=\"node-a\"} 1.0")
        .contains("zferry_info{cluster=\"lab\",node=\"node-b\",version=\"0.1.0\"} 1.0")
        .contains("zferry_replication_transfer_in_progress{node=\"node-b\",service=\"tank\"} 0.0");
  }

  @Test
  void countersCountPullsFencesAndErrorsByKind() {
    NodeCounters counters = new NodeCounters();
    counters.pulled("tank", 1000, RunResult.OK);
    counters.pulled("tank", 24, RunResult.OK);
    counters.pulled("tank", 0, RunResult.FAILED);
    counters.pulled("tank", 0, RunResult.DIVERGED);
    counters.fenced("tank", false);
    counters.fenced("tank", true);

    String text = PrometheusMetrics.text(sample(tank(Statuses.passive(), counters)));

    assertThat(text)
        .contains("# TYPE zferry_replication_received_bytes_total counter")
        .contains(
            "zferry_replication_received_bytes_total{node=\"node-b\",service=\"tank\"} 1024.0")
        .contains(
            "zferry_replication_runs_total{node=\"node-b\",result=\"ok\",service=\"tank\"} 2.0")
        .contains(
            "zferry_replication_runs_total{node=\"node-b\",result=\"failed\",service=\"tank\"} 1.0")
        .contains("zferry_fence_attempts_total{node=\"node-b\",result=\"ok\",service=\"tank\"} 1.0")
        .contains(
            "zferry_fence_attempts_total{node=\"node-b\",result=\"failed\",service=\"tank\"} 1.0")
        .contains("zferry_errors_total{kind=\"pull\",node=\"node-b\",service=\"tank\"} 1.0")
        .contains("zferry_errors_total{kind=\"divergence\",node=\"node-b\",service=\"tank\"} 1.0")
        .contains("zferry_errors_total{kind=\"fence\",node=\"node-b\",service=\"tank\"} 1.0");
  }

  @Test
  void anUnknownLagIsLeftOutRatherThanShownAsZero() {
    String text =
        PrometheusMetrics.text(sample(tank(Statuses.passive().withLag(null), new NodeCounters())));

    assertThat(text)
        .doesNotContain("zferry_replication_lag_seconds{")
        .contains("zferry_service_epoch{node=\"node-b\",service=\"tank\"} 2.0");
  }

  @Test
  void aTransferUnderWayShowsItsRateAndALockShowsOne() {
    Statuses status =
        Statuses.passive()
            .withLocked(true)
            .withTransfer(new TransferView("tank", "incremental", 10, 100L, 2.5e6, 1L, false));

    String text = PrometheusMetrics.text(sample(tank(status, new NodeCounters())));

    assertThat(text)
        .contains("zferry_sync_locked{node=\"node-b\",service=\"tank\"} 1.0")
        .contains("zferry_replication_transfer_in_progress{node=\"node-b\",service=\"tank\"} 1.0")
        .contains(
            "zferry_replication_transfer_rate_bytes_per_second{node=\"node-b\",service=\"tank\"}"
                + " 2500000.0");
  }

  @Test
  void everyMetricIsNamedByPrometheusConventionsAndHasHelp() {
    String text =
        PrometheusMetrics.text(
            sample(
                tank(Statuses.passive(), new NodeCounters()),
                tank(Statuses.passive().named("backup"), new NodeCounters())));

    Matcher types = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$").matcher(text);
    int found = 0;
    while (types.find()) {
      found++;
      String name = types.group(1);
      assertThat(name).startsWith("zferry_").matches("[a-z_]+");
      assertThat(text).contains("# HELP " + name + " ");
      if (types.group(2).equals("counter")) {
        assertThat(name).endsWith("_total");
      } else {
        assertThat(name).doesNotEndWith("_total");
      }
    }
    assertThat(found).isGreaterThanOrEqualTo(15);
    assertThat(text).contains("zferry_service_epoch{node=\"node-b\",service=\"backup\"} 2.0");
  }
}
