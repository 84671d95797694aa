package io.zferry.service.daemon;

import io.zferry.service.api.ApiClient;
import io.zferry.service.api.TlsKeyStore;
import io.zferry.service.api.auth.ApiToken;
import io.zferry.service.config.NodeConfig;
import io.zferry.service.config.ZferryConfig;
import io.zferry.service.failover.PeerWatch;
import io.zferry.service.failover.SshBannerProbe;
import io.zferry.service.metrics.NodeCounters;
import io.zferry.service.model.NodeName;
import io.zferry.service.operations.HttpPeerCommands;
import io.zferry.snapshot.host.CountingHost;
import io.zferry.snapshot.zfs.CliZfs;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.ssh.SessionHost;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Everything this node has to reach one other node: its ZFS over SSH, its API for heartbeats, reads
 * and actions, and what the heartbeats last told. Of two nodes there is one; under Pacemaker, one
 * per other node.
 *
 * @param zfs the node's ZFS over SSH, every command counted for /metrics
 * @param client heartbeats and status reads
 * @param watch what the heartbeats last told
 * @param api reads the GUI shows, with the short timeout
 * @param commands the operator actions' requests, with their long timeout
 * @param owner a promotion's requests to the owner under Pacemaker (a hand-over's timeout)
 * @param silentOwner the same, connecting within {@link #SILENT_OWNER_CONNECT}: for an owner whose
 *     heartbeats have already stopped, which Pacemaker fenced before it promoted this node
 */
record PeerChannel(
    NodeConfig node,
    SessionHost host,
    Zfs zfs,
    PeerClient client,
    PeerWatch watch,
    ApiClient api,
    HttpPeerCommands commands,
    HttpPeerCommands owner,
    HttpPeerCommands silentOwner) {

  static final Duration API_TIMEOUT = Duration.ofSeconds(2);

  /**
   * How long a promotion waits for a TCP and TLS connection to an owner already silent in the
   * heartbeats: a node that answers does so within milliseconds on a LAN; one that Pacemaker
   * powered off never does, and the 2 s of {@link #API_TIMEOUT} were a fifth of a failover.
   */
  static final Duration SILENT_OWNER_CONNECT = Duration.ofMillis(500);

  // A switchover's catch-up pull and a resync run inside one request to the peer.
  private static final Duration ACTION_TIMEOUT = Duration.ofMinutes(35);
  // A hand-over to the node Pacemaker promotes takes a snapshot at most.
  private static final Duration HANDOVER_TIMEOUT = Duration.ofSeconds(60);

  NodeName name() {
    return node.name();
  }

  /** Opens the channel to {@code peer}: SSH connects lazily, on the first command. */
  static PeerChannel open(
      ZferryConfig config, NodeConfig peer, ApiToken token, NodeCounters counters, Clock clock) {
    SessionHost host = PeerHost.open(config, peer);
    Zfs zfs = new CliZfs(counters.countCommandsOf(new CountingHost(host)));
    Duration interval = config.cluster().heartbeatInterval();
    // A heartbeat must come back before the next one is due, or answers would queue up.
    Duration heartbeatTimeout = min(API_TIMEOUT, interval.multipliedBy(2));
    URI url = ApiClient.url(config.api().tls().isPresent(), peer.address(), peer.apiPort());
    // With a pinned peer certificate, mutual TLS: this node's certificate, the peer's only.
    Optional<SSLContext> trust =
        config
            .api()
            .tls()
            .map(
                t ->
                    t.peerCertificate().isPresent()
                        ? TlsKeyStore.peerContext(t)
                        : TlsKeyStore.trust(t));
    PeerClient client =
        new PeerClient(
            new ApiClient(url, token, API_TIMEOUT, API_TIMEOUT, trust),
            new ApiClient(url, token, heartbeatTimeout, heartbeatTimeout, trust),
            clock);
    SshBannerProbe sshProbe = new SshBannerProbe(peer.address(), peer.sshPort(), heartbeatTimeout);
    PeerWatch watch = new PeerWatch(client::heartbeat, sshProbe::answers, clock, System::nanoTime);
    String name = peer.name().value();
    return new PeerChannel(
        peer,
        host,
        zfs,
        client,
        watch,
        new ApiClient(url, token, API_TIMEOUT, API_TIMEOUT, trust),
        new HttpPeerCommands(new ApiClient(url, token, API_TIMEOUT, ACTION_TIMEOUT, trust), name),
        new HttpPeerCommands(new ApiClient(url, token, API_TIMEOUT, HANDOVER_TIMEOUT, trust), name),
        new HttpPeerCommands(
            new ApiClient(url, token, SILENT_OWNER_CONNECT, HANDOVER_TIMEOUT, trust), name));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
