package io.zferry.service.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.service.api.auth.Access;
import io.zferry.service.api.auth.ApiToken;
import io.zferry.service.api.auth.ApiTokens;
import io.zferry.service.api.auth.FailureRateLimiter;
import io.zferry.service.api.auth.Role;
import io.zferry.service.config.TlsConfig;
import io.zferry.service.tls.NodeCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer channel with pinned certificates (api.tls.peerCertificate), through the real server and
 * client: each node trusts exactly the other's certificate, and the peer's token counts only with
 * it. Certificates made by {@link NodeCertificate}, as {@code zferry setup-tls} makes them.
 */
class MutualTlsTest {
  @TempDir static Path dir;
  static TlsConfig nodeA;
  static TlsConfig nodeB;
  static TlsConfig impostor;
  static X509Certificate certificateA;

  private final ApiToken peer = ApiToken.generate("peer", Role.PEER, new SecureRandom());
  private final ApiToken cli = ApiToken.generate("cli", Role.OPERATOR, new SecureRandom());
  private final List<AuditTrail.Entry> audit = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void certificates() throws Exception {
    certificateA =
        NodeCertificate.create(
            dir.resolve("a.pem"), dir.resolve("a.key"), "node-a", List.of("10.99.0.1"));
    NodeCertificate.create(dir.resolve("b.pem"), dir.resolve("b.key"), "node-b", List.of());
    NodeCertificate.create(dir.resolve("c.pem"), dir.resolve("c.key"), "node-a", List.of());
    nodeA =
        new TlsConfig(
            dir.resolve("a.pem"), dir.resolve("a.key"), Optional.of(dir.resolve("b.pem")));
    nodeB =
        new TlsConfig(
            dir.resolve("b.pem"), dir.resolve("b.key"), Optional.of(dir.resolve("a.pem")));
    // Another key under node-a's name, as whoever took over node-a's address would have.
    impostor =
        new TlsConfig(
            dir.resolve("c.pem"), dir.resolve("c.key"), Optional.of(dir.resolve("b.pem")));
  }

  @Test
  void theCertificateNamesTheNodeAndItsAddressesAndItsKeyIsPrivate() throws Exception {
    assertThat(certificateA.getSubjectX500Principal().getName()).contains("CN=node-a");
    assertThat(certificateA.getSubjectAlternativeNames())
        .extracting(name -> String.valueOf(name.get(1)))
        .contains("node-a", "127.0.0.1", "10.99.0.1");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a.key"))))
        .isEqualTo("rw-------");
    assertThat(NodeCertificate.fingerprint(certificateA))
        .matches("SHA256:([0-9A-F]{2}:){31}[0-9A-F]{2}");
    assertThatThrownBy(
            () ->
                NodeCertificate.create(
                    dir.resolve("x.pem"),
                    dir.resolve("x.key"),
                    "node-a",
                    List.of("10.0.0.1,dns:evil")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not an IP address");
  }

  @Test
  void thePinnedPeerIsServedAndThePeerTokenWithoutItsCertificateIsRefused() throws Exception {
    try (ApiServer server = serve(nodeA)) {
      assertThat(
              client(server, peer, TlsKeyStore.peerContext(nodeB)).get("/heartbeat", String.class))
          .contains("node-a");

      // The token alone, over TLS that trusts node-a: the peer's credential is the pair.
      ApiClient tokenOnly = client(server, peer, TlsKeyStore.trust(nodeA));
      assertThatThrownBy(() -> tokenOnly.get("/heartbeat", String.class))
          .isInstanceOf(ApiException.class)
          .hasMessageContaining("401")
          .hasMessageContaining("without the peer's TLS certificate");
      // A person's token needs no certificate: the CLI and the GUI have none.
      assertThat(client(server, cli, TlsKeyStore.trust(nodeA)).get("/heartbeat", String.class))
          .contains("node-a");
      assertThat(audit)
          .anySatisfy(e -> assertThat(e.answer()).contains("without the peer's TLS certificate"));
    }
  }

  @Test
  void whoeverAnswersOnThePeersAddressWithoutItsKeyIsNotBelieved() throws Exception {
    try (ApiServer forged = serve(impostor)) {
      ApiClient nodeBsClient = client(forged, peer, TlsKeyStore.peerContext(nodeB));
      assertThatThrownBy(() -> nodeBsClient.get("/heartbeat", String.class))
          .isInstanceOf(ApiUnreachableException.class)
          .hasMessageContaining("not the pinned peer certificate");
    }
    try (ApiServer server = serve(nodeA)) {
      // A client with a certificate node-a did not pin fails the handshake.
      ApiClient stranger = client(server, peer, TlsKeyStore.peerContext(impostorFor(nodeA)));
      assertThatThrownBy(() -> stranger.get("/heartbeat", String.class))
          .isInstanceOf(ApiUnreachableException.class)
          .hasMessageContaining("certificate");
    }
  }

  @Test
  void ofMoreNodesEachPinsEveryOtherNodesCertificateInOneFile() throws Exception {
    NodeCertificate.create(dir.resolve("d.pem"), dir.resolve("d.key"), "node-d", List.of());
    Path others = dir.resolve("b-and-d.pem");
    Files.writeString(
        others, Files.readString(dir.resolve("b.pem")) + Files.readString(dir.resolve("d.pem")));
    TlsConfig nodeAOfThree =
        new TlsConfig(dir.resolve("a.pem"), dir.resolve("a.key"), Optional.of(others));
    TlsConfig nodeD =
        new TlsConfig(
            dir.resolve("d.pem"), dir.resolve("d.key"), Optional.of(dir.resolve("a.pem")));
    try (ApiServer server = serve(nodeAOfThree)) {
      assertThat(
              client(server, peer, TlsKeyStore.peerContext(nodeB)).get("/heartbeat", String.class))
          .contains("node-a");
      assertThat(
              client(server, peer, TlsKeyStore.peerContext(nodeD)).get("/heartbeat", String.class))
          .contains("node-a");
      // A certificate none of them has is still refused.
      ApiClient stranger = client(server, peer, TlsKeyStore.peerContext(impostorFor(nodeA)));
      assertThatThrownBy(() -> stranger.get("/heartbeat", String.class))
          .isInstanceOf(ApiUnreachableException.class);
    }
  }

  /** The impostor's key, trusting node-a: its handshake with node-a fails on node-a's side. */
  private static TlsConfig impostorFor(TlsConfig server) {
    return new TlsConfig(
        impostor.certificate(), impostor.privateKey(), Optional.of(server.certificate()));
  }

  private ApiServer serve(TlsConfig tls) {
    ApiServer server =
        new ApiServer(
            "127.0.0.1",
            0,
            Optional.of(tls),
            new Authentication(
                List.of(
                    new BearerTokenAuthenticator(
                        new ApiTokens(List.of(peer, cli)),
                        ctx ->
                            TlsKeyStore.presentedPinned(ctx.req(), TlsKeyStore.pinnedTrust(tls)))),
                FailureRateLimiter.withDefaults(Clock.systemUTC())),
            Optional.empty(),
            audit::add,
            routes ->
                routes.get("/heartbeat", Access.READ_OR_PEER, request -> Map.of("node", "node-a")));
    server.start();
    return server;
  }

  private static ApiClient client(ApiServer server, ApiToken token, SSLContext ssl) {
    return new ApiClient(
        ApiClient.url(true, "127.0.0.1", server.port()),
        token,
        Duration.ofSeconds(5),
        Duration.ofSeconds(5),
        Optional.of(ssl));
  }
}
