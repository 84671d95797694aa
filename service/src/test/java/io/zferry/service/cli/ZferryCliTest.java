package io.zferry.service.cli;

import static io.zferry.service.testing.TokenFiles.mode;
import static io.zferry.service.testing.TokenFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.zferry.service.api.ApiServer;
import io.zferry.service.api.Authentication;
import io.zferry.service.api.BearerTokenAuthenticator;
import io.zferry.service.api.auth.Access;
import io.zferry.service.api.auth.ApiToken;
import io.zferry.service.api.auth.ApiTokens;
import io.zferry.service.api.auth.FailureRateLimiter;
import io.zferry.service.api.auth.Role;
import io.zferry.service.api.auth.TokenFile;
import io.zferry.service.config.TwoNodeYaml;
import io.zferry.service.status.StatusViews.NodeStatus;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.service.status.StatusViews.SettingsView;
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

/** The zferry command against a real API server; exit codes 0 ok, 1 failed, 2 usage. */
class ZferryCliTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final NodeStatus STATUS =
      new NodeStatus(
          "node-a",
          "lab",
          "2025-01-01T00:00:00Z",
          List.of(
              new ServiceStatus(
                  "tank",
                  "tank",
                  "node-a",
                  "active",
                  3,
                  false,
                  null,
                  null,
                  null,
                  List.of("10.99.0.100/24"),
                  null,
                  null,
                  "2025-01-01T00:15:00Z",
                  new SettingsView("15m", 40, "3m", "10h"),
                  "active",
                  null,
                  List.of("10.99.0.100/24"),
                  List.of(),
                  null,
                  List.of(),
                  List.of())));

  @TempDir Path dir;

  private final ApiToken peer = ApiToken.generate("peer", RANDOM);
  private final ApiToken cli = ApiToken.generate("cli", RANDOM);
  private final AtomicReference<String> who = new AtomicReference<>();
  private ApiServer server;
  private String api;
  private Path tokens;

  /** What a run printed. */
  record Run(int exitCode, String out, String err) {}

  @BeforeEach
  void start() throws Exception {
    tokens =
        write(
            dir.resolve("api-tokens"),
            "peer " + peer.secret() + "\ncli " + cli.secret() + "\n",
            "rw-------");
    server =
        new ApiServer(
            "127.0.0.1",
            0,
            new Authentication(
                List.of(new BearerTokenAuthenticator(new ApiTokens(List.of(peer, cli)))),
                FailureRateLimiter.withDefaults(Clock.systemUTC())),
            routes ->
                routes.get(
                    "/status",
                    Access.READ_OR_PEER,
                    request -> {
                      who.set(request.caller().who());
                      return STATUS;
                    }));
    server.start();
    api = "http://127.0.0.1:" + server.port();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void statusPrintsTheNodesViewAndExits0() {
    Run run = zferry("status", "--api", api, "--token-file", tokens.toString());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
    assertThat(run.out())
        .contains("node node-a, cluster lab")
        .contains("service tank (pool tank): active here");
    assertThat(who.get()).as("the CLI sends the token labelled cli").isEqualTo("token:cli");
  }

  @Test
  void statusJsonPrintsTheApiAnswer() throws Exception {
    Run run = zferry("status", "--json", "--api", api, "--token-file", tokens.toString());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
    assertThat(new ObjectMapper().readValue(run.out(), NodeStatus.class)).isEqualTo(STATUS);
  }

  @Test
  void withoutOptionsTheTokenFileAndThePortComeFromTheConfig() throws Exception {
    Path config = dir.resolve("zferry.yaml");
    Files.writeString(
        config,
        TwoNodeYaml.with(
            "api:", "  port: " + server.port(), "  tokensFile: " + tokens, "  tls: off"));

    Run run = zferry("status", "--config", config.toString());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
    assertThat(run.out()).contains("node node-a");
  }

  @Test
  void aNodeWithoutItsCertificateIsToldHowToMakeIt() throws Exception {
    Path config = dir.resolve("zferry.yaml");
    Path missing = dir.resolve("tls/node.pem");
    Files.writeString(
        config,
        TwoNodeYaml.with(
            "api:",
            "  port: " + server.port(),
            "  tokensFile: " + tokens,
            "  tls:",
            "    certificate: " + missing));

    Run run = zferry("status", "--config", config.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("api.tls.certificate " + missing + " does not exist")
        .contains("zferry setup-tls NODE")
        .contains("api.tls: off")
        .doesNotContain("Exception");
  }

  @Test
  void aDaemonThatIsDownExits1NamingTheUrl() throws Exception {
    String closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = "http://127.0.0.1:" + socket.getLocalPort();
    }
    Run run = zferry("status", "--api", closed, "--token-file", tokens.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("zferry: no zferryd answers at " + closed + "/api/v1/status")
        .contains("is it running?");
  }

  @Test
  void aRefusedTokenExits1WithTheDaemonsErrorAndFix() throws Exception {
    Path other =
        write(
            dir.resolve("other-tokens"),
            "cli " + ApiToken.generate("cli", RANDOM).secret() + "\n",
            "rw-------");
    Run run = zferry("status", "--api", api, "--token-file", other.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("answered 401").contains("same file");
    assertThat(run.err()).doesNotContain(cli.secret());
  }

  @Test
  void badUsageExits2() {
    assertThat(zferry("status", "--no-such-option").exitCode()).isEqualTo(2);
    assertThat(zferry("no-such-command").exitCode()).isEqualTo(2);
    assertThat(zferry().exitCode()).isEqualTo(2);
    assertThat(zferry("status", "--api", "not a url", "--token-file", tokens.toString()).exitCode())
        .isEqualTo(2);
    assertThat(zferry("status", "--api", "ftp://x", "--token-file", tokens.toString()).exitCode())
        .isEqualTo(2);
  }

  @Test
  void aMissingTokenFileExits2WithTheFix() {
    Path missing = dir.resolve("nope");
    Run run = zferry("status", "--api", api, "--token-file", missing.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("zferry: token file " + missing + " does not exist")
        .contains("zferry token new")
        .contains("--token-file");
  }

  @Test
  void anExposedTokenFileExits2WithChmod() throws Exception {
    write(tokens, Files.readString(tokens), "rw-r--r--");
    Run run = zferry("status", "--api", api, "--token-file", tokens.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("chmod 600 " + tokens).doesNotContain(cli.secret());
  }

  @Test
  void aMissingConfigWithoutATokenFileExits2() {
    Path missing = dir.resolve("zferry.yaml");
    Run run = zferry("status", "--api", api, "--config", missing.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("configuration " + missing + " does not exist")
        .contains("--token-file");
  }

  @Test
  void helpDocumentsTheExitCodes() {
    Run run = zferry("status", "--help");
    assertThat(run.exitCode()).isEqualTo(0);
    assertThat(run.out())
        .contains("Exit codes:")
        .contains("--token-file")
        .contains("ZFERRY_CONFIG");
    assertThat(zferry("token", "new", "--help").out()).contains("Exit codes:").contains("0600");
  }

  @Test
  void tokenNewCreatesTheFileWith0600AndPrintsOnlyTheLabel() throws Exception {
    Path file = dir.resolve("new-tokens");

    Run run = zferry("token", "new", "--file", file.toString(), "peer");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
    assertThat(mode(file)).isEqualTo("rw-------");
    ApiToken created = TokenFile.read(file).forClient("peer");
    assertThat(run.out())
        .contains("added token 'peer' (role peer) to " + file + " (new file, mode 0600)")
        .contains("other node")
        .doesNotContain(created.secret());
    assertThat(run.err()).isEmpty();
  }

  @Test
  void tokenNewTakesARoleAndRefusesAnUnknownOne() throws Exception {
    Path file = dir.resolve("role-tokens");

    Run prometheus = zferry("token", "new", "--file", file.toString(), "prometheus");
    Run dashboard =
        zferry("token", "new", "--file", file.toString(), "--role", "operator", "dashboard");
    Run wrong = zferry("token", "new", "--file", file.toString(), "--role", "root", "x");

    assertThat(prometheus.out()).contains("(role metrics)");
    assertThat(dashboard.out()).contains("(role operator)");
    assertThat(wrong.exitCode()).isEqualTo(2);
    assertThat(wrong.err()).contains("--role root is not one of viewer, operator, peer, metrics");
    ApiTokens tokens = TokenFile.read(file);
    assertThat(tokens.labels()).containsExactly("prometheus", "dashboard");
    assertThat(tokens.forClient("dashboard").role()).isEqualTo(Role.OPERATOR);
  }

  @Test
  void tokenNewWithPrintPrintsTheTokenAloneOnStandardOutput() throws Exception {
    Run run = zferry("token", "new", "--file", tokens.toString(), "--print", "gui");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
    String secret = run.out().strip();
    assertThat(TokenFile.read(tokens).labelOf(secret)).contains("gui");
    assertThat(run.out()).isEqualTo(secret + System.lineSeparator());
    assertThat(run.err()).contains("added token 'gui'").doesNotContain(secret);
  }

  @Test
  void tokenNewWithoutALabelAddsCli() throws Exception {
    Path file = dir.resolve("new-tokens");
    assertThat(zferry("token", "new", "--file", file.toString()).exitCode()).isEqualTo(0);
    assertThat(TokenFile.read(file).labels()).containsExactly("cli");
  }

  @Test
  void tokenNewRefusesATakenLabelABadLabelAndAMissingDirectory() {
    Run taken = zferry("token", "new", "--file", tokens.toString(), "cli");
    assertThat(taken.exitCode()).isEqualTo(1);
    assertThat(taken.err()).contains("already has a token labelled cli");

    Run bad = zferry("token", "new", "--file", tokens.toString(), "no good");
    assertThat(bad.exitCode()).isEqualTo(2);

    Path nowhere = dir.resolve("no/such/dir/api-tokens");
    Run missing = zferry("token", "new", "--file", nowhere.toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("directory does not exist").contains("mkdir -p");
  }

  private static Run zferry(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ZferryCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }
}
