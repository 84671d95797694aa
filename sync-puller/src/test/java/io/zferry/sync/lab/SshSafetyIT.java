package io.zferry.sync.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.lab.Lab;
import io.zferry.lab.LabExtension;
import io.zferry.lab.LabNode;
import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.zfs.CliZfs;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.InvalidNameException;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.sync.ssh.HostKeyMismatchException;
import io.zferry.sync.ssh.InvalidRemoteArgumentException;
import io.zferry.sync.ssh.SshHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Hostile names and a changed host key against the real sshd of node-a: refused, no effect. */
@ExtendWith(LabExtension.class)
class SshSafetyIT {
  private static final String MARKER = "/var/tmp/zferry-injection-marker";

  /** Each entry would create MARKER if any shell on node-a interpreted it. */
  private static final List<String> HOSTILE =
      List.of(
          "tank;touch " + MARKER,
          "tank$(touch " + MARKER + ")",
          "tank`touch " + MARKER + "`",
          "tank' ; touch " + MARKER + " ; '",
          "tank\"; touch " + MARKER + "; \"",
          "tank\ntouch " + MARKER,
          "tank|touch " + MARKER,
          "tank&&touch " + MARKER,
          "tank\u00a0" + MARKER,
          "tank%s",
          "tank/\u0430",
          "x".repeat(2000));

  private LabNode nodeA;

  @BeforeEach
  void noMarker(Lab lab) {
    nodeA = lab.nodeA();
    nodeA.exec("rm", "-f", MARKER);
  }

  @Test
  void hostileArgumentsAreRefusedBeforeAnythingIsSent() {
    String datasetsBefore = datasetsOnA();
    try (SshHost peer = new SshHost(LabPeers.endpoint(nodeA))) {
      for (String hostile : HOSTILE) {
        assertThatThrownBy(() -> peer.start(Command.of("zfs", "list", hostile)))
            .as(hostile)
            .isInstanceOf(InvalidRemoteArgumentException.class);
        assertThatThrownBy(() -> DatasetName.of(hostile)).isInstanceOf(InvalidNameException.class);
        assertThatThrownBy(() -> SnapshotName.parse("tank@" + hostile))
            .isInstanceOf(InvalidNameException.class);
      }
      assertThat(peer.isConnected()).as("nothing was sent, so no connection was needed").isFalse();

      // The same connection still serves valid requests afterwards.
      assertThat(new CliZfs(peer).exists(DatasetName.of("tank"))).isTrue();
    }
    assertThat(nodeA.exec("test", "-e", MARKER).exitCode()).isNotZero();
    assertThat(datasetsOnA()).isEqualTo(datasetsBefore);
  }

  @Test
  void aChangedHostKeyIsRefusedAndNoCommandRuns(Lab lab, @TempDir Path dir) throws IOException {
    // node-a answering with a key other than the pinned one: pin node-b's key under node-a's name.
    List<String> tampered = new ArrayList<>();
    String nodeBKey = null;
    List<String> lines = Files.readAllLines(nodeA.knownHosts());
    for (String line : lines) {
      String[] fields = line.split(" ");
      if (fields[0].equals("node-b")) {
        nodeBKey = fields[1] + " " + fields[2];
      }
    }
    assertThat(nodeBKey).as("node-b's key in " + nodeA.knownHosts()).isNotNull();
    for (String line : lines) {
      String[] fields = line.split(" ");
      boolean nodeAEntry =
          fields[0].equals("node-a") || fields[0].equals("[127.0.0.1]:" + nodeA.forwardedSshPort());
      tampered.add(nodeAEntry ? fields[0] + " " + nodeBKey : line);
    }
    Path knownHosts = dir.resolve("known_hosts");
    Files.write(knownHosts, tampered);

    try (SshHost peer = new SshHost(LabPeers.endpoint(nodeA, knownHosts))) {
      assertThatThrownBy(() -> new CliZfs(peer).exists(DatasetName.of("tank")))
          .isInstanceOfSatisfying(
              HostKeyMismatchException.class,
              e -> {
                assertThat(e.getMessage()).contains("node-a").contains("SHA256:");
                assertThat(e.offeredFingerprint()).isNotIn(e.expectedFingerprints());
              });
    }

    // With the true key pinned the same command runs: the refusal was the key, nothing else.
    try (SshHost peer = new SshHost(LabPeers.endpoint(nodeA))) {
      assertThat(new CliZfs(peer).exists(DatasetName.of("tank"))).isTrue();
    }
  }

  private String datasetsOnA() {
    return nodeA.exec("zfs", "list", "-H", "-r", "-o", "name", "tank").requireSuccess().stdout();
  }
}
