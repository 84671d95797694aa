package io.zferry.service.cli;

import static io.zferry.service.testing.TokenFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zferry.service.api.ApiServer;
import io.zferry.service.api.Authentication;
import io.zferry.service.api.BearerTokenAuthenticator;
import io.zferry.service.api.auth.Access;
import io.zferry.service.api.auth.ApiToken;
import io.zferry.service.api.auth.ApiTokens;
import io.zferry.service.api.auth.FailureRateLimiter;
import io.zferry.service.status.StatusViews.NodeStatus;
import io.zferry.service.status.StatusViews.PeerStatus;
import io.zferry.service.testing.Statuses;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** zferry check, config check and version, and the help of every command. */
class OperatorCommandsTest {
  private static final PeerStatus PEER_UP = new PeerStatus("node-a", true, "2025-01-01T00:00:00Z");

  @TempDir Path dir;

  private final ApiToken cli = ApiToken.generate("cli", new SecureRandom());
  private final AtomicReference<NodeStatus> status = new AtomicReference<>();
  private ApiServer server;
  private String api;
  private Path tokens;

  record Run(int exitCode, String out, String err) {}

  @BeforeEach
  void start() throws Exception {
    tokens = write(dir.resolve("api-tokens"), "cli " + cli.secret() + "\n", "rw-------");
    server =
        new ApiServer(
            "127.0.0.1",
            0,
            new Authentication(
                List.of(new BearerTokenAuthenticator(new ApiTokens(List.of(cli)))),
                FailureRateLimiter.withDefaults(Clock.systemUTC())),
            routes -> routes.get("/status", Access.READ_OR_PEER, request -> status.get()));
    server.start();
    api = "http://127.0.0.1:" + server.port();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void serve(Statuses... services) {
    status.set(
        new NodeStatus(
            "node-b",
            "lab",
            "2025-01-01T00:00:00Z",
            List.of(services).stream().map(Statuses::build).toList(),
            PEER_UP));
  }

  @Test
  void checkPrintsOneNagiosLineAndExitsWithItsState() {
    serve(Statuses.passive());
    Run ok = zferry("check", "--api", api, "--token-file", tokens.toString());
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(ok.out())
        .startsWith("ZFERRY OK - tank: passive, lag 30 s | tank_lag=30s;720;1440;0;");
    assertThat(ok.out().lines()).hasSize(1);

    serve(Statuses.passive().withLocked(true));
    Run critical = zferry("check", "--api", api, "--token-file", tokens.toString());
    assertThat(critical.exitCode()).isEqualTo(2);
    assertThat(critical.out()).startsWith("ZFERRY CRITICAL - tank: sync locked");

    serve(Statuses.passive());
    Run warning =
        zferry(
            "check",
            "--lag-warning",
            "20s",
            "--lag-critical",
            "1m",
            "--api",
            api,
            "--token-file",
            tokens.toString());
    assertThat(warning.exitCode()).isEqualTo(1);
    assertThat(warning.out()).startsWith("ZFERRY WARNING - tank: lag 30 s > 20 s");
  }

  @Test
  void checkJsonHasTheStateAndTheFindings() throws Exception {
    serve(Statuses.passive().withLag(5000L));
    Run run = zferry("check", "--json", "--api", api, "--token-file", tokens.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    JsonNode answer = new ObjectMapper().readTree(run.out());
    assertThat(answer.get("state").asText()).isEqualTo("CRITICAL");
    assertThat(answer.get("findings").get(0).get("message").asText())
        .isEqualTo("tank: lag 5000 s > 1440 s");
  }

  /**
   * A daemon that takes the connection and never answers (busy or hung) is told apart from one that
   * does not listen, and --timeout sets how long the command waits.
   */
  @Test
  void aDaemonThatAcceptsButDoesNotAnswerIsNamedAsSuchAfterTheTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      String url = "http://127.0.0.1:" + silent.getLocalPort();
      Run status = zferry("status", "--timeout", "1s", "--api", url, "--token-file", "" + tokens);
      assertThat(status.exitCode()).isEqualTo(1);
      assertThat(status.err())
          .contains("zferryd at " + url + "/api/v1/status accepted the connection")
          .contains("did not answer within 1s")
          .contains("--timeout");

      Run check = zferry("check", "--timeout", "1s", "--api", url, "--token-file", "" + tokens);
      assertThat(check.exitCode()).isEqualTo(3);
      assertThat(check.out()).startsWith("ZFERRY UNKNOWN - zferryd at " + url);
    }
    serve(Statuses.passive());
    Run patient = zferry("status", "--timeout", "2m", "--api", api, "--token-file", "" + tokens);
    assertThat(patient.exitCode()).as(patient.err()).isZero();
  }

  @Test
  void aTimeoutThatIsNotADurationIsAUsageError() {
    for (String bad : List.of("soon", "0s", "1.5s")) {
      Run run = zferry("status", "--timeout", bad, "--api", api, "--token-file", "" + tokens);
      assertThat(run.exitCode()).as(bad).isEqualTo(2);
      assertThat(run.err()).as(bad).contains("--timeout");
    }
  }

  @Test
  void checkIsUnknownWhenTheDaemonDoesNotAnswerOrTheUsageIsWrong() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Run down =
        zferry("check", "--api", "http://127.0.0.1:" + port, "--token-file", tokens.toString());
    assertThat(down.exitCode()).isEqualTo(3);
    assertThat(down.out())
        .startsWith("ZFERRY UNKNOWN - no zferryd answers at http://127.0.0.1:" + port);

    Run noTokens = zferry("check", "--api", api, "--token-file", dir.resolve("none").toString());
    assertThat(noTokens.exitCode()).isEqualTo(3);
    assertThat(noTokens.out()).startsWith("ZFERRY UNKNOWN - token file");

    Run badOption = zferry("check", "--lag-warning", "soon");
    assertThat(badOption.exitCode()).isEqualTo(3);
    assertThat(badOption.err()).contains("--lag-warning");
  }

  @Test
  void configCheckAcceptsTheSampleWithoutItsFiles() {
    Run run = zferry("config", "check", "--skip-files", sample().toString());

    assertThat(run.exitCode()).as(run.out()).isZero();
    assertThat(run.out()).contains(": valid: 2 node(s), 1 service(s)");
  }

  @Test
  void configCheckNamesEveryProblemWithItsKeyAndFixAndExits1() throws Exception {
    Path config = dir.resolve("zferry.yaml");
    Files.writeString(
        config,
        """
        cluster:
          name: lab
          heartbeatInterval: fast
        nodes:
          - name: node-a
            address: 10.0.0.1
            sshPort: 99999
          - name: node-b
            address: 10.0.0.2
        services:
          - name: tank
            pool: tank
            preferredNode: node-c
        """);

    Run run = zferry("config", "check", config.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains(config + ": cluster.heartbeatInterval: ")
        .contains(config + ": nodes[0].sshPort: ")
        .contains("services[0].preferredNode")
        .contains(" — ")
        .contains(config + ": 3 problems");
  }

  @Test
  void configCheckReportsTheMissingFilesItNamesByKey() throws Exception {
    Path config = dir.resolve("zferry.yaml");
    Files.writeString(
        config,
        """
        cluster: {name: lab}
        ssh: {privateKey: %1$s/id_ed25519, knownHosts: %1$s/known_hosts}
        api: {tokensFile: %1$s/no-tokens}
        state: {database: %1$s/state/state.db}
        nodes:
          - {name: node-a, address: 10.0.0.1}
          - {name: node-b, address: 10.0.0.2}
        services:
          - name: tank
            pool: tank
            preferredNode: node-a
            hooks: {start: [%1$s/start-nfs]}
        """
            .formatted(dir));

    Run run = zferry("config", "check", "--json", config.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains("\"key\" : \"ssh.privateKey\"")
        .contains("\"key\" : \"ssh.knownHosts\"")
        .contains("\"key\" : \"api.tokensFile\"")
        .contains("\"key\" : \"state.database\"")
        .contains("\"key\" : \"services[0].hooks.start[0]\"")
        .contains("\"valid\" : false");
  }

  @Test
  void configCheckOfAMissingFileSaysSo() {
    Run run = zferry("config", "check", dir.resolve("nothing.yaml").toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("nothing.yaml: the file does not exist");
  }

  @Test
  void versionPrintsTheVersionAlsoAsJson() throws Exception {
    assertThat(zferry("version").out()).startsWith("zferry ");
    assertThat(new ObjectMapper().readTree(zferry("version", "--json").out()).has("version"))
        .isTrue();
    assertThat(zferry("--version").out()).startsWith("zferry ");
  }

  @Test
  void everyCommandHasHelpWithExamplesAndEveryReadCommandHasJson() {
    CommandLine root = ZferryCli.commandLine();
    assertThat(zferry("--help").out()).contains("Examples:").contains("Exit codes:");
    for (String name : List.of("status", "check", "divergence", "config check", "version")) {
      CommandLine command = root;
      for (String part : name.split(" ")) {
        command = command.getSubcommands().get(part);
      }
      assertThat(command.getCommandSpec().findOption("--json")).as(name).isNotNull();
    }
    for (String name :
        List.of(
            "status",
            "check",
            "failover",
            "divergence",
            "mark-sync-as-fixed",
            "config",
            "version")) {
      Run help = zferry("help", name);
      assertThat(help.exitCode()).as(name).isZero();
      if (!name.equals("config")) {
        assertThat(help.out()).as(name).contains("Examples:");
      }
    }
  }

  private static Path sample() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path candidate = d.resolve("packaging/zferry.yaml");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("packaging/zferry.yaml not found");
  }

  private static Run zferry(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ZferryCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }
}
