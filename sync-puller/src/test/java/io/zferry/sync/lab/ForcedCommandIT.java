package io.zferry.sync.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.lab.Lab;
import io.zferry.lab.LabExtension;
import io.zferry.lab.LabNode;
import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.RunningCommand;
import io.zferry.snapshot.zfs.CliZfs;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.sync.serve.ZferryServe;
import io.zferry.sync.ssh.SessionHost;
import io.zferry.sync.ssh.SshHost;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lab installs every zferry key with {@code command=".../bin/zferry serve",restrict}, as {@code
 * zferry setup-ssh} prints it. Through the real sshd of node-a: commands that would destroy or
 * write are refused with exit 77 and leave the dataset, the file and the pool as they were; the
 * listing a pull needs still works; and the figures of what the forced command costs are printed.
 */
@ExtendWith(LabExtension.class)
class ForcedCommandIT {
  private static final String MARKER = "/var/tmp/zferry-forced-command-marker";
  private static final String VICTIM_FILE = "/var/tmp/zferry-forced-command-victim";
  private static final DatasetName VICTIM = DatasetName.of("tank/forced-command-victim");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private LabNode nodeA;
  private LabNode nodeB;

  @BeforeEach
  void victims(Lab lab) {
    nodeA = lab.nodeA();
    nodeB = lab.nodeB();
    nodeA.exec("rm", "-f", MARKER);
    nodeA.exec("sh", "-c", "echo keep > " + VICTIM_FILE).requireSuccess();
    if (!nodeA.zfs().exists(VICTIM)) {
      nodeA.zfs().createFilesystem(VICTIM);
    }
  }

  @AfterEach
  void cleanUp() {
    nodeA.exec("rm", "-f", MARKER, VICTIM_FILE);
    LabPeers.destroyIfExists(nodeA.zfs(), VICTIM);
  }

  @Test
  void zferrysOwnClientCannotRunAnythingButTheAllowedOperations() {
    try (SshHost peer = new SshHost(LabPeers.endpoint(nodeA))) {
      for (Command forbidden :
          List.of(
              Command.of("zfs", "destroy", "-r", VICTIM.value()),
              Command.of("zfs", "destroy", "-r", "tank"),
              Command.of("zfs", "set", "readonly=on", "tank"),
              Command.of("zfs", "rollback", "-r", "tank@none"),
              Command.of("zfs", "receive", "-F", VICTIM.value()),
              Command.of("rm", "-rf", VICTIM_FILE),
              Command.of("touch", MARKER))) {
        CommandResult result = peer.run(forbidden, TIMEOUT);
        assertThat(result.exitCode()).as(forbidden.toString()).isEqualTo(ZferryServe.REFUSED);
        assertThat(result.stderr()).as(forbidden.toString()).startsWith("zferry serve: refused ");
      }
      // Operations zferry runs, but of a pool no service of the node's config has.
      for (Command outside :
          List.of(
              Command.of("zfs", "send", "-R", "rpool@backup"),
              Command.of("zfs", "list", "-H", "-o", "name", "rpool/ROOT"))) {
        CommandResult result = peer.run(outside, TIMEOUT);
        assertThat(result.exitCode()).as(outside.toString()).isEqualTo(ZferryServe.REFUSED);
        assertThat(result.stderr())
            .as(outside.toString())
            .contains("is not in a pool of this node's services (tank)");
      }
      // The same connection and key still do what a pull needs.
      assertThat(new CliZfs(peer).exists(VICTIM)).isTrue();
      assertThat(new CliZfs(peer).listSnapshots(DatasetName.of("tank"))).isNotNull();
    }
    assertNothingChanged();
  }

  /**
   * Through the real sshd and launcher: one session carries the listings, refuses what a plain
   * command would, and a send goes as a ticket whose stream equals the plain send's; a ticket is
   * good once, and none is left behind.
   */
  @Test
  void aSessionRunsTheAllowedOperationsAndSendsByTicket() throws Exception {
    SnapshotName snapshot = nodeA.zfs().snapshot(VICTIM, "session-send", false);
    try (SshHost plain = new SshHost(LabPeers.endpoint(nodeA));
        SessionHost peer = new SessionHost(new SshHost(LabPeers.endpoint(nodeA)))) {
      CliZfs zfs = new CliZfs(peer);
      assertThat(zfs.exists(VICTIM)).isTrue();
      assertThat(peer.hasSession()).as("the listing went through a session").isTrue();
      assertThat(zfs.listSnapshots(DatasetName.of("tank")).snapshots())
          .anyMatch(s -> s.name().equals(snapshot));

      CommandResult refused = peer.run(Command.of("zfs", "destroy", "-r", VICTIM.value()), TIMEOUT);
      assertThat(refused.exitCode()).isEqualTo(ZferryServe.REFUSED);
      assertThat(refused.stderr()).startsWith("zferry serve: refused ");
      CommandResult outside = peer.run(Command.of("zfs", "send", "-R", "rpool@backup"), TIMEOUT);
      assertThat(outside.exitCode()).isEqualTo(ZferryServe.REFUSED);
      assertThat(outside.stderr()).contains("is not in a pool of this node's services (tank)");
      assertThat(peer.hasSession()).as("a refusal keeps the session").isTrue();

      Command send = Command.of("zfs", "send", snapshot.toString());
      byte[] byTicket;
      try (RunningCommand running = peer.start(send)) {
        running.stdin().close();
        byTicket = running.stdout().readAllBytes();
        assertThat(running.await(TIMEOUT).exitCode()).isZero();
        assertThat(running.command()).isEqualTo(send);
      }
      byte[] plainSend;
      try (RunningCommand running = plain.start(send)) {
        running.stdin().close();
        plainSend = running.stdout().readAllBytes();
        assertThat(running.await(TIMEOUT).exitCode()).isZero();
      }
      assertThat(byTicket).hasSizeGreaterThan(0).isEqualTo(plainSend);

      CommandResult forged =
          plain.run(Command.of("zferry-ticket", "0123456789abcdef0123456789abcdef"), TIMEOUT);
      assertThat(forged.exitCode()).isEqualTo(ZferryServe.REFUSED);
      assertThat(forged.stderr()).contains("no ticket");
    } finally {
      nodeA.zfs().destroySnapshot(snapshot);
    }
    assertThat(nodeA.exec("sh", "-c", "ls -A /run/zferry-serve 2>/dev/null").stdout())
        .as("no ticket left behind once the session ended")
        .isEmpty();
    assertNothingChanged();
  }

  @Test
  void shellSyntaxFromTheOpenSshClientIsRefusedWithoutSideEffect() {
    for (String line :
        List.of(
            "zfs list; touch " + MARKER,
            "zfs list -H -o name tank; touch " + MARKER,
            "zfs list -H -o name tank && touch " + MARKER,
            "zfs list -H -o name $(touch " + MARKER + ")",
            "zfs list -H -o name `touch " + MARKER + "`",
            "zfs list -H -o name tank > " + MARKER,
            "zfs list -H -o name tank\ntouch " + MARKER,
            "rm -rf " + VICTIM_FILE,
            "rm -rf /var/tmp/zferry-forced-command-*",
            "zfs destroy -r tank",
            "sh -c 'touch " + MARKER + "'")) {
      // node-b's own key, the one its zferryd uses, through the OpenSSH client.
      CommandResult result = nodeB.exec("ssh", "node-a", line);
      assertThat(result.exitCode()).as(line).isEqualTo(ZferryServe.REFUSED);
      assertThat(result.stderr()).as(line).contains("zferry serve: refused");
    }
    CommandResult interactive = nodeB.exec("ssh", "-T", "node-a");
    assertThat(interactive.exitCode()).isEqualTo(ZferryServe.REFUSED);
    assertThat(interactive.stderr()).contains("interactive login");
    assertNothingChanged();
  }

  @Test
  void measuresWhatTheForcedCommandCosts() {
    int rounds = 10;
    List<String> listing = List.of("zfs", "list", "-H", "-o", "name", "tank");
    // Warm-up: page cache, sshd's first fork.
    nodeB.exec(concat(List.of("ssh", "node-a"), listing)).requireSuccess();
    nodeB.exec(concat(List.of("ssh", "-i", adminKey(), "node-a"), listing)).requireSuccess();
    long forced = time(rounds, concat(List.of("ssh", "node-a"), listing));
    long direct = time(rounds, concat(List.of("ssh", "-i", adminKey(), "node-a"), listing));
    long local = time(rounds, listing.toArray(String[]::new));
    System.out.printf(
        "forced-command overhead: ssh + zferry serve + zfs list %d ms, ssh + zfs list %d ms,"
            + " zfs list inside node %d ms (median of %d)%n",
        forced, direct, local, rounds);
    assertThat(forced)
        .as("a listing through zferry serve stays well under a pull interval")
        .isLessThan(3000);

    // zferryd's own client: a command on its connection, alone or in a serve session.
    Command command = Command.of(listing.toArray(String[]::new));
    try (SshHost plain = new SshHost(LabPeers.endpoint(nodeA));
        SessionHost session = new SessionHost(new SshHost(LabPeers.endpoint(nodeA)))) {
      plain.run(command, TIMEOUT).requireSuccess();
      session.run(command, TIMEOUT).requireSuccess();
      long alone = median(rounds, () -> plain.run(command, TIMEOUT).requireSuccess());
      long inSession = median(rounds, () -> session.run(command, TIMEOUT).requireSuccess());
      System.out.printf(
          "zferry's client, zfs list on node-a: %d ms as a command of its own (a zferry serve JVM"
              + " each), %d ms in a serve session (median of %d)%n",
          alone, inSession, rounds);
    }
  }

  private static long median(int rounds, Runnable action) {
    long[] millis = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      long start = System.nanoTime();
      action.run();
      millis[i] = (System.nanoTime() - start) / 1_000_000;
    }
    java.util.Arrays.sort(millis);
    return millis[rounds / 2];
  }

  private long time(int rounds, String... argv) {
    long[] millis = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      long start = System.nanoTime();
      nodeB.exec(argv).requireSuccess();
      millis[i] = (System.nanoTime() - start) / 1_000_000;
    }
    java.util.Arrays.sort(millis);
    return millis[rounds / 2];
  }

  private String adminKey() {
    return nodeA.clientKey().resolveSibling("admin_key").toString();
  }

  private static String[] concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toArray(String[]::new);
  }

  private void assertNothingChanged() {
    assertThat(nodeA.exec("test", "-e", MARKER).exitCode()).as("marker").isNotZero();
    assertThat(nodeA.exec("cat", VICTIM_FILE).stdout()).isEqualTo("keep\n");
    assertThat(nodeA.zfs().exists(VICTIM)).as(VICTIM.value()).isTrue();
    assertThat(nodeA.zfs().exists(DatasetName.of("tank"))).isTrue();
  }
}
