package io.zferry.sync.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.HostException;
import io.zferry.snapshot.host.LocalHost;
import io.zferry.snapshot.host.LocalLaunch;
import io.zferry.snapshot.host.LocalPipeline;
import io.zferry.snapshot.host.RunningCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenSSH client's command line, run with stand-ins for {@code ssh} that print their argv or
 * fail as ssh does: it trusts only the key zferry verified, reads no other configuration, and names
 * ssh when ssh is what failed.
 */
class OpenSshHostTest {
  private static final byte[] KEY = "a host key blob".getBytes(StandardCharsets.US_ASCII);
  private static final KnownHostsEntry PINNED =
      new KnownHostsEntry(3, KnownHostsEntry.Marker.NONE, "node-a", "ssh-ed25519", KEY);

  @TempDir Path dir;

  private SshEndpoint endpoint(Path key) {
    return new SshEndpoint("node-a", "10.99.0.11", 2222, "root", key, dir.resolve("known_hosts"));
  }

  private OpenSshHost host(Path program, Optional<KnownHostsEntry> pinned) {
    return new OpenSshHost(
        endpoint(Path.of("/etc/zferry/ssh/id_ed25519")),
        SshSettings.defaults(),
        () -> pinned,
        new LocalHost("local"),
        program,
        dir.resolve("openssh"));
  }

  @Test
  void theCommandTrustsOnlyTheKeyZferryVerifiedAndReadsNoOtherConfiguration() throws IOException {
    OpenSshHost host = host(Path.of("/bin/echo"), Optional.of(PINNED));
    List<String> argv;
    try (RunningCommand echo = host.start(Command.of("zferry-ticket", "0123abcd"))) {
      String printed = new String(echo.stdout().readAllBytes(), StandardCharsets.UTF_8).strip();
      assertThat(echo.await(Duration.ofSeconds(10)).exitCode()).isZero();
      argv = List.of(printed.split(" "));
      assertThat(echo.command()).isEqualTo(Command.of("zferry-ticket", "0123abcd"));
    }
    Path knownHosts = dir.resolve("openssh/known_hosts");
    assertThat(Files.readString(knownHosts))
        .isEqualTo("node-a ssh-ed25519 " + Base64.getEncoder().encodeToString(KEY) + "\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(knownHosts.getParent())))
        .isEqualTo("rwx------");
    assertThat(argv)
        .containsSubsequence("-F", "/dev/null")
        .containsSubsequence("-o", "StrictHostKeyChecking=yes")
        .containsSubsequence("-o", "UserKnownHostsFile=" + knownHosts)
        .containsSubsequence("-o", "GlobalKnownHostsFile=/dev/null")
        .containsSubsequence("-o", "HostKeyAlias=node-a")
        .containsSubsequence("-o", "BatchMode=yes")
        .containsSubsequence("-o", "IdentitiesOnly=yes")
        .containsSubsequence("-i", "/etc/zferry/ssh/id_ed25519")
        .containsSubsequence("-o", "Compression=no")
        .containsSubsequence("-p", "2222", "-l", "root");
    // The remote command goes as one word, quoted for the peer's shell, after the options' end.
    assertThat(argv.subList(argv.size() - 4, argv.size()))
        .containsExactly("--", "10.99.0.11", "'zferry-ticket'", "'0123abcd'");
    host.close();
    assertThat(dir.resolve("openssh")).doesNotExist();
  }

  @Test
  void aNewlyPinnedKeyReplacesTheOldOne() throws IOException {
    AtomicReference<KnownHostsEntry> pinned = new AtomicReference<>(PINNED);
    OpenSshHost host =
        new OpenSshHost(
            endpoint(Path.of("/etc/zferry/ssh/id_ed25519")),
            SshSettings.defaults(),
            () -> Optional.of(pinned.get()),
            new LocalHost("local"),
            Path.of("/bin/true"),
            dir.resolve("openssh"));
    host.run(Command.of("zfs", "list"), Duration.ofSeconds(10));
    byte[] rekeyed = "another key".getBytes(StandardCharsets.US_ASCII);
    pinned.set(new KnownHostsEntry(4, KnownHostsEntry.Marker.NONE, "node-a", "ssh-rsa", rekeyed));
    host.run(Command.of("zfs", "list"), Duration.ofSeconds(10));
    assertThat(Files.readString(dir.resolve("openssh/known_hosts")))
        .isEqualTo("node-a ssh-rsa " + Base64.getEncoder().encodeToString(rekeyed) + "\n");
  }

  @Test
  void nothingRunsBeforeZferryVerifiedTheKey() {
    OpenSshHost host = host(Path.of("/bin/echo"), Optional.empty());
    assertThatThrownBy(() -> host.start(Command.of("zferry-ticket", "0123abcd")))
        .isInstanceOf(HostException.class)
        .hasMessageContaining("no host key of node-a has been verified yet");
  }

  @Test
  void aFailureOfSshItselfIsNamed() throws IOException {
    Path fakeSsh = dir.resolve("ssh");
    Files.writeString(fakeSsh, "#!/bin/sh\necho 'Host key verification failed.' >&2\nexit 255\n");
    Files.setPosixFilePermissions(fakeSsh, PosixFilePermissions.fromString("rwx------"));
    OpenSshHost host = host(fakeSsh, Optional.of(PINNED));
    CommandResult result =
        host.run(Command.of("zfs", "send", "tank@zferry-1"), Duration.ofSeconds(10));
    assertThat(result.exitCode()).isEqualTo(255);
    assertThat(result.command()).isEqualTo(Command.of("zfs", "send", "tank@zferry-1"));
    assertThat(result.stderr())
        .contains("the OpenSSH client could not run it on root@10.99.0.11:2222 (exit 255)")
        .contains("Host key verification failed.");
  }

  @Test
  void aLaunchIsTheSameSshCommandAndIsReportedAsThePeersCommand() throws IOException {
    Path fakeSsh = dir.resolve("ssh");
    Files.writeString(fakeSsh, "#!/bin/sh\necho 'Connection refused' >&2\nexit 255\n");
    Files.setPosixFilePermissions(fakeSsh, PosixFilePermissions.fromString("rwx------"));
    OpenSshHost host = host(fakeSsh, Optional.of(PINNED));
    Command send = Command.of("zfs", "send", "tank@zferry-1");

    LocalLaunch launch = host.launch(send).orElseThrow();

    assertThat(host.launchesLocally()).isTrue();
    assertThat(launch.argv()).isEqualTo(host.argv("'zfs' 'send' 'tank@zferry-1'"));
    // The key is in place before anything runs.
    assertThat(dir.resolve("openssh/known_hosts")).exists();
    LocalPipeline pipeline =
        LocalPipeline.start(List.of(launch, LocalLaunch.plain("local", List.of("cat"))));
    try (pipeline) {
      RunningCommand sender = pipeline.stage(0);
      assertThat(sender.host()).isEqualTo("node-a");
      assertThat(sender.command()).isEqualTo(send);
      CommandResult result = sender.await(Duration.ofSeconds(10));
      assertThat(result.stderr())
          .contains("the OpenSSH client could not run it on root@10.99.0.11:2222 (exit 255)")
          .contains("Connection refused");
    }
  }

  @Test
  void nothingIsLaunchedBeforeZferryVerifiedTheKey() {
    OpenSshHost host = host(Path.of("/bin/echo"), Optional.empty());
    assertThatThrownBy(() -> host.launch(Command.of("zferry-ticket", "0123abcd")))
        .isInstanceOf(HostException.class)
        .hasMessageContaining("no host key of node-a has been verified yet");
  }

  @Test
  void aPathOpenSshWouldExpandIsRefused() {
    assertThatThrownBy(
            () ->
                new OpenSshHost(
                    endpoint(Path.of("/etc/zferry/ssh/%h key")),
                    SshSettings.defaults(),
                    () -> Optional.of(PINNED),
                    new LocalHost("local"),
                    Path.of("/usr/bin/ssh"),
                    dir.resolve("openssh")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ssh.privateKey /etc/zferry/ssh/%h key cannot be handed to the")
        .hasMessageContaining("ssh.streamClient: sshj");
  }
}
