package io.zferry.service.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lab.Lab;
import io.zferry.lab.LabExtension;
import io.zferry.lab.LabNode;
import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.zfs.CliZfs;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.sync.serve.ZferryServe;
import io.zferry.sync.ssh.SshEndpoint;
import io.zferry.sync.ssh.SshHost;
import io.zferry.sync.ssh.SshKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code zferry setup-ssh node-b} run inside node-a against node-b's real sshd: it creates the key
 * (0600), prints the forced-command line, pins node-b's host key only when its fingerprint is the
 * expected one, never replaces a different pinned key, and the printed line, once on node-b, gives
 * a key that lists snapshots but cannot run anything else.
 */
@ExtendWith(LabExtension.class)
class SetupSshIT {
  private static final String MARKER = "/var/tmp/zferry-setup-ssh-marker";

  private final Path repo =
      Path.of(System.getProperty(Lab.SCRIPT_PROPERTY)).getParent().getParent().getParent();
  private LabNode nodeA;
  private LabNode nodeB;
  private Path dir;
  private String authorizedKeysBefore;

  @BeforeEach
  void setUp(Lab lab) throws Exception {
    nodeA = lab.nodeA();
    nodeB = lab.nodeB();
    dir = lab.directory().resolve("it-setup-ssh");
    nodeA.exec("rm", "-rf", dir.toString());
    Files.createDirectories(dir);
    authorizedKeysBefore =
        nodeB.exec("cat", "/root/.ssh/authorized_keys").requireSuccess().stdout();
  }

  @AfterEach
  void restore() {
    restoreAuthorizedKeys();
    nodeA.exec("rm", "-rf", dir.toString(), MARKER);
  }

  private void restoreAuthorizedKeys() {
    Path saved = dir.resolve("authorized_keys.before");
    try {
      Files.writeString(saved, authorizedKeysBefore);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    nodeB.exec("cp", saved.toString(), "/root/.ssh/authorized_keys").requireSuccess();
  }

  @Test
  void pinsTheConfirmedKeyAndPrintsALineThatOnlyServes(Lab lab) throws Exception {
    String fingerprint = hostFingerprint(lab, "node-b");
    Path key = dir.resolve("ssh/id_ed25519");
    Path knownHosts = dir.resolve("ssh/known_hosts");

    CommandResult first = setupSsh(key, knownHosts, "--expect-fingerprint", fingerprint);

    assertThat(first.exitCode()).as(first.stderr()).isZero();
    assertThat(Files.getPosixFilePermissions(key))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    String line =
        first.stdout().lines().filter(l -> l.startsWith("command=")).findFirst().orElseThrow();
    assertThat(line).startsWith("command=\"" + serveCommand() + "\",restrict ssh-ed25519 ");
    assertThat(first.stdout()).contains(fingerprint).contains("Pinned in " + knownHosts);
    List<String> pinned = Files.readAllLines(knownHosts);
    assertThat(pinned).hasSize(1);
    assertThat(pinned.get(0)).isEqualTo("node-b " + hostKey(lab, "node-b"));

    // Again: nothing changes.
    CommandResult again = setupSsh(key, knownHosts, "--yes");
    assertThat(again.exitCode()).isZero();
    assertThat(again.stdout()).contains("already pinned");
    assertThat(Files.readAllLines(knownHosts)).isEqualTo(pinned);

    // The printed line on node-b: this key now lists, and is refused anything else.
    Path lineFile = dir.resolve("line");
    Files.writeString(lineFile, line + "\n");
    nodeB
        .exec("sh", "-c", "cat \"$0\" >> /root/.ssh/authorized_keys", lineFile.toString())
        .requireSuccess();
    SshEndpoint endpoint =
        new SshEndpoint("node-b", "127.0.0.1", nodeB.forwardedSshPort(), "root", key, knownHosts);
    try (SshHost peer = new SshHost(endpoint)) {
      assertThat(new CliZfs(peer).exists(DatasetName.of("tank"))).isTrue();
      CommandResult touch = peer.run(Command.of("touch", MARKER), Duration.ofSeconds(30));
      assertThat(touch.exitCode()).isEqualTo(ZferryServe.REFUSED);
    }
    assertThat(nodeB.exec("test", "-e", MARKER).exitCode()).isNotZero();
  }

  @Test
  void aFingerprintOtherThanTheExpectedPinsNothing(Lab lab) throws Exception {
    Path knownHosts = dir.resolve("ssh/known_hosts");

    CommandResult result =
        setupSsh(
            dir.resolve("ssh/id_ed25519"),
            knownHosts,
            "--expect-fingerprint",
            hostFingerprint(lab, "node-a"));

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr())
        .contains("not the expected " + hostFingerprint(lab, "node-a"))
        .contains("nothing was pinned");
    assertThat(knownHosts).doesNotExist();
  }

  @Test
  void aChangedHostKeyIsNeverReplaced(Lab lab) throws Exception {
    Path knownHosts = dir.resolve("known_hosts");
    // node-b pinned with node-a's key, as if node-b had been replaced by another machine.
    String impostor = "node-b " + hostKey(lab, "node-a") + "\n";
    Files.writeString(knownHosts, impostor);

    CommandResult result = setupSsh(dir.resolve("ssh/id_ed25519"), knownHosts, "--yes");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr()).contains(hostFingerprint(lab, "node-b")).contains("node-b");
    assertThat(Files.readString(knownHosts)).isEqualTo(impostor);
  }

  @Test
  void declinedConfirmationPinsNothing() {
    Path knownHosts = dir.resolve("ssh/known_hosts");

    // lab exec gives the command no input: the question reads end of file, which is a no.
    CommandResult result = setupSsh(dir.resolve("ssh/id_ed25519"), knownHosts);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stdout()).contains("[y/N]");
    assertThat(result.stderr()).contains("not confirmed");
    assertThat(knownHosts).doesNotExist();
  }

  private CommandResult setupSsh(Path key, Path knownHosts, String... extra) {
    List<String> argv =
        new java.util.ArrayList<>(
            List.of(
                repo.resolve("bin/zferry").toString(),
                "setup-ssh",
                "node-b",
                "--address",
                nodeB.address(),
                "--key",
                key.toString(),
                "--known-hosts",
                knownHosts.toString(),
                "--serve-command",
                serveCommand()));
    argv.addAll(List.of(extra));
    return nodeA.exec(argv.toArray(String[]::new));
  }

  /**
   * As the lab's own keys run it: with the lab's list of served pools (a node has no /etc/zferry).
   */
  private String serveCommand() {
    return repo.resolve("bin/zferry") + " serve --config " + dir.getParent().resolve("serve.yaml");
  }

  private static String hostKey(Lab lab, String node) throws Exception {
    String[] fields =
        Files.readString(lab.directory().resolve(node).resolve("ssh_host_ed25519_key.pub"))
            .strip()
            .split(" ");
    return fields[0] + " " + fields[1];
  }

  private static String hostFingerprint(Lab lab, String node) throws Exception {
    return SshKeys.fingerprint(Base64.getDecoder().decode(hostKey(lab, node).split(" ")[1]));
  }
}
