package io.zferry.service.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.gui.GuiUsers;
import io.zferry.gui.PasswordHashes;
import io.zferry.gui.Sessions;
import io.zferry.gui.WebGui;
import io.zferry.service.api.auth.Access;
import io.zferry.service.api.auth.ApiToken;
import io.zferry.service.api.auth.ApiTokens;
import io.zferry.service.api.auth.FailureRateLimiter;
import io.zferry.service.api.auth.Role;
import io.zferry.service.testing.MutableClock;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The GUI beside the API on a real server: pages need a login, the API takes a session cookie as
 * well as a bearer token, and a state-changing request with a cookie needs the CSRF token and the
 * same origin.
 */
class GuiAccessTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String HASH = new PasswordHashes().hash(PASSWORD.toCharArray());

  private final ApiToken cli = ApiToken.generate("cli", ApiServerTest.RANDOM);
  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final AtomicReference<String> lastWho = new AtomicReference<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private ApiServer server;
  private URI base;

  static ApiServer start(
      List<String> users, MutableClock clock, ApiTokens tokens, AtomicReference<String> lastWho) {
    return startWith(
        users,
        clock,
        tokens,
        lastWho,
        routes -> {
          routes.get(
              "/status",
              Access.READ_OR_PEER,
              request -> {
                lastWho.set(request.caller().who());
                return Map.of("node", "node-a");
              });
          routes.post(
              "/move",
              Access.OPERATE,
              ApiServerTest.Move.class,
              (request, body) -> {
                lastWho.set(request.caller().who());
                return Map.of("moved", body.service());
              });
        });
  }

  static ApiServer startWith(
      List<String> users,
      MutableClock clock,
      ApiTokens tokens,
      AtomicReference<String> lastWho,
      java.util.function.Consumer<ApiRoutes> routeSetup) {
    FailureRateLimiter limiter = FailureRateLimiter.withDefaults(clock);
    WebGui gui =
        new WebGui(
            new GuiUsers() {
              @Override
              public Optional<String> passwordHash(String name) {
                return users.contains(name) ? Optional.of(HASH) : Optional.empty();
              }

              @Override
              public boolean none() {
                return users.isEmpty();
              }
            },
            new Sessions(clock),
            limiter,
            new PasswordHashes(),
            false);
    ApiServer server =
        new ApiServer(
            "127.0.0.1",
            0,
            Optional.empty(),
            new Authentication(
                List.of(
                    new BearerTokenAuthenticator(tokens),
                    new SessionCookieAuthenticator(
                        gui,
                        name ->
                            users.contains(name) ? Optional.of(Role.OPERATOR) : Optional.empty())),
                limiter),
            Optional.of(gui),
            AuditTrail.NONE,
            routeSetup);
    server.start();
    return server;
  }

  @BeforeEach
  void start() {
    server = start(List.of("alice"), clock, new ApiTokens(List.of(cli)), lastWho);
    base = URI.create("http://127.0.0.1:" + server.port());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void pagesRedirectToTheLoginPageWhichWithItsAssetsNeedsNoLogin() throws Exception {
    for (String page : List.of("/", "/services", "/snapshots", "/settings", "/history")) {
      HttpResponse<String> response = send(get(page));
      assertThat(response.statusCode()).as(page).isEqualTo(303);
      assertThat(response.headers().firstValue("Location")).contains("/login");
    }
    HttpResponse<String> login = send(get("/login"));
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.body()).contains("<form method=\"post\" action=\"/login\"");
    assertThat(login.body()).doesNotContain("No GUI user is configured");
    assertThat(send(get("/static/app.js")).statusCode()).isEqualTo(200);
    assertThat(send(get("/static/app.css")).body()).contains("--red");
    assertThat(send(get("/static/secret.txt")).statusCode()).isEqualTo(404);
  }

  @Test
  void theApiAndUnroutedPathsStillRefuseARequestWithoutCredentials() throws Exception {
    assertThat(send(get("/api/v1/status")).statusCode()).isEqualTo(401);
    assertThat(send(get("/no/such/page")).statusCode()).isEqualTo(401);
    assertThat(send(get("/api/v1/status").header("Cookie", WebGui.COOKIE + "=forged")).statusCode())
        .isEqualTo(401);
  }

  @Test
  void aWrongPasswordIsRefusedAndTheRightOneGivesAnHttpOnlySameSiteSession() throws Exception {
    HttpResponse<String> wrong = login("alice", "wrong");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("Wrong user name or password.");
    assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(login("mallory", PASSWORD).statusCode()).isEqualTo(401);

    HttpResponse<String> right = login("alice", PASSWORD);
    assertThat(right.statusCode()).isEqualTo(303);
    assertThat(right.headers().firstValue("Location")).contains("/");
    String cookie = right.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");

    String session = cookieValue(cookie);
    HttpResponse<String> page = send(get("/").header("Cookie", WebGui.COOKIE + "=" + session));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("name=\"csrf-token\"").contains("alice");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("default-src 'self'");
    HttpResponse<String> status =
        send(get("/api/v1/status").header("Cookie", WebGui.COOKIE + "=" + session));
    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(lastWho.get()).isEqualTo("user:alice");
  }

  @Test
  void aStateChangingCallWithACookieNeedsTheCsrfTokenAndTheSameOrigin() throws Exception {
    String session = cookieValue(login("alice", PASSWORD).headers().firstValue("Set-Cookie").get());
    String csrf = csrfOf(session);
    String cookie = WebGui.COOKIE + "=" + session;

    HttpResponse<String> none = send(move().header("Cookie", cookie));
    assertThat(none.statusCode()).isEqualTo(403);
    assertThat(none.body()).contains("CSRF token is missing");
    assertThat(send(move().header("Cookie", cookie).header(WebGui.CSRF_HEADER, "guess")).body())
        .contains("CSRF token does not match");
    HttpResponse<String> foreign =
        send(
            move()
                .header("Cookie", cookie)
                .header(WebGui.CSRF_HEADER, csrf)
                .header("Origin", "http://evil.example"));
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(foreign.body()).contains("another origin");
    assertThat(
            send(move()
                    .header("Cookie", cookie)
                    .header(WebGui.CSRF_HEADER, csrf)
                    .header("Sec-Fetch-Site", "cross-site"))
                .statusCode())
        .isEqualTo(403);
    assertThat(lastWho.get()).isNull();

    HttpResponse<String> ok =
        send(
            move()
                .header("Cookie", cookie)
                .header(WebGui.CSRF_HEADER, csrf)
                .header("Origin", base.toString())
                .header("Sec-Fetch-Site", "same-origin"));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(lastWho.get()).isEqualTo("user:alice");

    // A bearer token is no cookie: no CSRF token needed.
    HttpResponse<String> bearer = send(move().header("Authorization", "Bearer " + cli.secret()));
    assertThat(bearer.statusCode()).isEqualTo(200);
    assertThat(lastWho.get()).isEqualTo("token:cli");
  }

  @Test
  void logoutEndsTheSessionAndNeedsTheCsrfToken() throws Exception {
    String session = cookieValue(login("alice", PASSWORD).headers().firstValue("Set-Cookie").get());
    String cookie = WebGui.COOKIE + "=" + session;
    assertThat(send(form("/logout", "csrf=wrong").header("Cookie", cookie)).statusCode())
        .isEqualTo(403);
    assertThat(send(get("/api/v1/status").header("Cookie", cookie)).statusCode()).isEqualTo(200);

    HttpResponse<String> out =
        send(form("/logout", "csrf=" + csrfOf(session)).header("Cookie", cookie));
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
    assertThat(send(get("/api/v1/status").header("Cookie", cookie)).statusCode()).isEqualTo(401);
    assertThat(send(get("/").header("Cookie", cookie)).statusCode()).isEqualTo(303);
  }

  @Test
  void repeatedFailedLoginsAreBlockedEvenWithTheRightPassword() throws Exception {
    for (int i = 0; i < FailureRateLimiter.DEFAULT_MAX_FAILURES; i++) {
      assertThat(login("alice", "guess" + i).statusCode()).isEqualTo(401);
    }
    HttpResponse<String> blocked = login("alice", PASSWORD);
    assertThat(blocked.statusCode()).isEqualTo(429);
    assertThat(blocked.body()).contains("Too many failed logins");
    clock.advance(FailureRateLimiter.DEFAULT_BLOCK.plusSeconds(1));
    assertThat(login("alice", PASSWORD).statusCode()).isEqualTo(303);
  }

  @Test
  void aLoginPostedFromAnotherSiteIsRefused() throws Exception {
    HttpResponse<String> response =
        send(
            form("/login", "username=alice&password=" + enc(PASSWORD))
                .header("Origin", "http://evil.example"));
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
  }

  @Test
  void withoutUsersTheLoginPageSaysHowToAddOne() throws Exception {
    server.close();
    server = start(List.of(), clock, new ApiTokens(List.of(cli)), lastWho);
    base = URI.create("http://127.0.0.1:" + server.port());
    HttpResponse<String> page = send(get("/login"));
    assertThat(page.body()).contains("No GUI user is configured").contains("zferry passwd NAME");
  }

  private String csrfOf(String session) throws Exception {
    String page = send(get("/").header("Cookie", WebGui.COOKIE + "=" + session)).body();
    Matcher m = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"").matcher(page);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private static String cookieValue(String setCookie) {
    String first = setCookie.split(";")[0];
    return first.substring(first.indexOf('=') + 1);
  }

  private HttpResponse<String> login(String user, String password) throws Exception {
    return send(form("/login", "username=" + enc(user) + "&password=" + enc(password)));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).GET();
  }

  private HttpRequest.Builder form(String path, String body) {
    return HttpRequest.newBuilder(base.resolve(path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  private HttpRequest.Builder move() {
    return HttpRequest.newBuilder(base.resolve("/api/v1/move"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"service\":\"tank\",\"to\":\"node-b\"}"));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
