package io.zferry.service.cli;

import io.zferry.service.api.ApiCallException;
import io.zferry.service.operations.ActionReport;
import io.zferry.service.operations.Requests;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code zferry mark-sync-as-fixed SERVICE NODE1 NODE2}. */
@Command(
    name = "mark-sync-as-fixed",
    mixinStandardHelpOptions = true,
    description = {
      "Clear the sync lock of a service after an automatic failover, once you have looked at what"
          + " the old active node holds (zferry status; the divergence it reports).",
      "The old active keeps its data from after the last common snapshot as a rescue copy"
          + " (tank/zferry-aside-...), rolls back to that snapshot, and pulls from the active node;"
          + " then the lock is cleared on both nodes and replication resumes."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the lock is cleared on both nodes",
      "1:refused or failed (the lock stays; the message says why)",
      "2:wrong usage, or no readable token file"
    },
    footer = {
      "",
      "Examples:",
      "  zferry mark-sync-as-fixed tank node-a node-b",
      "  zferry mark-sync-as-fixed tank node-a node-b --discard-divergent   (no room for the copy)"
    })
final class MarkSyncAsFixedCommand implements Callable<Integer> {
  private static final Duration TIMEOUT = Duration.ofMinutes(40);

  @Parameters(index = "0", paramLabel = "SERVICE", description = "The locked service.")
  String service;

  @Parameters(index = "1", paramLabel = "NODE1", description = "One node of the cluster.")
  String node1;

  @Parameters(index = "2", paramLabel = "NODE2", description = "The other node.")
  String node2;

  @Option(
      names = "--discard-divergent",
      description =
          "Roll the old active back even if its pool has no room for a rescue copy; its data"
              + " from after the last common snapshot is then lost.")
  boolean discardDivergent;

  @Option(names = "--json", description = "Print the API's JSON answer.")
  boolean json;

  @Mixin ApiOptions apiOptions;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    String path = "/services/" + ServiceArgument.check(spec, service) + "/mark-sync-as-fixed";
    Requests.MarkSyncAsFixed request =
        new Requests.MarkSyncAsFixed(List.of(node1, node2), discardDivergent);
    try {
      if (json) {
        out.println(apiOptions.client(TIMEOUT).post(path, request, String.class));
      } else {
        ActionReport report = apiOptions.client(TIMEOUT).post(path, request, ActionReport.class);
        FailoverCommand.print(report, out);
        out.printf("sync of %s is unlocked on both nodes; replication resumes%n", service);
      }
    } catch (ApiCallException e) {
      throw ApiOptions.failure(e);
    }
    out.flush();
    return ZferryCli.OK;
  }
}
