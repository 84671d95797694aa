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
import io.zferry.sync.transfer.StreamRelay;
import io.zferry.sync.transfer.WireCodec;
import io.zferry.sync.transfer.WireCompression;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How this node reaches its peer over SSH, as {@code ssh} in the configuration says. */
public final class PeerHost {
  private static final Logger log = LoggerFactory.getLogger(PeerHost.class);

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
   * What joins a peer's send to a local receive: {@code pv} (through the package's wrapper that
   * grows the pipes to 1 MiB), when the streams run through the OpenSSH client and pv is installed
   * (a dependency of the package), so the bytes go from ssh to {@code zfs recv} without entering
   * the JVM; otherwise none, and the JVM copies them (logged, as it costs CPU and speed).
   */
  public static Optional<StreamRelay> relay(SshConfig ssh) {
    return relay(
        ssh,
        StreamRelay.PV,
        Path.of(System.getProperty(RELAY_PROPERTY, StreamRelay.WITH_LARGE_PIPES.toString())));
  }

  /** {@link #relay(SshConfig)} with the programs where they are on this node. */
  static Optional<StreamRelay> relay(SshConfig ssh, Path pv, Path withLargePipes) {
    if (ssh.streamClient() != SshConfig.StreamClient.OPENSSH) {
      return Optional.empty();
    }
    if (!Files.isExecutable(pv)) {
      log.warn(
          "{} is not installed: every stream from the peer is copied by zferryd itself, which costs"
              + " CPU and speed; install Debian's pv package",
          pv);
      return Optional.empty();
    }
    if (!Files.isExecutable(withLargePipes)) {
      log.warn(
          "{} is missing: streams from the peer go through pv with the kernel's 64 KiB pipes, at"
              + " more CPU per GB; reinstall the zferry package",
          withLargePipes);
      return Optional.of(new StreamRelay(pv));
    }
    return Optional.of(new StreamRelay(withLargePipes));
  }

  /**
   * Where a zferryd run from a source checkout finds the package's relay wrapper (bin/zferryd sets
   * it); the package installs it at {@link StreamRelay#WITH_LARGE_PIPES}.
   */
  static final String RELAY_PROPERTY = "zferry.relay";

  /**
   * How {@code service}'s piped streams are compressed on the wire: as configured, if this node has
   * zstd to decode them (the package recommends it); said at start-up when it has not.
   */
  public static WireCompression wireCompression(
      String service, WireCompression.Mode mode, Clock clock) {
    boolean decoder = Files.isExecutable(Path.of(WireCodec.ZSTD.decoderProgram()));
    if (mode != WireCompression.Mode.OFF && !decoder) {
      log.warn(
          "{}: replication.wireCompression is {}, but {} is not installed: streams go"
              + " uncompressed; install Debian's zstd package",
          service,
          mode.name().toLowerCase(java.util.Locale.ROOT),
          WireCodec.ZSTD.decoderProgram());
    }
    return new WireCompression(mode, decoder, clock);
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
