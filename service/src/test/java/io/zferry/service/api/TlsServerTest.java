package io.zferry.service.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.service.api.auth.Access;
import io.zferry.service.api.auth.ApiToken;
import io.zferry.service.api.auth.ApiTokens;
import io.zferry.service.api.auth.FailureRateLimiter;
import io.zferry.service.config.TlsConfig;
import io.zferry.service.testing.MutableClock;
import io.zferry.service.tls.NodeCertificate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** api.tls: a self-signed certificate made as zferry setup-tls does, served by the real server. */
class TlsServerTest {
  @TempDir Path dir;

  @Test
  void theServerSpeaksHttpsWithTheConfiguredCertificateAndKey() throws Exception {
    Path certPem = dir.resolve("cert.pem");
    Path keyPem = dir.resolve("key.pem");
    // As zferry setup-tls makes it: self-signed, naming 127.0.0.1.
    Certificate cert = NodeCertificate.create(certPem, keyPem, "node-a", List.of());

    ApiToken cli = ApiToken.generate("cli", ApiServerTest.RANDOM);
    MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    try (ApiServer server =
        new ApiServer(
            "127.0.0.1",
            0,
            Optional.of(new TlsConfig(certPem, keyPem)),
            new Authentication(
                List.of(new BearerTokenAuthenticator(new ApiTokens(List.of(cli)))),
                FailureRateLimiter.withDefaults(clock)),
            Optional.empty(),
            AuditTrail.NONE,
            routes ->
                routes.get("/status", Access.READ_OR_PEER, request -> Map.of("node", "node-a")))) {
      server.start();
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("zferry", cert);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      HttpClient https = HttpClient.newBuilder().sslContext(ssl).build();

      HttpResponse<String> response =
          https.send(
              HttpRequest.newBuilder(
                      URI.create("https://127.0.0.1:" + server.port() + "/api/v1/status"))
                  .header("Authorization", "Bearer " + cli.secret())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("node-a");
      // The peer's and the CLI's client: trusts the configured certificate.
      ApiClient client =
          new ApiClient(
              ApiClient.url(true, "127.0.0.1", server.port()),
              cli,
              java.time.Duration.ofSeconds(5),
              java.time.Duration.ofSeconds(5),
              Optional.of(TlsKeyStore.trust(new TlsConfig(certPem, keyPem))));
      assertThat(client.get("/status", String.class)).contains("node-a");
      assertThatThrownBy(
              () ->
                  HttpClient.newHttpClient()
                      .send(
                          HttpRequest.newBuilder(
                                  URI.create(
                                      "http://127.0.0.1:" + server.port() + "/api/v1/status"))
                              .build(),
                          HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  void aKeyThatIsNotPkcs8PemIsRefusedNamingTheFileAndTheFix() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Files.writeString(cert, "");
    Files.writeString(
        key, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    assertThatThrownBy(() -> TlsKeyStore.load(new TlsConfig(cert, key)))
        .hasMessageContaining(cert.toString());
  }
}
