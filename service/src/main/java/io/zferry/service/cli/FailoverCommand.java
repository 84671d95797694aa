package io.zferry.service.cli;

import io.zferry.service.api.ApiCallException;
import io.zferry.service.operations.ActionReport;
import io.zferry.service.operations.Requests;
import io.zferry.service.operations.Steps;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code zferry failover SERVICE [--to NODE] [--force]}. */
@Command(
    name = "failover",
    mixinStandardHelpOptions = true,
    description = {
      "Move a service to the other node.",
      "Without --force this is a switchover, which loses nothing: VIPs down, stop hooks, a final"
          + " snapshot, the passive pulls it, roles swap, start hooks, VIPs up on the new active."
          + " Any failing step puts the service back on the old active.",
      "With --force the node this command talks to becomes active on its own, for when its peer"
          + " is down and cannot agree (manual fencing policy, or a node that restarted alone)."
          + " Sync is then locked until mark-sync-as-fixed."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the service moved",
      "1:refused or failed (the message says why; after a failed switchover the old active"
          + " serves again)",
      "2:wrong usage, or no readable token file"
    },
    footer = {
      "",
      "Examples:",
      "  zferry failover tank                 switch over to the other node",
      "  zferry failover tank --to node-b",
      "  zferry failover tank --force         on node-b, once node-a is known to be down"
    })
final class FailoverCommand implements Callable<Integer> {
  // A switchover waits for the passive to apply the final snapshot.
  private static final Duration TIMEOUT = Duration.ofMinutes(40);

  @Parameters(
      index = "0",
      paramLabel = "SERVICE",
      description = "The service, as in zferry status.")
  String service;

  @Option(names = "--to", paramLabel = "NODE", description = "The node to make active.")
  String to;

  @Option(
      names = "--force",
      description = "Make this node active without its peer (the peer must be down).")
  boolean force;

  @Option(names = "--json", description = "Print the API's JSON answer.")
  boolean json;

  @Mixin ApiOptions apiOptions;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    String path = "/services/" + ServiceArgument.check(spec, service) + "/failover";
    Requests.Failover request = new Requests.Failover(to, force);
    try {
      if (json) {
        out.println(apiOptions.client(TIMEOUT).post(path, request, String.class));
        out.flush();
        return ZferryCli.OK;
      }
      if (force) {
        out.println(apiOptions.client(TIMEOUT).post(path, request, Requests.Done.class).result());
        out.flush();
        return ZferryCli.OK;
      }
      ActionReport report = apiOptions.client(TIMEOUT).post(path, request, ActionReport.class);
      print(report, out);
      out.flush();
      return report.ok() ? ZferryCli.OK : ZferryCli.FAILED;
    } catch (ApiCallException e) {
      throw ApiOptions.failure(e);
    }
  }

  static void print(ActionReport report, PrintWriter out) {
    for (Steps.Step step : report.steps()) {
      out.printf(
          "  %-4s %-45s %6d ms%s%n",
          step.ok() ? "ok" : "FAIL",
          step.name(),
          step.millis(),
          step.detail().isEmpty() ? "" : "  " + step.detail());
    }
    out.printf("%s (%d ms)%n", report.summary(), report.millis());
  }
}
