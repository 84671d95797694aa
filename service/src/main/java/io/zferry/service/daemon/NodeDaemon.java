package io.zferry.service.daemon;

import io.zferry.lockstate.EventKind;
import io.zferry.lockstate.StateStore;
import io.zferry.service.api.ApiClient;
import io.zferry.service.api.ApiServer;
import io.zferry.service.api.Authentication;
import io.zferry.service.api.BearerTokenAuthenticator;
import io.zferry.service.api.auth.ApiTokens;
import io.zferry.service.api.auth.FailureRateLimiter;
import io.zferry.service.config.NodeConfig;
import io.zferry.service.config.ServiceConfig;
import io.zferry.service.config.ZferryConfig;
import io.zferry.service.model.NodeName;
import io.zferry.service.status.StatusViews.NodeStatus;
import io.zferry.snapshot.host.LocalHost;
import io.zferry.snapshot.schedule.SnapshotScheduler;
import io.zferry.snapshot.zfs.CliZfs;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.ssh.SshEndpoint;
import io.zferry.sync.ssh.SshHost;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Everything zferryd runs on one node, wired from the config; closed in reverse order. */
public final class NodeDaemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeDaemon.class);
  private static final Duration PEER_API_TIMEOUT = Duration.ofSeconds(2);

  /** The label of the token a node sends to its peer, if the tokens file has one. */
  public static final String PEER_TOKEN_LABEL = "peer";

  private final ZferryConfig config;
  private final NodeName self;
  private final StateStore store;
  private final Clock clock;
  private final SshHost peerHost;
  private final SnapshotScheduler scheduler = new SnapshotScheduler();
  private final List<ServiceRuntime> services = new ArrayList<>();
  private final ApiServer api;

  /**
   * @param tokens the API tokens (from {@code api.tokensFile}): what the API accepts, and where the
   *     token sent to the peer comes from
   */
  public NodeDaemon(
      ZferryConfig config, NodeName self, StateStore store, ApiTokens tokens, Clock clock) {
    this.config = config;
    this.self = self;
    this.store = store;
    this.clock = clock;
    NodeConfig me = config.node(self);
    NodeConfig peer = config.peerOf(self);
    this.peerHost =
        new SshHost(
            new SshEndpoint(
                peer.name().value(),
                peer.address(),
                peer.sshPort(),
                config.ssh().user(),
                config.ssh().privateKey(),
                config.ssh().knownHosts()));
    Zfs localZfs = new CliZfs(new LocalHost(self.value()));
    Zfs peerZfs = new CliZfs(peerHost);
    PeerClient peerClient =
        new PeerClient(
            new ApiClient(
                ApiClient.httpUrl(peer.address(), peer.apiPort()),
                tokens.forClient(PEER_TOKEN_LABEL),
                PEER_API_TIMEOUT,
                PEER_API_TIMEOUT),
            clock);
    for (ServiceConfig service : config.services()) {
      services.add(
          new ServiceRuntime(
              self, peer.name(), service, store, localZfs, peerZfs, peerClient, scheduler, clock));
    }
    Authentication authentication =
        new Authentication(
            List.of(new BearerTokenAuthenticator(tokens)), FailureRateLimiter.withDefaults(clock));
    this.api =
        new ApiServer(
            config.api().bindAddress(),
            me.apiPort(),
            authentication,
            routes -> routes.get("/status", request -> status()));
  }

  public void start() {
    store.recordEvent(EventKind.DAEMON, null, self.value(), "zferryd", "started");
    for (ServiceRuntime service : services) {
      service.start();
    }
    api.start();
    log.info("zferryd on {} serving {} service(s)", self.value(), services.size());
  }

  public NodeStatus status() {
    return new NodeStatus(
        self.value(),
        config.cluster().name(),
        clock.instant().toString(),
        services.stream().map(ServiceRuntime::status).toList());
  }

  public int apiPort() {
    return api.port();
  }

  @Override
  public void close() {
    api.close();
    services.forEach(ServiceRuntime::close);
    scheduler.close();
    peerHost.close();
    store.recordEvent(EventKind.DAEMON, null, self.value(), "zferryd", "stopped");
  }
}
