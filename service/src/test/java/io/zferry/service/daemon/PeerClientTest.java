package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.api.ApiClient;
import io.zferry.service.api.ApiServer;
import io.zferry.service.api.Authentication;
import io.zferry.service.api.BearerTokenAuthenticator;
import io.zferry.service.api.auth.Access;
import io.zferry.service.api.auth.ApiToken;
import io.zferry.service.api.auth.ApiTokens;
import io.zferry.service.api.auth.FailureRateLimiter;
import io.zferry.service.status.StatusViews.NodeStatus;
import io.zferry.service.testing.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PeerClientTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final ApiTokens tokens =
      new ApiTokens(List.of(ApiToken.generate("cli", RANDOM), ApiToken.generate("peer", RANDOM)));
  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final AtomicReference<String> who = new AtomicReference<>();
  private ApiServer server;

  @BeforeEach
  void start() {
    server =
        new ApiServer(
            "127.0.0.1",
            0,
            new Authentication(
                List.of(new BearerTokenAuthenticator(tokens)),
                FailureRateLimiter.withDefaults(clock)),
            routes ->
                routes.get(
                    "/status",
                    Access.READ_OR_PEER,
                    request -> {
                      who.set(request.caller().who());
                      return new NodeStatus("node-b", "lab", clock.instant().toString(), List.of());
                    }));
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void thePeerIsAskedWithThePeerToken() {
    PeerClient peer = client(tokens.forClient(NodeDaemon.PEER_TOKEN_LABEL));

    assertThat(peer.status()).hasValueSatisfying(s -> assertThat(s.node()).isEqualTo("node-b"));
    assertThat(who.get()).isEqualTo("token:peer");
    assertThat(peer.lastKnown()).isPresent();
  }

  @Test
  void aPeerThatRefusesTheTokenYieldsNothingButKeepsTheLastKnownStatus() {
    PeerClient right = client(tokens.forClient("peer"));
    assertThat(right.status()).isPresent();

    PeerClient wrong = client(ApiToken.generate("peer", RANDOM));
    assertThat(wrong.status()).isEmpty();
    assertThat(wrong.lastKnown()).isEmpty();
  }

  private PeerClient client(ApiToken token) {
    ApiClient api =
        new ApiClient(ApiClient.httpUrl("127.0.0.1", server.port()), token, TIMEOUT, TIMEOUT);
    return new PeerClient(api, api, clock);
  }
}
