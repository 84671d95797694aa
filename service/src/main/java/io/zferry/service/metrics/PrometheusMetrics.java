package io.zferry.service.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.zferry.lockstate.RunResult;
import io.zferry.service.metrics.NodeSample.ServiceSample;
import io.zferry.service.status.StatusViews.ServiceStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Renders a {@link NodeSample} in the Prometheus text format. Pure: the same sample gives the same
 * text. Every metric is named {@code zferry_*}, carries the labels {@code service} and {@code node}
 * where it concerns a service, and follows Prometheus's unit suffixes; docs/metrics.md lists them.
 */
public final class PrometheusMetrics {
  /** The content type of the text format, version 0.0.4. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private static final String[] ROLES = {"active", "passive"};

  private PrometheusMetrics() {}

  /** The exposition text of {@code sample}. */
  public static String text(NodeSample sample) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, snapshots(sample));
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory", e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The metrics of {@code sample}, in the order docs/metrics.md lists them. */
  public static MetricSnapshots snapshots(NodeSample sample) {
    String node = sample.node();
    List<ServiceSample> services = sample.services();
    List<MetricSnapshot> metrics = new ArrayList<>();
    metrics.add(
        gauge(
            "zferry_info",
            "Always 1; the labels name the cluster, this node and zferry's version.",
            List.of(
                point(
                    1,
                    Labels.of(
                        "cluster", sample.cluster(), "node", node, "version", sample.version())))));
    metrics.add(
        gauge(
            "zferry_peer_up",
            "1 if the peer node's API answered the last heartbeat in time, else 0.",
            sample.peers().stream()
                .map(p -> point(p.up() ? 1 : 0, Labels.of("node", node, "peer", p.name())))
                .toList()));
    List<GaugeDataPointSnapshot> answers = new ArrayList<>();
    for (NodeSample.PeerSample p : sample.peers()) {
      p.lastAnswer()
          .ifPresent(
              at -> answers.add(point(seconds(at), Labels.of("node", node, "peer", p.name()))));
    }
    if (!answers.isEmpty()) {
      metrics.add(
          gauge(
              "zferry_peer_last_answer_timestamp_seconds",
              "When the peer node's API last answered a heartbeat (Unix time).",
              answers));
    }

    List<GaugeDataPointSnapshot> roles = new ArrayList<>();
    for (ServiceSample s : services) {
      for (String role : ROLES) {
        roles.add(point(role.equals(s.status().role()) ? 1 : 0, labels(s, node).add("role", role)));
      }
    }
    metrics.add(
        gauge(
            "zferry_service_role",
            "1 for the role this node has for the service (active or passive), 0 for the other.",
            roles));
    metrics.add(
        gauge(
            "zferry_service_epoch",
            "The service's epoch on this node: +1 on every change of owner.",
            each(services, node, s -> (double) s.status().epoch())));
    metrics.add(
        gauge(
            "zferry_sync_locked",
            "1 while the service's sync is locked after an automatic failover, else 0.",
            each(services, node, s -> s.status().syncLocked() ? 1.0 : 0.0)));
    metrics.add(
        gauge(
            "zferry_replication_lag_seconds",
            "Age of the newest snapshot the passive node applied: the data at risk. On the active"
                + " node, as the passive reports it (of several, the most up-to-date one's)."
                + " Absent while unknown.",
            each(
                services,
                node,
                s -> s.status().lagSeconds() == null ? null : (double) s.status().lagSeconds())));
    List<GaugeDataPointSnapshot> passiveLags = new ArrayList<>();
    for (ServiceSample s : services) {
      for (var passive : s.status().passives()) {
        if (passive.lagSeconds() != null) {
          passiveLags.add(
              point(passive.lagSeconds(), labels(s, node).add("passive", passive.node())));
        }
      }
    }
    metrics.add(
        gauge(
            "zferry_passive_lag_seconds",
            "On the active node, each passive's lag as it reports it (an off-site one may pull"
                + " hourly); zferry_replication_lag_seconds is the smallest. Absent while unknown.",
            passiveLags));
    metrics.add(
        gauge(
            "zferry_replication_last_success_timestamp_seconds",
            "When this node's last successful pull ended (Unix time). Absent if none is on record.",
            each(
                services,
                node,
                s -> s.lastSuccessfulPull().map(PrometheusMetrics::seconds).orElse(null))));
    metrics.add(
        gauge(
            "zferry_replication_transfer_in_progress",
            "1 while this node pulls the service's snapshots, else 0.",
            each(services, node, s -> s.status().transfer() == null ? 0.0 : 1.0)));
    metrics.add(
        gauge(
            "zferry_replication_transfer_rate_bytes_per_second",
            "Rate of the pull under way on this node; 0 when none runs.",
            each(
                services,
                node,
                s ->
                    s.status().transfer() == null ? 0.0 : s.status().transfer().bytesPerSecond())));
    metrics.add(
        counter(
            "zferry_replication_received_bytes",
            "Bytes of zfs send streams this node pulled from the active node (sent by it) since"
                + " zferryd started.",
            eachCount(services, node, s -> (double) s.counts().bytesPulled())));
    List<CounterDataPointSnapshot> runs = new ArrayList<>();
    for (ServiceSample s : services) {
      for (RunResult result : RunResult.values()) {
        runs.add(
            count(
                s.counts().runs().getOrDefault(result, 0L),
                labels(s, node).add("result", result.name().toLowerCase(Locale.ROOT))));
      }
    }
    metrics.add(
        counter(
            "zferry_replication_runs",
            "Pulls this node finished since zferryd started, by result (ok, failed, diverged,"
                + " skipped).",
            runs));
    metrics.add(
        gauge(
            "zferry_snapshots",
            "Snapshots of the service's pool (its root dataset) held by this node.",
            each(
                services,
                node,
                s -> s.snapshots().isPresent() ? (double) s.snapshots().getAsLong() : null)));
    List<CounterDataPointSnapshot> fences = new ArrayList<>();
    for (ServiceSample s : services) {
      fences.add(count(s.counts().fencesSucceeded(), labels(s, node).add("result", "ok")));
      fences.add(count(s.counts().fencesFailed(), labels(s, node).add("result", "failed")));
    }
    metrics.add(
        counter(
            "zferry_fence_attempts",
            "Fence commands this node ran against its peer since zferryd started, by result.",
            fences));
    List<CounterDataPointSnapshot> errors = new ArrayList<>();
    for (ServiceSample s : services) {
      for (NodeCounters.ErrorKind kind : NodeCounters.ErrorKind.values()) {
        errors.add(
            count(
                s.counts().errors().getOrDefault(kind, 0L),
                labels(s, node).add("kind", kind.label())));
      }
    }
    metrics.add(
        counter(
            "zferry_errors",
            "Errors on this node since zferryd started, by kind: pull (a pull failed), divergence"
                + " (this node holds snapshots the active lacks), fence (a fence command failed).",
            errors));
    metrics.add(
        gauge(
            "zferry_vip_problems",
            "Problems with the service's virtual IPs that this node reports now.",
            each(
                services,
                node,
                s ->
                    s.status().vipProblems() == null
                        ? 0.0
                        : (double) s.status().vipProblems().size())));
    metrics.add(
        gauge(
            "zferry_hooks_failed",
            "1 if the last start or stop hooks run on this node failed, else 0.",
            each(
                services,
                node,
                s -> s.status().lastHooks() == null || s.status().lastHooks().ok() ? 0.0 : 1.0)));
    List<CounterDataPointSnapshot> commands = new ArrayList<>();
    sample
        .zfsCommands()
        .forEach(
            (host, counts) ->
                counts.forEach(
                    (command, n) ->
                        commands.add(count(n, Labels.of("host", host, "command", command)))));
    metrics.add(
        counter(
            "zferry_zfs_commands",
            "Commands this node's zferryd ran since it started, by the host they ran on (this"
                + " node, or its peer through SSH) and what they do (zfs list, zfs send, ...).",
            commands));
    return new MetricSnapshots(metrics);
  }

  private static Labels labels(ServiceSample s, String node) {
    ServiceStatus status = s.status();
    return Labels.of("service", status.name(), "node", node);
  }

  /** One point per service; a null value leaves the service out (unknown, not zero). */
  private static List<GaugeDataPointSnapshot> each(
      List<ServiceSample> services, String node, Function<ServiceSample, Double> value) {
    List<GaugeDataPointSnapshot> points = new ArrayList<>();
    for (ServiceSample s : services) {
      Double v = value.apply(s);
      if (v != null) {
        points.add(point(v, labels(s, node)));
      }
    }
    return points;
  }

  private static List<CounterDataPointSnapshot> eachCount(
      List<ServiceSample> services, String node, Function<ServiceSample, Double> value) {
    List<CounterDataPointSnapshot> points = new ArrayList<>();
    for (ServiceSample s : services) {
      points.add(count(value.apply(s), labels(s, node)));
    }
    return points;
  }

  private static GaugeSnapshot gauge(
      String name, String help, List<GaugeDataPointSnapshot> points) {
    return new GaugeSnapshot(new MetricMetadata(name, help), points);
  }

  /**
   * @param name without {@code _total}, which the text format adds
   */
  private static CounterSnapshot counter(
      String name, String help, List<CounterDataPointSnapshot> points) {
    return new CounterSnapshot(new MetricMetadata(name, help), points);
  }

  private static GaugeDataPointSnapshot point(double value, Labels labels) {
    return GaugeDataPointSnapshot.builder().value(value).labels(labels).build();
  }

  private static CounterDataPointSnapshot count(double value, Labels labels) {
    return CounterDataPointSnapshot.builder().value(value).labels(labels).build();
  }

  private static double seconds(Instant at) {
    return at.toEpochMilli() / 1000.0;
  }
}
