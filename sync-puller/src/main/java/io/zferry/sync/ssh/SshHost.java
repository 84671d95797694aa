package io.zferry.sync.ssh;

import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.Host;
import io.zferry.snapshot.host.HostException;
import io.zferry.snapshot.host.RunningCommand;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.schmizz.keepalive.KeepAlive;
import net.schmizz.keepalive.KeepAliveRunner;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.SSHRuntimeException;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.transport.NegotiatedAlgorithms;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A peer node reached over SSH with sshj. Commands are argv lists; each argument is validated and
 * single-quoted by {@link RemoteArguments} before anything touches the network, so an argument that
 * could mean something to the peer's shell is refused without even connecting.
 *
 * <p>One SSH connection per instance, opened on first use and re-opened if it dropped (keepalive
 * requests detect a vanished peer); each command gets its own session channel on it, so several
 * commands may run at once, up to the server's {@code MaxSessions} (OpenSSH default 10).
 * Thread-safe. Host keys are checked by {@link PinnedHostKeyVerifier}, authentication is by the
 * endpoint's private key only.
 *
 * <p>Channel windows are never auto-expanded: sshj's auto-expansion hung about one bulk transfer in
 * 23 in the lab (server out of window). The window is re-opened as the caller reads.
 */
public final class SshHost implements Host {
  private static final Logger log = LoggerFactory.getLogger(SshHost.class);

  static {
    SshjSetup.ensureConfigured();
  }

  private final SshEndpoint endpoint;
  private final SshSettings settings;
  private final Object connectLock = new Object();
  private SSHClient client; // guarded by connectLock
  private boolean closed; // guarded by connectLock

  /** Commands started and maybe still running, for {@link #abortRunning()}. */
  private final Set<SshRunningCommand> started = ConcurrentHashMap.newKeySet();

  private volatile NegotiatedAlgorithms negotiated;

  /** The known_hosts line that vouched for the peer's key on the latest connection. */
  private volatile KnownHostsEntry trustedKey;

  /** The connection being opened, if one is: {@link #abortRunning()} drops it. */
  private volatile SSHClient connecting;

  // Sessions being opened on an established connection, and that connection: on a peer that has
  // just died, opening one waits for the keep-alive to give up (15 s), which abortRunning ends.
  private final java.util.concurrent.ConcurrentHashMap<SSHClient, Integer> openingOn =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong aborts =
      new java.util.concurrent.atomic.AtomicLong();

  public SshHost(SshEndpoint endpoint) {
    this(endpoint, SshSettings.defaults());
  }

  public SshHost(SshEndpoint endpoint, SshSettings settings) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public String name() {
    return endpoint.nodeName();
  }

  public SshEndpoint endpoint() {
    return endpoint;
  }

  /**
   * Starts a command on the peer. Its stdout and stdin are the channel's streams; closing stdin
   * sends EOF. A command that ends without an exit status (killed by a signal, connection lost)
   * reports exit code -1.
   *
   * @throws InvalidRemoteArgumentException if an argument does not fit the remote grammar; nothing
   *     was sent and no connection was opened
   * @throws RemoteHostException if the peer cannot be reached, trusted or authenticated to
   */
  @Override
  public RunningCommand start(Command command) {
    String line = RemoteArguments.commandLine(command);
    long generation = aborts.get();
    SSHClient connection = connection();
    Session session;
    SSHClient counted = connection;
    openingOn.merge(counted, 1, Integer::sum);
    try {
      session = connection.startSession();
    } catch (IOException | SSHRuntimeException e) {
      if (aborts.get() != generation) {
        // abortRunning ended the connection under it: the caller gave up on this peer.
        throw new RemoteHostException(
            endpoint, "opening a session for '" + command + "' was ended: " + describe(e), e);
      }
      if (connection.isConnected()) {
        throw new RemoteHostException(
            endpoint,
            "could not open a session for '"
                + command
                + "': "
                + describe(e)
                + " (too many concurrent commands for the server's MaxSessions?)",
            e);
      }
      // The connection died since it was last checked; opening a session has no effect on the
      // peer, so retrying once on a fresh connection is safe.
      log.info("{}: SSH connection was lost ({}), reconnecting", name(), describe(e));
      connection = reconnect(connection);
      session = openSession(connection, command);
    } finally {
      openingOn.computeIfPresent(counted, (c, n) -> n > 1 ? n - 1 : null);
    }
    SSHClient sessionConnection = connection;
    try {
      session.setAutoExpand(false);
      log.debug("{}: exec {}", name(), line);
      Session.Command channel = session.exec(line);
      SshRunningCommand running =
          new SshRunningCommand(name(), command, channel, sessionConnection::isConnected);
      started.removeIf(c -> !c.isRunning());
      started.add(running);
      return running;
    } catch (IOException | SSHRuntimeException e) {
      closeQuietly(session);
      throw new RemoteHostException(
          endpoint, "could not start '" + command + "': " + describe(e), e);
    }
  }

  private Session openSession(SSHClient connection, Command command) {
    try {
      return connection.startSession();
    } catch (IOException | SSHRuntimeException e) {
      throw new RemoteHostException(
          endpoint, "could not open a session for '" + command + "': " + describe(e), e);
    }
  }

  @Override
  public int abortRunning() {
    aborts.incrementAndGet();
    int ended = 0;
    for (SSHClient stuck : List.copyOf(openingOn.keySet())) {
      // A session still being opened waits on the peer's answer: closing the socket fails it (and
      // every other wait on that connection) at once; the next command connects anew.
      try {
        if (stuck.getSocket() != null) {
          stuck.getSocket().close();
          ended++;
        }
      } catch (IOException e) {
        log.debug("{}: closing a connection opening a session: {}", name(), e.getMessage());
      }
    }
    SSHClient opening = connecting;
    if (opening != null && opening.getSocket() != null) {
      // Closing its socket ends connect() or the handshake at once with an IOException; the
      // connecting thread then disconnects the rest. SSHClient.disconnect() here could wait on the
      // transport's lock that the handshake holds.
      try {
        opening.getSocket().close();
        ended++;
      } catch (IOException e) {
        log.debug("{}: closing the socket of a connect in progress: {}", name(), e.getMessage());
      }
    }
    for (SshRunningCommand command : List.copyOf(started)) {
      if (command.isRunning()) {
        command.kill();
        ended++;
      }
      started.remove(command);
    }
    if (ended > 0) {
      log.warn("{}: ended {} command(s) still running there", name(), ended);
    }
    return ended;
  }

  /** Whether a connection is currently open; does not connect. */
  public boolean isConnected() {
    synchronized (connectLock) {
      return client != null && client.isConnected() && client.isAuthenticated();
    }
  }

  /** The algorithms of the latest connection attempt (for logs and tests), if any. */
  public Optional<String> negotiatedAlgorithms() {
    NegotiatedAlgorithms algorithms = negotiated;
    return Optional.ofNullable(algorithms).map(NegotiatedAlgorithms::toString);
  }

  /**
   * The known_hosts entry that vouched for the host key the peer presented on the latest
   * connection; empty before one succeeded. {@link OpenSshHost} pins exactly this key.
   */
  public Optional<KnownHostsEntry> trustedHostKey() {
    return Optional.ofNullable(trustedKey);
  }

  /** The cipher the server sends with, e.g. {@code aes128-gcm@openssh.com}, if ever connected. */
  public Optional<String> negotiatedCipher() {
    NegotiatedAlgorithms algorithms = negotiated;
    return Optional.ofNullable(algorithms)
        .map(NegotiatedAlgorithms::getServer2ClientCipherAlgorithm);
  }

  /** Disconnects; running commands end with exit status -1. Later {@link #start} calls fail. */
  @Override
  public void close() {
    synchronized (connectLock) {
      closed = true;
      if (client != null) {
        disconnectQuietly(client);
        client = null;
      }
    }
  }

  /** Drops the connection as if the network had (tests of reconnection). */
  void dropConnectionForTest() {
    synchronized (connectLock) {
      if (client != null) {
        disconnectQuietly(client);
      }
    }
  }

  private SSHClient connection() {
    synchronized (connectLock) {
      requireOpen();
      if (client != null && client.isConnected() && client.isAuthenticated()) {
        return client;
      }
      if (client != null) {
        log.info("{}: SSH connection to {} was lost, reconnecting", name(), endpoint.hostPort());
        disconnectQuietly(client);
        client = null;
      }
      try {
        client = connect();
      } finally {
        connecting = null;
      }
      return client;
    }
  }

  /** Replaces {@code broken} unless another thread already did. */
  private SSHClient reconnect(SSHClient broken) {
    synchronized (connectLock) {
      requireOpen();
      if (client == broken) {
        disconnectQuietly(broken);
        client = null;
      }
      return connection();
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new HostException(name(), "SSH host " + endpoint.hostPort() + " was closed");
    }
  }

  private SSHClient connect() {
    PinnedHostKeyVerifier verifier = PinnedHostKeyVerifier.load(endpoint);
    SSHClient ssh = new SSHClient(SshjSetup.config(verifier.pinnedKeyTypes(), settings));
    ssh.setSocketFactory(new SshjSetup.TunedSocketFactory(settings));
    ssh.setConnectTimeout((int) settings.connectTimeout().toMillis());
    // The socket read timeout stays 0: sshj's reader thread would die on an idle connection;
    // liveness is the keepalive's job, and every wait below has its own timeout.
    ssh.getTransport().setTimeoutMs((int) settings.operationTimeout().toMillis());
    ssh.getConnection().setTimeoutMs((int) settings.operationTimeout().toMillis());
    ssh.getConnection().setWindowSize(settings.windowSize());
    KeepAlive keepAlive = ssh.getConnection().getKeepAlive();
    keepAlive.setKeepAliveInterval((int) settings.keepAliveInterval().toSeconds());
    if (keepAlive instanceof KeepAliveRunner runner) {
      runner.setMaxAliveCount(settings.keepAliveMaxMissed());
    }
    ssh.addHostKeyVerifier(verifier);
    ssh.getTransport()
        .addAlgorithmsVerifier(
            algorithms -> {
              negotiated = algorithms;
              return true;
            });
    connecting = ssh;
    try {
      ssh.connect(endpoint.address(), endpoint.port());
    } catch (IOException | SSHRuntimeException e) {
      disconnectQuietly(ssh);
      Optional<RemoteHostException> refusal = verifier.lastVerdict().flatMap(verifier::refusal);
      if (refusal.isPresent()) {
        throw refusal.get();
      }
      throw new RemoteHostException(endpoint, connectFailure(e), e);
    }
    try {
      KeyProvider key = ssh.loadKeys(endpoint.privateKey().toString());
      ssh.authPublickey(endpoint.user(), key);
    } catch (UserAuthException e) {
      disconnectQuietly(ssh);
      throw new RemoteHostException(
          endpoint,
          "the peer refused key authentication as "
              + endpoint.user()
              + " with "
              + endpoint.privateKey()
              + " ("
              + describe(e)
              + "); add "
              + endpoint.privateKey()
              + ".pub to "
              + endpoint.user()
              + "'s authorized_keys on "
              + endpoint.nodeName(),
          e);
    } catch (IOException | SSHRuntimeException e) {
      disconnectQuietly(ssh);
      throw new RemoteHostException(
          endpoint,
          "could not authenticate with private key "
              + endpoint.privateKey()
              + ": "
              + describe(e)
              + " (the key must exist, be readable and not need a passphrase)",
          e);
    }
    verifier
        .lastVerdict()
        .filter(HostKeyVerdict.Trusted.class::isInstance)
        .map(verdict -> ((HostKeyVerdict.Trusted) verdict).entry())
        .ifPresent(entry -> trustedKey = entry);
    log.info(
        "{}: SSH connected to {}@{} ({})",
        name(),
        endpoint.user(),
        endpoint.hostPort(),
        negotiatedCipher().orElse("cipher unknown"));
    return ssh;
  }

  private String connectFailure(Exception e) {
    Throwable root = rootCause(e);
    if (root instanceof ConnectException
        || root instanceof NoRouteToHostException
        || root instanceof SocketTimeoutException
        || root instanceof UnknownHostException) {
      return "cannot connect: "
          + describe(e)
          + "; check that the peer is up, that its sshd listens on "
          + endpoint.hostPort()
          + " and that the address and port in the configuration are right";
    }
    return "SSH handshake failed: " + describe(e);
  }

  /** The causal chain's messages, most specific last, without repeating itself. */
  static String describe(Throwable e) {
    StringBuilder out = new StringBuilder();
    String previous = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage();
      String text =
          message == null || message.isBlank()
              ? t.getClass().getSimpleName()
              : t.getClass().getSimpleName() + ": " + message;
      if (previous != null && message != null && previous.contains(message)) {
        continue;
      }
      if (out.length() > 0) {
        out.append(" <- ");
      }
      out.append(text);
      previous = message;
    }
    return out.toString();
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  private static void disconnectQuietly(SSHClient ssh) {
    try {
      ssh.disconnect();
    } catch (IOException | RuntimeException ignored) {
      // Already broken; nothing left to release.
    }
  }

  private static void closeQuietly(Session session) {
    try {
      session.close();
    } catch (IOException | RuntimeException ignored) {
      // The channel is unusable either way.
    }
  }

  @Override
  public String toString() {
    return "SshHost[" + name() + " " + endpoint.user() + "@" + endpoint.hostPort() + "]";
  }
}
