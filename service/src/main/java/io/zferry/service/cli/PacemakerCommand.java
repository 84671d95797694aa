package io.zferry.service.cli;

import io.zferry.service.api.ApiCallException;
import io.zferry.service.operations.Requests;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code zferry pacemaker ACTION SERVICE}: what the resource agent ocf:zferry:service runs for
 * Pacemaker's start, stop, promote and demote (its monitor reads zferryd's report file instead, so
 * that no JVM starts at every monitor).
 */
@Command(
    name = "pacemaker",
    mixinStandardHelpOptions = true,
    description = {
      "Pacemaker's actions on this node's instance of a service (cluster.manager: pacemaker); the"
          + " resource agent ocf:zferry:service runs them, operators use pcs (docs/pacemaker.md).",
      "start: follow the owner and pull from it. stop: demote first if serving, then neither serve"
          + " nor pull. demote: stop hooks, read-only, a final snapshot; the record stays. promote:"
          + " pull the owner's final snapshot and take the record over (nothing lost), or, if the"
          + " owner does not answer (Pacemaker fenced it), take over with this node's copy and lock"
          + " the sync. status: what the monitor reads."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:refused or failed (the message says why)",
      "2:wrong usage, or no readable token file"
    },
    footer = {"", "Examples:", "  zferry pacemaker promote tank", "  zferry pacemaker status tank"})
final class PacemakerCommand implements Callable<Integer> {
  // A promotion pulls the owner's final snapshot: Pacemaker's own promote timeout bounds it.
  private static final Duration TIMEOUT = Duration.ofMinutes(30);

  @Parameters(
      index = "0",
      paramLabel = "ACTION",
      description = "start, stop, promote, demote or status.")
  String action;

  @Parameters(index = "1", paramLabel = "SERVICE", description = "The service.")
  String service;

  @Mixin ApiOptions apiOptions;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    String path = "/services/" + ServiceArgument.check(spec, service) + "/pacemaker";
    try {
      switch (action) {
        case "status" -> out.println(apiOptions.client(TIMEOUT).get(path, String.class));
        case "start", "stop", "promote", "demote" ->
            out.println(
                apiOptions
                    .client(TIMEOUT)
                    .post(path + "/" + action, new Requests.PacemakerAction(), Requests.Done.class)
                    .result());
        default ->
            throw new picocli.CommandLine.ParameterException(
                spec.commandLine(),
                "unknown action '" + action + "': use start, stop, promote, demote or status");
      }
    } catch (ApiCallException e) {
      throw ApiOptions.failure(e);
    }
    out.flush();
    return ZferryCli.OK;
  }
}
