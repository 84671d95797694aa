package io.zferry.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.zferry.service.api.ApiServer;
import io.zferry.service.api.Authentication;
import io.zferry.service.api.BearerTokenAuthenticator;
import io.zferry.service.api.auth.Access;
import io.zferry.service.api.auth.ApiToken;
import io.zferry.service.api.auth.ApiTokens;
import io.zferry.service.api.auth.FailureRateLimiter;
import io.zferry.service.api.auth.TokenFile;
import io.zferry.service.config.ConfigLoader;
import io.zferry.service.config.TwoNodeYaml;
import io.zferry.service.config.ZferryConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Secrets (API tokens, password hashes) never reach a log line or a {@code toString}, and the files
 * zferry writes them to are private to their owner.
 */
class SecretsTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";

  @Test
  void aLoadedConfigurationPrintsNoPasswordHash() {
    ZferryConfig config =
        ConfigLoader.parse(
            TwoNodeYaml.with(
                "services:",
                "  - name: tank",
                "    pool: tank",
                "    preferredNode: node-a",
                "api:",
                "  users:",
                "    - name: admin",
                "      passwordHash: " + HASH),
            "zferry.yaml");

    assertThat(config.api().users()).hasSize(1);
    assertThat(config.toString()).contains("admin").doesNotContain(HASH).doesNotContain("c2Fsd");
  }

  @Test
  void tokensPrintNoSecret() {
    ApiToken token = ApiToken.generate("peer", RANDOM);
    ApiTokens tokens = new ApiTokens(List.of(token));

    assertThat(token.toString()).contains("peer").doesNotContain(token.secret());
    assertThat(tokens.toString()).doesNotContain(token.secret());
    assertThat(List.of(token).toString()).doesNotContain(token.secret());
  }

  @Test
  void refusedRequestsLogNeitherTheOfferedNorTheRightToken() throws Exception {
    ApiToken right = ApiToken.generate("cli", RANDOM);
    String wrong = ApiToken.generate("x", RANDOM).secret();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    ApiServer server =
        new ApiServer(
            "127.0.0.1",
            0,
            new Authentication(
                List.of(new BearerTokenAuthenticator(new ApiTokens(List.of(right)))),
                FailureRateLimiter.withDefaults(Clock.systemUTC())),
            routes -> routes.get("/status", Access.READ_OR_PEER, request -> Map.of("ok", true)));
    try {
      server.start();
      HttpClient http = HttpClient.newHttpClient();
      URI status = URI.create("http://127.0.0.1:" + server.port() + "/api/v1/status");
      for (String offered : List.of(wrong, right.secret().substring(1), "Basic " + wrong)) {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(status)
                    .header(
                        "Authorization",
                        offered.startsWith("Basic") ? offered : "Bearer " + offered)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).doesNotContain(wrong).doesNotContain(right.secret());
      }
    } finally {
      server.close();
      root.detachAppender(captured);
    }
    assertThat(captured.list).as("the refusals are logged").isNotEmpty();
    for (ILoggingEvent event : captured.list) {
      String text = event.getFormattedMessage() + String.valueOf(event.getThrowableProxy());
      assertThat(text).doesNotContain(wrong).doesNotContain(right.secret().substring(1));
    }
  }

  @Test
  void aNewTokensFileIsPrivateToItsOwner(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("api-tokens");

    TokenFile.add(file, "peer", RANDOM);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }
}
