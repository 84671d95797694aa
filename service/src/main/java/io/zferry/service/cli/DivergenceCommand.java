package io.zferry.service.cli;

import io.zferry.service.api.ApiCallException;
import io.zferry.service.operations.DivergenceReport;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code zferry divergence SERVICE}. */
@Command(
    name = "divergence",
    mixinStandardHelpOptions = true,
    description =
        "Show what the old active node holds after the last snapshot it shares with the active"
            + " node: its own snapshots, bytes written and changed paths where ZFS can tell. Look"
            + " at it before mark-sync-as-fixed.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the report was printed",
      "1:refused or failed (a node did not answer)",
      "2:wrong usage, or no readable token file"
    },
    footer = {"", "Examples:", "  zferry divergence tank", "  zferry divergence tank --json"})
final class DivergenceCommand implements Callable<Integer> {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  @Parameters(index = "0", paramLabel = "SERVICE", description = "The service.")
  String service;

  @Option(names = "--json", description = "Print the API's JSON answer.")
  boolean json;

  @Mixin ApiOptions apiOptions;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    String path = "/services/" + ServiceArgument.check(spec, service) + "/divergence";
    try {
      if (json) {
        out.println(apiOptions.client(TIMEOUT).get(path, String.class));
      } else {
        print(apiOptions.client(TIMEOUT).get(path, DivergenceReport.class), out);
      }
    } catch (ApiCallException e) {
      throw ApiOptions.failure(e);
    }
    out.flush();
    return ZferryCli.OK;
  }

  private static void print(DivergenceReport report, PrintWriter out) {
    if (report.datasets().isEmpty()) {
      out.printf(
          "%s holds nothing that %s lacks (%s)%n",
          report.node(), report.activeNode(), report.note());
      return;
    }
    out.printf("%s holds data that %s lacks:%n", report.node(), report.activeNode());
    for (DivergenceReport.DatasetDivergence d : report.datasets()) {
      out.printf(
          "%n  %s, after %s%n",
          d.dataset(), d.lastCommon() == null ? "(no common snapshot)" : d.lastCommon());
      if (!d.snapshotsAfter().isEmpty()) {
        out.printf("    its own snapshots: %s%n", String.join(", ", d.snapshotsAfter()));
      }
      if (d.writtenBytes() != null) {
        out.printf("    bytes written: %d%n", d.writtenBytes());
      } else if (d.referencedChangeBytes() != null) {
        out.printf("    size change: %+d bytes%n", d.referencedChangeBytes());
      }
      if (d.changedPaths() != null) {
        d.changedPaths().forEach(p -> out.printf("    %s%n", p));
      }
    }
    out.printf("%n%s%n", report.note());
  }
}
