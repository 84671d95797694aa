package io.zferry.service.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.zferry.service.api.ApiCallException;
import io.zferry.service.api.ApiClient;
import io.zferry.service.config.DurationText;
import io.zferry.service.status.StatusViews.NodeStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code zferry check}: a Nagios-style plugin over the local daemon's status. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Print a one-line verdict on this node's services for a monitoring system (Nagios, Icinga,"
          + " Checkmk, Zabbix), with performance data after '|'.",
      "CRITICAL: sync locked after a failover; lag above the critical threshold; the active node"
          + " unreachable from the passive; divergence; a VIP problem; failed start hooks on the"
          + " active node. WARNING: lag above the warning threshold or unknown; the peer"
          + " unreachable from the active (clients are still served, nothing is replicated); the"
          + " last pull failed; other failed hooks.",
      "Lag thresholds default to 2x and 4x (snapshot interval + pull interval) of each service:"
          + " 36m and 72m with the default 15m and 3m; at least 1m and 2m."
    },
    exitCodeListHeading = "%nExit codes (Nagios plugin convention):%n",
    exitCodeList = {
      "0:OK",
      "1:WARNING",
      "2:CRITICAL",
      "3:UNKNOWN: the daemon did not answer or refused, no readable token file, or wrong usage"
    },
    footer = {
      "",
      "Examples:",
      "  zferry check",
      "    ZFERRY OK - tank: passive, lag 41 s | tank_lag=41s;2160;4320;0; tank_locked=0 tank_epoch=3",
      "  zferry check --service tank --lag-warning 10m --lag-critical 30m",
      "  zferry check --json",
      "",
      "For NRPE, which runs as user nagios: give it a copy of the tokens file holding only a token"
          + " of its own (zferry token new --file /etc/nagios/zferry-token nagios, then add that"
          + " line to the cluster's tokens file) and pass --token-file."
    })
final class CheckCommand implements Callable<Integer> {
  @Option(
      names = "--service",
      paramLabel = "SERVICE",
      description = "Judge only this service (default: every service of the node).")
  String service;

  @Option(
      names = "--lag-warning",
      paramLabel = "DURATION",
      description = "WARNING above this lag, such as 30m (default: derived per service).")
  String lagWarning;

  @Option(
      names = "--lag-critical",
      paramLabel = "DURATION",
      description = "CRITICAL above this lag, such as 1h (default: derived per service).")
  String lagCritical;

  @Option(names = "--json", description = "Print the verdict as JSON (same exit code).")
  boolean json;

  /**
   * A monitoring check's own limit: inside the plugin time-outs of Nagios and NRPE (10 s for
   * check_nrpe), so a busy node gives UNKNOWN with a reason rather than the monitor's time-out.
   */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Mixin ApiOptions apiOptions;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    HealthCheck.Thresholds thresholds =
        new HealthCheck.Thresholds(
            duration("--lag-warning", lagWarning), duration("--lag-critical", lagCritical));
    if (thresholds.lagWarning().isPresent()
        && thresholds.lagCritical().isPresent()
        && thresholds.lagWarning().get().compareTo(thresholds.lagCritical().get()) > 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--lag-warning " + lagWarning + " is above --lag-critical " + lagCritical);
    }
    HealthCheck.Verdict verdict;
    try {
      ApiClient client = apiOptions.client(TIMEOUT);
      NodeStatus status = client.get("/status", NodeStatus.class);
      verdict = HealthCheck.evaluate(status, thresholds, Optional.ofNullable(service));
    } catch (CliFailure e) {
      verdict = HealthCheck.unknown(e.getMessage());
    } catch (ApiCallException e) {
      verdict = HealthCheck.unknown(ApiOptions.failure(e).getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(json ? json(verdict) : verdict.line());
    out.flush();
    return verdict.exitCode();
  }

  private Optional<Duration> duration(String option, String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(DurationText.parse(text));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), option + ": " + e.getMessage() + " (such as 30m or 1h)");
    }
  }

  private static String json(HealthCheck.Verdict verdict) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("state", verdict.state().name());
    answer.put("exitCode", verdict.exitCode());
    answer.put("findings", verdict.findings());
    answer.put("perfData", verdict.perfData());
    answer.put("line", verdict.line());
    try {
      return new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(answer);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
