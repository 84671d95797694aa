package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.api.ApiRoutes;
import io.zferry.service.api.ApiServer;
import io.zferry.service.api.Authentication;
import io.zferry.service.api.BearerTokenAuthenticator;
import io.zferry.service.api.auth.Access;
import io.zferry.service.api.auth.ApiToken;
import io.zferry.service.api.auth.ApiTokens;
import io.zferry.service.api.auth.FailureRateLimiter;
import io.zferry.service.api.auth.Role;
import io.zferry.service.testing.RepoFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The role matrix: every route zferryd serves, the roles it admits, and docs/security.md's table of
 * them, which must be the same list. A route cannot be added without an {@link Access}; this test
 * makes one that is not in the table (or a table row without a route) fail the build, and calls
 * every route with a token of every role to see the server enforce what the table says.
 */
class RouteRulesTest {
  private static final Pattern ROW =
      Pattern.compile("^\\| (GET|POST) \\| `([^`]+)` \\| ([a-z, ]+) \\|.*$");

  @Test
  void everyRouteIsInSecurityMdWithTheRolesItAdmits() throws IOException {
    Set<String> served = new TreeSet<>();
    for (ApiRoutes.Rule rule : rules()) {
      served.add(rule.method() + " " + rule.path() + " " + rule.access().text());
    }
    Set<String> documented = new TreeSet<>();
    for (String line : Files.readAllLines(RepoFiles.find("docs/security.md"))) {
      Matcher row = ROW.matcher(line);
      if (row.matches()) {
        documented.add(row.group(1) + " " + row.group(2) + " " + row.group(3).strip());
      }
    }
    assertThat(documented).as("the table in docs/security.md, 2.7").isEqualTo(served);
  }

  @Test
  void theInternalEndpointsAdmitOnlyThePeerAndMetricsOnlyReadsMetrics() {
    for (ApiRoutes.Rule rule : rules()) {
      boolean internal = rule.path().startsWith(ApiServer.PREFIX + "/internal/");
      assertThat(rule.access() == Access.PEER).as(rule.path()).isEqualTo(internal);
      boolean changes = rule.method().equals("POST");
      if (changes) {
        assertThat(rule.access()).as(rule.path()).isIn(Access.OPERATE, Access.PEER);
      }
      assertThat(rule.access().admits(Role.METRICS))
          .as(rule.path())
          .isEqualTo(rule.path().equals("/metrics"));
    }
  }

  @Test
  void theServerRefusesEveryRoleTheRuleDoesNotAdmitAndOnlyThose() throws Exception {
    SecureRandom random = new SecureRandom();
    Map<Role, ApiToken> tokens = new EnumMap<>(Role.class);
    for (Role role : Role.values()) {
      tokens.put(role, ApiToken.generate("client-" + role.text(), role, random));
    }
    // No daemon behind the routes: an admitted call fails in its handler (400, 415 or 500),
    // a refused one never gets there (403).
    ApiServer server =
        new ApiServer(
            "127.0.0.1",
            0,
            new Authentication(
                List.of(new BearerTokenAuthenticator(new ApiTokens(List.copyOf(tokens.values())))),
                FailureRateLimiter.withDefaults(Clock.systemUTC())),
            NodeApi.routes(null, new RuntimeSettings(null)));
    server.start();
    HttpClient http = HttpClient.newHttpClient();
    List<String> wrong = new ArrayList<>();
    try {
      for (ApiRoutes.Rule rule : server.rules()) {
        for (Role role : Role.values()) {
          String path = rule.path().replace("{service}", "tank");
          HttpRequest.Builder request =
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                  .header("Authorization", "Bearer " + tokens.get(role).secret());
          if (rule.method().equals("POST")) {
            request
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
          }
          int status =
              http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
          boolean refused = status == 403;
          if (refused == rule.access().admits(role)) {
            wrong.add(rule.method() + " " + path + " as " + role.text() + ": " + status);
          }
        }
      }
    } finally {
      server.close();
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void roleNamesAreTheConstantTheHelpPrints() {
    assertThat(Role.NAMES)
        .isEqualTo(Arrays.stream(Role.values()).map(Role::text).collect(Collectors.joining(", ")));
  }

  private static List<ApiRoutes.Rule> rules() {
    try (ApiServer server =
        new ApiServer(
            "127.0.0.1",
            0,
            new Authentication(
                List.of(
                    new BearerTokenAuthenticator(
                        new ApiTokens(List.of(ApiToken.generate("peer", new SecureRandom()))))),
                FailureRateLimiter.withDefaults(Clock.systemUTC())),
            NodeApi.routes(null, new RuntimeSettings(null)))) {
      return server.rules();
    }
  }
}
