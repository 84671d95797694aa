package io.zferry.service.cli;

import io.zferry.service.api.ApiCallException;
import io.zferry.service.api.ApiClient;
import io.zferry.service.status.StatusViews.NodeStatus;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.service.status.StatusViews.TransferView;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zferry status}: what the local daemon reports, as text or JSON. {@link #text} renders a
 * status exactly as the command prints it, for tools that read the API themselves.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show this node's view of every service.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the status was printed",
      "1:the daemon did not answer, or refused the request",
      "2:wrong usage, or no readable token file (or configuration naming it)"
    },
    footer = {
      "",
      "The token comes from the tokens file named in the configuration, which root on a node"
          + " can read; elsewhere pass --token-file and --api.",
      "",
      "Examples:",
      "  zferry status",
      "  zferry status --json | jq '.services[0].lagSeconds'",
      "  zferry status --api http://10.0.0.2:8330 --token-file ./api-tokens"
    })
public final class StatusCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print the API's JSON unchanged.")
  boolean json;

  @Mixin ApiOptions apiOptions;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ApiClient client = apiOptions.client();
    PrintWriter out = spec.commandLine().getOut();
    try {
      if (json) {
        out.println(client.get("/status", String.class));
      } else {
        print(client.get("/status", NodeStatus.class), out);
      }
    } catch (ApiCallException e) {
      throw ApiOptions.failure(e);
    }
    out.flush();
    return ZferryCli.OK;
  }

  /** The text {@code zferry status} prints for {@code status}. */
  public static String text(NodeStatus status) {
    java.io.StringWriter text = new java.io.StringWriter();
    PrintWriter out = new PrintWriter(text);
    print(status, out);
    out.flush();
    return text.toString();
  }

  static void print(NodeStatus status, PrintWriter out) {
    out.printf("node %s, cluster %s, at %s%n", status.node(), status.cluster(), status.time());
    for (ServiceStatus s : status.services()) {
      out.printf(
          "%nservice %s (pool %s): %s here, active on %s, epoch %d%n",
          s.name(), s.pool(), s.role(), s.activeNode(), s.epoch());
      if (s.state() != null) {
        out.printf("  state: %s%n", s.state());
      }
      if (s.syncLocked()) {
        out.printf("  Failover occurred. Sync for %s is locked!%n", s.pool());
        if (s.lock() != null) {
          out.printf(
              "    since %s by %s: %s%n", s.lock().since(), s.lock().lockedBy(), s.lock().reason());
          if (s.lock().lastCommonSnapshot() != null) {
            out.printf("    last common snapshot: %s%n", s.lock().lastCommonSnapshot());
          }
          out.printf(
              "    look: zferry divergence %s; then: zferry mark-sync-as-fixed %s NODE1 NODE2%n",
              s.name(), s.name());
        }
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
      if (s.keptForTransfer() != null && !s.keptForTransfer().isEmpty()) {
        out.printf(
            "  retention keeps %d snapshot(s) beyond its count for the passive's transfer: %s%n",
            s.keptForTransfer().size(), String.join(", ", s.keptForTransfer()));
      }
      TransferView t = s.transfer();
      if (t != null) {
        out.printf(
            Locale.ROOT,
            "  transfer %s: %d bytes%s, %.1f MB/s%s%n",
            t.dataset(),
            t.bytesDone(),
            estimate(t),
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
        out.printf(
            "  VIPs: %s (held here: %s)%n",
            String.join(", ", s.vips()),
            s.vipsHeld() == null || s.vipsHeld().isEmpty()
                ? "none"
                : String.join(", ", s.vipsHeld()));
      }
      if (s.vipProblems() != null) {
        s.vipProblems().forEach(p -> out.printf("  VIP problem: %s%n", p));
      }
      if (s.lastHooks() != null) {
        out.printf(
            "  last hooks: %s at %s: %s%n",
            s.lastHooks().phase(), s.lastHooks().at(), s.lastHooks().summary());
      }
      out.printf(
          "  settings: snapshot every %s, keep %d, pull every %s (rollback window %s)%n",
          s.settings().snapshotInterval(),
          s.settings().retentionCount(),
          s.settings().pullInterval(),
          s.settings().rollbackWindow());
    }
  }

  /** zfs send -nP counts data, not the stream's records: small streams exceed their estimate. */
  static String estimate(TransferView t) {
    if (t.totalBytesEstimate() == null) {
      return "";
    }
    return t.bytesDone() > t.totalBytesEstimate()
        ? " (estimated ~" + t.totalBytesEstimate() + ")"
        : " of ~" + t.totalBytesEstimate();
  }
}
