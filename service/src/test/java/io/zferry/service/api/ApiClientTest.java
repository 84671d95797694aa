package io.zferry.service.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.zferry.service.api.auth.ApiToken;
import io.zferry.service.api.auth.ApiTokens;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiClientTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  record Status(String node) {}

  record Moved(String moved) {}

  private final ApiToken cli = ApiToken.generate("cli", ApiServerTest.RANDOM);
  private final AtomicReference<String> who = new AtomicReference<>();
  private ApiServer server;
  private URI base;

  @BeforeEach
  void start() {
    server = ApiServerTest.startServer(new ApiTokens(List.of(cli)), Clock.systemUTC(), who);
    base = URI.create("http://127.0.0.1:" + server.port());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void getReadsTheAnswerIntoARecordIgnoringFieldsItDoesNotKnow() throws Exception {
    Status status = client(cli).get("/status", Status.class);
    assertThat(status.node()).isEqualTo("node-a");
    assertThat(who.get()).isEqualTo("token:cli");
  }

  @Test
  void getAsStringReturnsTheBodyUnchanged() throws Exception {
    assertThat(client(cli).get("/status", String.class))
        .contains("\"node\" : \"node-a\"")
        .contains("\n");
  }

  @Test
  void postSendsJson() throws Exception {
    Moved moved = client(cli).post("/move", new ApiServerTest.Move("tank", "node-b"), Moved.class);
    assertThat(moved.moved()).isEqualTo("tank");
  }

  @Test
  void errorAnswersBecomeApiExceptionsWithStatusErrorAndFix() {
    ApiException wrongToken =
        catchApi(
            () ->
                client(ApiToken.generate("cli", ApiServerTest.RANDOM))
                    .get("/status", Status.class));
    assertThat(wrongToken.status()).isEqualTo(401);
    assertThat(wrongToken.error()).contains("not valid");
    assertThat(wrongToken.fix()).contains("Authorization: Bearer");
    assertThat(wrongToken.uri()).isEqualTo(base.resolve("/api/v1/status"));

    ApiException conflict = catchApi(() -> client(cli).get("/busy", Status.class));
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(conflict.error()).isEqualTo("a failover is running");
    assertThat(conflict.fix()).isEqualTo("wait for it to finish");

    ApiException invalid =
        catchApi(() -> client(cli).post("/move", Map.of("to", "x"), Moved.class));
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.error()).contains("service is required");
  }

  @Test
  void anAnswerThatIsNotZferrysIsStillTyped() throws Exception {
    HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    other.createContext(
        "/",
        exchange -> {
          byte[] body = "<html>bad gateway</html>".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(502, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    other.start();
    try {
      ApiClient client =
          new ApiClient(
              URI.create("http://127.0.0.1:" + other.getAddress().getPort()),
              cli,
              TIMEOUT,
              TIMEOUT);
      ApiException e = catchApi(() -> client.get("/status", Status.class));
      assertThat(e.status()).isEqualTo(502);
      assertThat(e.error()).contains("HTTP 502");
    } finally {
      other.stop(0);
    }
  }

  @Test
  void nothingListeningIsUnreachable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ApiClient client = new ApiClient(ApiClient.httpUrl("127.0.0.1", port), cli, TIMEOUT, TIMEOUT);
    assertThatThrownBy(() -> client.get("/status", Status.class))
        .isInstanceOf(ApiUnreachableException.class)
        .hasMessageContaining("ConnectException");
  }

  @Test
  void theTokenIsNeverPartOfAnError() {
    ApiException e = catchApi(() -> client(cli).get("/nothing", Status.class));
    assertThat(e.getMessage()).doesNotContain(cli.secret());
  }

  @Test
  void urlsAreCheckedAndIpv6IsBracketed() {
    assertThat(ApiClient.httpUrl("fd00::1", 8330)).isEqualTo(URI.create("http://[fd00::1]:8330"));
    assertThat(ApiClient.httpUrl("10.0.0.1", 8330)).isEqualTo(URI.create("http://10.0.0.1:8330"));
    assertThatThrownBy(() -> new ApiClient(URI.create("ftp://x"), cli, TIMEOUT, TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new ApiClient(URI.create("http://x:1/"), cli, TIMEOUT, TIMEOUT).baseUrl())
        .isEqualTo(URI.create("http://x:1"));
  }

  private ApiClient client(ApiToken token) {
    return new ApiClient(base, token, TIMEOUT, TIMEOUT);
  }

  interface Call {
    Object run() throws ApiCallException;
  }

  private static ApiException catchApi(Call call) {
    try {
      call.run();
    } catch (ApiException e) {
      return e;
    } catch (ApiCallException e) {
      throw new AssertionError("expected an answer, got " + e, e);
    }
    throw new AssertionError("the call succeeded");
  }
}
