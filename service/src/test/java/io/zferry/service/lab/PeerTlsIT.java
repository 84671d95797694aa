package io.zferry.service.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lab.Lab;
import io.zferry.lab.LabExtension;
import io.zferry.lab.LabNode;
import io.zferry.service.api.auth.TokenFile;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.service.tls.NodeCertificate;
import io.zferry.snapshot.host.CommandResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The peer channel with mutual TLS in the lab (docs/security.md 2.8): both zferryd pin each other's
 * certificate; plain HTTP is not spoken; the peer's token without the peer's certificate is refused
 * even from the peer's own address; and a server on the peer's address with another key answering a
 * forged heartbeat (node-b active at a higher epoch) is not believed.
 */
@ExtendWith(LabExtension.class)
class PeerTlsIT {
  private static final String IMPOSTOR =
      String.join(
          "\n",
          "import http.server, json, ssl, sys",
          "beat = json.dumps({'node': 'node-b', 'time': '2030-01-01T00:00:00Z', 'services': [",
          "  {'name': 'tank', 'activeNode': 'node-b', 'epoch': 99}]}).encode()",
          "class Forged(http.server.BaseHTTPRequestHandler):",
          "  def do_GET(self):",
          "    self.send_response(200)",
          "    self.send_header('Content-Type', 'application/json')",
          "    self.end_headers()",
          "    self.wfile.write(beat)",
          "server = http.server.HTTPServer(('0.0.0.0', 8330), Forged)",
          "context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)",
          "context.load_cert_chain(sys.argv[1], sys.argv[2])",
          "server.socket = context.wrap_socket(server.socket, server_side=True)",
          "server.serve_forever()",
          "");

  private LabCluster cluster;
  private LabNode nodeA;
  private LabNode nodeB;
  private Path impostorScript;

  @BeforeEach
  void start(Lab lab) {
    nodeA = lab.nodeA();
    nodeB = lab.nodeB();
    cluster =
        new LabCluster(
            lab,
            "peer-tls",
            List.of("snapshotInterval: 5s", "pullInterval: 2s", "retentionCount: 10"),
            List.of("heartbeatInterval: 500ms", "heartbeatTimeout: 3s"),
            List.of("fencing: " + FaultScenario.fenceWithLabPowerSwitch()));
    cluster.startFresh();
    impostorScript = lab.directory().resolve("it-peer-tls").resolve("impostor.py");
  }

  @AfterEach
  void stop() {
    nodeB.exec("sh", "-c", "pkill -f " + impostorScript + "; true");
    cluster.saveEvidence("peer-tls");
    cluster.close();
  }

  @Test
  void theNodesBelieveOnlyEachOthersCertificate() throws Exception {
    nodeA.shell("echo over-tls > /tank/t");
    cluster.await(
        Duration.ofSeconds(60),
        "replication with the heartbeats over mutual TLS",
        () -> nodeB.exec("cat", "/tank/t").stdout().equals("over-tls\n"));
    String statusOfA = cluster.api("node-a", Optional.of("cli"), "GET", "/api/v1/status").stdout();
    assertThat(statusOfA)
        .as("node-a hears node-b over TLS")
        .endsWith("\n200")
        .containsPattern("\"reachable\"\\s*:\\s*true");

    // Plain HTTP is not spoken on the API's port.
    assertThat(LabCluster.plainHttpStatus(nodeB, nodeA))
        .as("plain HTTP")
        .isNotEqualTo("200")
        .isNotEqualTo("401");

    // The peer's token alone, from the peer's own address, is not the peer.
    Path header = cluster.directory().resolve("peer-header");
    Files.writeString(
        header,
        "Authorization: Bearer "
            + TokenFile.read(cluster.tokensFile()).forClient("peer").secret()
            + "\n");
    CommandResult tokenOnly = fromNodeB(header, List.of("-w", "\n%{http_code}"));
    assertThat(tokenOnly.stdout()).endsWith("\n401").contains("without the peer's TLS certificate");

    // A client certificate node-a did not pin fails the handshake.
    Path otherCert = cluster.directory().resolve("impostor.pem");
    Path otherKey = cluster.directory().resolve("impostor.key");
    NodeCertificate.create(otherCert, otherKey, "node-b", List.of(nodeB.address()));
    CommandResult stranger =
        fromNodeB(
            header,
            List.of(
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "--cert",
                otherCert.toString(),
                "--key",
                otherKey.toString()));
    assertThat(stranger.stdout()).as("an unpinned client certificate").isEqualTo("000");

    // Whoever takes node-b's address, with another key, forges node-b active at epoch 99.
    cluster.stop("node-b");
    Files.writeString(impostorScript, IMPOSTOR);
    nodeB
        .exec(
            "sh",
            "-c",
            "nohup python3 \"$0\" \"$1\" \"$2\" > \"$0.log\" 2>&1 &",
            impostorScript.toString(),
            otherCert.toString(),
            otherKey.toString())
        .requireSuccess();
    cluster.await(
        Duration.ofSeconds(20),
        "the impostor answering on node-b's address",
        () ->
            nodeA
                .exec(
                    "curl",
                    "-s",
                    "-k",
                    "-o",
                    "/dev/null",
                    "-w",
                    "%{http_code}",
                    "https://" + nodeB.address() + ":8330/api/v1/heartbeat")
                .stdout()
                .equals("200"));
    cluster.await(
        Duration.ofSeconds(30),
        "node-a's warning that the impostor's certificate is not the pinned one",
        () -> {
          try {
            return Files.readString(cluster.log("node-a"))
                .lines()
                .anyMatch(
                    line ->
                        line.contains("its heartbeat is not believed")
                            && line.contains("not the pinned peer certificate"));
          } catch (java.io.IOException e) {
            return false;
          }
        });
    LabCluster.sleep(Duration.ofSeconds(5));
    ServiceStatus a = cluster.status("node-a").orElseThrow();
    assertThat(a.role()).as("node-a obeys no forged heartbeat").isEqualTo("active");
    assertThat(a.epoch()).isZero();
  }

  /** curl in node-b to node-a's heartbeat over TLS, trusting node-a, with the peer's token. */
  private CommandResult fromNodeB(Path header, List<String> options) {
    List<String> argv = new java.util.ArrayList<>(List.of("curl", "-s"));
    argv.addAll(options);
    argv.addAll(
        List.of(
            "--cacert", cluster.certificate("node-a").toString(), "-H", "@" + header, url(nodeA)));
    return nodeB.exec(argv.toArray(String[]::new));
  }

  private static String url(LabNode node) {
    return "https://" + node.address() + ":8330/api/v1/heartbeat";
  }
}
