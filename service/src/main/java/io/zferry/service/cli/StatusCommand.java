package io.zferry.service.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zferry.service.status.StatusViews.NodeStatus;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.service.status.StatusViews.TransferView;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code zferry status}: what the local daemon reports, as text or JSON. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show this node's view of every service.",
    footer = {
      "",
      "Examples:",
      "  zferry status",
      "  zferry status --json | jq '.services[0].lagSeconds'"
    })
final class StatusCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print the API's JSON unchanged.")
  boolean json;

  @Option(
      names = "--api",
      paramLabel = "URL",
      description = "The daemon's API (default: ${DEFAULT-VALUE}).")
  URI api = URI.create("http://127.0.0.1:8330");

  @Override
  public Integer call() {
    String body;
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(api.resolve("/api/v1/status"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        System.err.println("zferry: the daemon at " + api + " answered " + response.statusCode());
        return ZferryCli.FAILED;
      }
      body = response.body();
    } catch (IOException e) {
      System.err.println(
          "zferry: no zferryd answers at "
              + api
              + " ("
              + e.getMessage()
              + "); is it running? (systemctl status zferryd)");
      return ZferryCli.FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ZferryCli.FAILED;
    }
    if (json) {
      System.out.println(body);
      return ZferryCli.OK;
    }
    try {
      NodeStatus status =
          new ObjectMapper()
              .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
              .readValue(body, NodeStatus.class);
      print(status, System.out);
      return ZferryCli.OK;
    } catch (IOException e) {
      System.err.println("zferry: the daemon's answer is not a status: " + e.getMessage());
      return ZferryCli.FAILED;
    }
  }

  static void print(NodeStatus status, PrintStream out) {
    out.printf("node %s, cluster %s, at %s%n", status.node(), status.cluster(), status.time());
    for (ServiceStatus s : status.services()) {
      out.printf(
          "%nservice %s (pool %s): %s here, active on %s, epoch %d%n",
          s.name(), s.pool(), s.role(), s.activeNode(), s.epoch());
      if (s.syncLocked()) {
        out.printf("  Failover occurred. Sync for %s is locked!%n", s.pool());
      }
      out.printf("  lag: %s%n", s.lagSeconds() == null ? "unknown" : s.lagSeconds() + " s");
      if (s.lastAppliedSnapshot() != null) {
        out.printf("  last applied: %s%n", s.lastAppliedSnapshot().name());
      }
      if (s.lastSnapshot() != null) {
        out.printf("  newest local snapshot: %s%n", s.lastSnapshot().name());
      }
      if (s.nextSnapshot() != null) {
        out.printf("  next snapshot: %s%n", s.nextSnapshot());
      }
      TransferView t = s.transfer();
      if (t != null) {
        out.printf(
            Locale.ROOT,
            "  transfer %s: %d bytes%s, %.1f MB/s%s%n",
            t.dataset(),
            t.bytesDone(),
            t.totalBytesEstimate() == null ? "" : " of ~" + t.totalBytesEstimate(),
            t.bytesPerSecond() / 1e6,
            t.etaSeconds() == null ? "" : ", " + t.etaSeconds() + " s left");
      }
      if (s.lastRun() != null) {
        out.printf(
            "  last pull: %s at %s%s%n",
            s.lastRun().result(),
            s.lastRun().finished(),
            s.lastRun().error() == null ? "" : " (" + s.lastRun().error() + ")");
      }
      if (!s.vips().isEmpty()) {
        out.printf("  VIPs: %s%n", String.join(", ", s.vips()));
      }
      out.printf(
          "  settings: snapshot every %s, keep %d, pull every %s (rollback window %s)%n",
          s.settings().snapshotInterval(),
          s.settings().retentionCount(),
          s.settings().pullInterval(),
          s.settings().rollbackWindow());
    }
  }
}
