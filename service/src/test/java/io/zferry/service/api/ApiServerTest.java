package io.zferry.service.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zferry.service.api.auth.Access;
import io.zferry.service.api.auth.ApiToken;
import io.zferry.service.api.auth.ApiTokens;
import io.zferry.service.api.auth.FailureRateLimiter;
import io.zferry.service.operations.Requests;
import io.zferry.service.testing.MutableClock;
import io.zferry.snapshot.zfs.InjectionCorpus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real server on an ephemeral port, called with Java's HttpClient. */
class ApiServerTest {
  static final SecureRandom RANDOM = new SecureRandom();

  /** A request body with a record-level and a cross-field check. */
  record Move(String service, String to) implements ValidatedBody {
    Move {
      if (service == null || service.isBlank()) {
        throw new IllegalArgumentException("service is required");
      }
    }

    @Override
    public void validate() {
      if (to != null && to.equals("nowhere")) {
        throw ApiProblem.conflict("cannot move " + service + " to nowhere", "pick a node");
      }
    }
  }

  private final ApiToken cli = ApiToken.generate("cli", RANDOM);
  private final ApiToken peer = ApiToken.generate("peer", RANDOM);
  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final AtomicReference<String> lastWho = new AtomicReference<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private ApiServer server;
  private URI base;

  @BeforeEach
  void start() {
    server = startServer(new ApiTokens(List.of(peer, cli)), clock, lastWho);
    base = URI.create("http://127.0.0.1:" + server.port());
  }

  /** A server with GET /status, GET /boom (a bug), GET /busy (409) and POST /move. */
  static ApiServer startServer(
      ApiTokens tokens, java.time.Clock clock, AtomicReference<String> lastWho) {
    Authentication authentication =
        new Authentication(
            List.of(new BearerTokenAuthenticator(tokens)), FailureRateLimiter.withDefaults(clock));
    ApiServer server =
        new ApiServer(
            "127.0.0.1",
            0,
            authentication,
            routes -> {
              routes.get(
                  "/status",
                  Access.READ_OR_PEER,
                  request -> {
                    lastWho.set(request.caller().who());
                    return Map.of("node", "node-a", "services", List.of());
                  });
              routes.get(
                  "/boom",
                  Access.READ_OR_PEER,
                  request -> {
                    throw new IllegalStateException("secret internals");
                  });
              routes.get(
                  "/busy",
                  Access.READ_OR_PEER,
                  request -> {
                    throw ApiProblem.conflict("a failover is running", "wait for it to finish");
                  });
              routes.post(
                  "/failover",
                  Access.OPERATE,
                  Requests.Failover.class,
                  (request, body) -> {
                    lastWho.set("failover by " + request.caller().who());
                    return Map.of("to", String.valueOf(body.to()));
                  });
              routes.post(
                  "/move",
                  Access.OPERATE,
                  Move.class,
                  (request, body) -> {
                    lastWho.set(request.caller().who());
                    return Map.of("moved", body.service());
                  });
            });
    server.start();
    return server;
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void withoutATokenTheAnswerIs401WithABearerChallenge() throws Exception {
    HttpResponse<String> response = get("/api/v1/status", null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    assertError(response, "authentication required", "Authorization: Bearer");
  }

  @Test
  void aWrongTokenIs401() throws Exception {
    HttpResponse<String> response = get("/api/v1/status", ApiToken.generate("x", RANDOM).secret());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer error=\"invalid_token\"");
    assertError(response, "not valid", "same file");
  }

  @Test
  void anotherSchemeThanBearerIs401() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(base.resolve("/api/v1/status"))
                .header("Authorization", "Basic " + cli.secret())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).doesNotContain(cli.secret());
  }

  @Test
  void aRightTokenIs200AndTheCallerIsRecordedByLabel() throws Exception {
    HttpResponse<String> response = get("/api/v1/status", cli.secret());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertThat(json.readTree(response.body()).get("node").asText()).isEqualTo("node-a");
    assertThat(lastWho.get()).isEqualTo("token:cli");

    assertThat(get("/api/v1/status", peer.secret()).statusCode()).isEqualTo(200);
    assertThat(lastWho.get()).isEqualTo("token:peer");
  }

  @Test
  void theSchemeIsCaseInsensitiveButTheTokenIsNotEvenOnAConnectionThatSentTheRightOne()
      throws Exception {
    // One client, so one kept-alive connection: Jetty's header cache must not hand the earlier,
    // valid header to the later request.
    assertThat(get("/api/v1/status", cli.secret()).statusCode()).isEqualTo(200);
    HttpRequest.Builder lower =
        HttpRequest.newBuilder(base.resolve("/api/v1/status"))
            .header("Authorization", "bearer " + cli.secret());
    assertThat(http.send(lower.build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(200);
    String swapped = swapCase(cli.secret());
    assertThat(swapped).isNotEqualTo(cli.secret());
    assertThat(get("/api/v1/status", swapped).statusCode()).isEqualTo(401);
    assertThat(get("/api/v1/status", cli.secret().toUpperCase(java.util.Locale.ROOT)).statusCode())
        .isEqualTo(401);
  }

  private static String swapCase(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      out.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
    }
    return out.toString();
  }

  @Test
  void afterTenFailuresTheAddressGets429EvenWithTheRightTokenUntilTheBlockEnds() throws Exception {
    for (int i = 1; i <= 10; i++) {
      assertThat(get("/api/v1/status", i % 2 == 0 ? null : "wrong-" + i).statusCode())
          .as("failure %d", i)
          .isEqualTo(401);
    }

    HttpResponse<String> eleventh = get("/api/v1/status", "wrong-11");
    assertThat(eleventh.statusCode()).isEqualTo(429);
    assertThat(eleventh.headers().firstValue("Retry-After")).contains("300");
    assertError(eleventh, "too many failed authentication attempts", "wait 300 s");
    assertThat(get("/api/v1/status", cli.secret()).statusCode()).isEqualTo(429);

    clock.advance(Duration.ofMinutes(5));
    assertThat(get("/api/v1/status", cli.secret()).statusCode()).isEqualTo(200);
  }

  @Test
  void everyPathNeedsATokenEvenOneNobodyRouted() throws Exception {
    assertThat(get("/api/v1/nothing-here", null).statusCode()).isEqualTo(401);
    assertThat(get("/", null).statusCode()).isEqualTo(401);
    assertThat(get("/api/v1/status/", null).statusCode()).isEqualTo(401);
    assertThat(get("/API/v1/status", null).statusCode()).isEqualTo(401);
  }

  @Test
  void anUnknownPathIs404InTheErrorShape() throws Exception {
    HttpResponse<String> response = get("/api/v1/nothing-here", cli.secret());
    assertThat(response.statusCode()).isEqualTo(404);
    assertError(response, "no API endpoint GET /api/v1/nothing-here", "/api/v1/status");
  }

  @Test
  void aFailingRouteIs500WithoutItsInternals() throws Exception {
    HttpResponse<String> response = get("/api/v1/boom", cli.secret());
    assertThat(response.statusCode()).isEqualTo(500);
    assertError(response, "internal error", "zferryd log");
    assertThat(response.body()).doesNotContain("secret internals");
  }

  @Test
  void aRouteAnswersAConflictAs409() throws Exception {
    HttpResponse<String> response = get("/api/v1/busy", cli.secret());
    assertThat(response.statusCode()).isEqualTo(409);
    assertError(response, "a failover is running", "wait for it");
  }

  @Test
  void aValidBodyReachesTheRoute() throws Exception {
    HttpResponse<String> response =
        post("/api/v1/move", "application/json", "{\"service\":\"tank\"}");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json.readTree(response.body()).get("moved").asText()).isEqualTo("tank");
    assertThat(lastWho.get()).isEqualTo("token:cli");
  }

  @Test
  void badBodiesAre400Or415NamingTheProblem() throws Exception {
    assertThat(post("/api/v1/move", "text/plain", "{\"service\":\"tank\"}").statusCode())
        .isEqualTo(415);
    HttpResponse<String> empty = post("/api/v1/move", "application/json", "");
    assertThat(empty.statusCode()).isEqualTo(400);
    assertError(empty, "empty", "JSON object");
    HttpResponse<String> broken = post("/api/v1/move", "application/json", "{\"service\":");
    assertThat(broken.statusCode()).isEqualTo(400);
    assertError(broken, "not valid JSON", "JSON object");
    HttpResponse<String> unknown =
        post("/api/v1/move", "application/json", "{\"service\":\"tank\",\"too\":\"b\"}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertError(unknown, "unknown field 'too'", "service, to");
    HttpResponse<String> invalid = post("/api/v1/move", "application/json", "{\"to\":\"b\"}");
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertError(invalid, "service is required", "correct");
    HttpResponse<String> wrongType = post("/api/v1/move", "application/json", "{\"service\":[1]}");
    assertThat(wrongType.statusCode()).isEqualTo(400);
    assertError(wrongType, "at service", "type");
  }

  @Test
  void aHugeBodyIs413() throws Exception {
    String body = "{\"service\":\"" + "x".repeat(100_000) + "\"}";
    HttpResponse<String> response = post("/api/v1/move", "application/json", body);
    assertThat(response.statusCode()).isEqualTo(413);
    assertError(response, "larger than", "smaller");
  }

  @Test
  void theValidationHookRunsBeforeTheRoute() throws Exception {
    lastWho.set(null);
    HttpResponse<String> response =
        post("/api/v1/move", "application/json", "{\"service\":\"tank\",\"to\":\"nowhere\"}");
    assertThat(response.statusCode()).isEqualTo(409);
    assertError(response, "cannot move tank to nowhere", "pick a node");
    assertThat(lastWho.get()).isNull();
  }

  @Test
  void aBodyIsNotReadBeforeAuthentication() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(base.resolve("/api/v1/move"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"b\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(401);
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Authorization", "Bearer " + cli.secret())
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Every error has exactly the fields error and fix, both text. */
  private void assertError(HttpResponse<String> response, String error, String fix)
      throws Exception {
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    JsonNode body = json.readTree(response.body());
    assertThat(body.properties()).extracting(Map.Entry::getKey).containsExactly("error", "fix");
    assertThat(body.get("error").asText()).contains(error);
    assertThat(body.get("fix").asText()).contains(fix);
  }

  @Test
  void theInjectionCorpusAsANodeNameIs400AndNeverReachesTheRoute() throws Exception {
    for (String hostile : InjectionCorpus.NAMES) {
      HttpResponse<String> response =
          post(
              "/api/v1/failover",
              "application/json",
              json.writeValueAsString(Map.of("to", hostile)));
      assertThat(response.statusCode()).as(hostile).isEqualTo(400);
      assertThat(response.body()).as("no echo of the hostile value").doesNotContain("<script>");
    }
    assertThat(lastWho.get()).as("no hostile body reached the route").isNull();
  }

  @Test
  void jsonTypeConfusionIs400AndNeverReachesTheRoute() throws Exception {
    for (String body :
        List.of(
            "{\"to\":5}",
            "{\"to\":1.5}",
            "{\"to\":true}",
            "{\"to\":[\"node-b\"]}",
            "{\"to\":{\"name\":\"node-b\"}}",
            "{\"force\":\"true\"}",
            "{\"force\":1}",
            "{\"force\":null}",
            "{\"force\":[true]}",
            "{\"to\":\"node-b\",\"to\":\"node-a\"}",
            "{\"to\":\"node-b\"} {\"to\":\"node-a\"}",
            "[{\"to\":\"node-b\"}]",
            "\"node-b\"",
            "null",
            "5",
            "{\"to\":\"" + "n".repeat(100_000) + "\"}",
            "{\"@class\":\"java.lang.ProcessBuilder\",\"to\":\"node-b\"}",
            "{\"to\":\"node-b\",\"force\":false,\"extra\":1}")) {
      HttpResponse<String> response = post("/api/v1/failover", "application/json", body);
      assertThat(response.statusCode())
          .as(body.length() > 80 ? body.substring(0, 80) : body)
          .isIn(400, 413);
    }
    assertThat(lastWho.get()).as("no confused body reached the route").isNull();

    // The same route with a well-typed body works: the refusals were the types.
    assertThat(
            post("/api/v1/failover", "application/json", "{\"to\":\"node-b\",\"force\":true}")
                .statusCode())
        .isEqualTo(200);
    assertThat(lastWho.get()).startsWith("failover by ").contains("cli");
  }

  @Test
  void aCrossSiteRequestWithoutTheTokenIs401AndGetsNoCorsPermission() throws Exception {
    // What a hostile page can make a browser send: a simple form post with the user's cookies,
    // never an Authorization header it does not know.
    for (String type :
        List.of("application/x-www-form-urlencoded", "text/plain", "multipart/form-data")) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(base.resolve("/api/v1/failover"))
                  .header("Origin", "http://attacker.example")
                  .header("Content-Type", type)
                  .header("Cookie", "session=stolen")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"force\":true}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(type).isEqualTo(401);
      assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
    HttpResponse<String> preflight =
        http.send(
            HttpRequest.newBuilder(base.resolve("/api/v1/failover"))
                .header("Origin", "http://attacker.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers")).isEmpty();
    assertThat(lastWho.get()).isNull();
  }
}
