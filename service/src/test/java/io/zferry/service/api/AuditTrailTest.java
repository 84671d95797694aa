package io.zferry.service.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.api.auth.Access;
import io.zferry.service.api.auth.ApiToken;
import io.zferry.service.api.auth.ApiTokens;
import io.zferry.service.api.auth.FailureRateLimiter;
import io.zferry.service.api.auth.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the API hands its audit trail: every refusal and every action, and no reads. */
class AuditTrailTest {
  private final ApiToken operator = ApiToken.generate("cli", Role.OPERATOR, ApiServerTest.RANDOM);
  private final ApiToken metrics =
      ApiToken.generate("prometheus", Role.METRICS, ApiServerTest.RANDOM);
  private final List<AuditTrail.Entry> entries = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private ApiServer server;

  @BeforeEach
  void start() {
    server =
        new ApiServer(
            "127.0.0.1",
            0,
            Optional.empty(),
            new Authentication(
                List.of(new BearerTokenAuthenticator(new ApiTokens(List.of(operator, metrics)))),
                FailureRateLimiter.withDefaults(Clock.systemUTC())),
            Optional.empty(),
            entries::add,
            routes -> {
              routes.get("/status", Access.READ, request -> Map.of("ok", true));
              routes.post(
                  "/services/{service}/move",
                  Access.OPERATE,
                  ApiServerTest.Move.class,
                  (request, body) -> Map.of("moved", body.service()));
            });
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aReadIsNotAuditedButEveryRefusalAndEveryActionIs() throws Exception {
    assertThat(call("GET", "/api/v1/status", Optional.of(operator), null)).isEqualTo(200);
    assertThat(entries).isEmpty();

    assertThat(call("GET", "/api/v1/status", Optional.empty(), null)).isEqualTo(401);
    assertThat(call("GET", "/api/v1/status", Optional.of(metrics), null)).isEqualTo(403);
    String move = "/api/v1/services/tank/move";
    assertThat(call("POST", move, Optional.of(metrics), "{\"service\":\"tank\"}")).isEqualTo(403);
    assertThat(call("POST", move, Optional.of(operator), "{\"service\":\"tank\"}")).isEqualTo(200);
    assertThat(
            call("POST", move, Optional.of(operator), "{\"service\":\"tank\",\"to\":\"nowhere\"}"))
        .isEqualTo(409);

    assertThat(entries)
        .extracting(e -> e.who() + " " + e.method() + " " + e.path() + " " + e.status())
        .containsExactly(
            "anonymous GET /api/v1/status 401",
            "token:prometheus GET /api/v1/status 403",
            "token:prometheus POST " + move + " 403",
            "token:cli POST " + move + " 200",
            "token:cli POST " + move + " 409");
    assertThat(entries.get(2).answer())
        .contains("token:prometheus (metrics) may not call POST " + move)
        .endsWith("it admits only the role(s) operator")
        .doesNotContain(metrics.secret());
    assertThat(entries.get(3).service()).contains("tank");
    assertThat(entries.get(3).answer()).isEqualTo("done");
    assertThat(entries.get(4).answer()).contains("cannot move tank to nowhere");
    assertThat(entries).allSatisfy(e -> assertThat(e.from()).isEqualTo("127.0.0.1"));
  }

  private int call(String method, String path, Optional<ApiToken> token, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t.secret()));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
