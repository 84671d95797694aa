package io.zferry.service.daemon;

import io.zferry.service.config.NodeConfig;
import io.zferry.service.config.SshConfig;
import io.zferry.service.config.ZferryConfig;
import io.zferry.snapshot.host.Host;
import io.zferry.snapshot.host.LocalHost;
import io.zferry.sync.ssh.OpenSshHost;
import io.zferry.sync.ssh.SessionHost;
import io.zferry.sync.ssh.SshEndpoint;
import io.zferry.sync.ssh.SshHost;
import io.zferry.sync.ssh.SshSettings;
import java.nio.file.Files;
import java.time.Clock;

/** How this node reaches its peer over SSH, as {@code ssh} in the configuration says. */
public final class PeerHost {
  private PeerHost() {}

  /**
   * Whether the stream client the configuration names can run here; checked at start-up, before
   * anything is opened.
   *
   * @throws IllegalStateException if the OpenSSH client is asked for and not installed
   * @throws IllegalArgumentException if a path cannot be handed to it
   */
  public static void check(SshConfig ssh) {
    if (ssh.streamClient() != SshConfig.StreamClient.OPENSSH) {
      return;
    }
    if (!Files.isExecutable(OpenSshHost.DEFAULT_PROGRAM)) {
      throw new IllegalStateException(
          "ssh.streamClient is openssh, but "
              + OpenSshHost.DEFAULT_PROGRAM
              + " is not installed: install openssh-client, or set ssh.streamClient: sshj");
    }
    OpenSshHost.requireSafe("ssh.privateKey", ssh.privateKey());
  }

  /**
   * One zferry serve session on the peer carries the commands of every pull; the streams go through
   * the OpenSSH client unless {@code ssh.streamClient} is {@code sshj}. zferryd has run {@link
   * #check} at start-up.
   */
  public static SessionHost open(ZferryConfig config, NodeConfig peer) {
    SshConfig ssh = config.ssh();
    SshEndpoint endpoint =
        new SshEndpoint(
            peer.name().value(),
            peer.address(),
            peer.sshPort(),
            ssh.user(),
            ssh.privateKey(),
            ssh.knownHosts());
    SshSettings settings = SshSettings.defaults();
    SshHost connection = new SshHost(endpoint, settings);
    Host streams =
        switch (ssh.streamClient()) {
          case SSHJ -> connection;
          case OPENSSH ->
              new OpenSshHost(
                  endpoint,
                  settings,
                  connection::trustedHostKey,
                  new LocalHost("local"),
                  OpenSshHost.DEFAULT_PROGRAM,
                  OpenSshHost.runtimeDirectory(endpoint.nodeName()));
        };
    return new SessionHost(connection, streams, Clock.systemUTC());
  }
}
