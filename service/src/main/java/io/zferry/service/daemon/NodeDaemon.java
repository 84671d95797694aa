package io.zferry.service.daemon;

import io.zferry.lockstate.EventKind;
import io.zferry.lockstate.StateStore;
import io.zferry.service.api.ApiClient;
import io.zferry.service.api.ApiServer;
import io.zferry.service.api.auth.ApiToken;
import io.zferry.service.api.auth.ApiTokens;
import io.zferry.service.api.auth.Role;
import io.zferry.service.api.auth.TokenFile;
import io.zferry.service.config.NodeConfig;
import io.zferry.service.config.ServiceConfig;
import io.zferry.service.config.ZferryConfig;
import io.zferry.service.control.DeadMansSwitch;
import io.zferry.service.control.LeaderLease;
import io.zferry.service.failover.ManagedVips;
import io.zferry.service.failover.PeerWatch;
import io.zferry.service.failover.PingTargets;
import io.zferry.service.failover.RecentIsolation;
import io.zferry.service.failover.VipControl;
import io.zferry.service.metrics.CountingStateStore;
import io.zferry.service.metrics.NodeCounters;
import io.zferry.service.metrics.NodeSample;
import io.zferry.service.model.NodeName;
import io.zferry.service.operations.HttpPeerCommands;
import io.zferry.service.status.HeartbeatView;
import io.zferry.service.status.StatusViews.NodeStatus;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.service.witness.EtcdWitness;
import io.zferry.snapshot.host.CountingHost;
import io.zferry.snapshot.host.LocalHost;
import io.zferry.snapshot.schedule.SnapshotScheduler;
import io.zferry.snapshot.zfs.CliZfs;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.transfer.StreamRelay;
import io.zferry.vip.LinuxVipManager;
import io.zferry.vip.ProcessCommandRunner;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Everything zferryd runs on one node, wired from the config; closed in reverse order. */
public final class NodeDaemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeDaemon.class);

  /**
   * Where Pacemaker's last word and the monitor's report are kept: under {@code /run}, which a
   * reboot empties, as Pacemaker forgets a node's resources when it reboots. systemd keeps {@code
   * /run/zferry} across restarts of zferryd (RuntimeDirectoryPreserve=yes).
   */
  static final java.nio.file.Path PACEMAKER_DIRECTORY =
      java.nio.file.Path.of(System.getProperty("zferry.runtimeDirectory", "/run/zferry"))
          .resolve("pacemaker");

  /** The label of the token a node sends to its peer, if the tokens file has one. */
  public static final String PEER_TOKEN_LABEL = TokenFile.PEER_LABEL;

  private final ZferryConfig config;
  private final NodeName self;
  private final StateStore store;
  private final Clock clock;
  private final List<PeerChannel> peers;
  private final SnapshotScheduler scheduler = new SnapshotScheduler();
  private final List<ServiceRuntime> services = new ArrayList<>();
  private final ApiServer api;
  private final PeerWatch peerWatch;
  private final PeerClient peerClient;
  private final Zfs localZfs;
  private final ApiClient peerApi;
  private final HttpPeerCommands peerCommands;
  private final NodeCounters counters = new NodeCounters();
  // One heartbeat thread per peer: a peer that does not answer must not delay the others' beats.
  private final List<ScheduledExecutorService> heartbeats = new ArrayList<>();
  private final List<ScheduledExecutorService> controls = new ArrayList<>();
  private final List<DeadMansSwitch> deadMansSwitches = new ArrayList<>();
  private volatile Runnable afterHeartbeat = () -> {};
  private final LagHistory lagHistory;
  private final LagSampler lagSampler;
  private final NodeStatusView statusView;
  private final NodeMetrics metrics;
  private final NodeClaims claims;
  private final ControlLoopWatch controlLoops;
  private final RuntimeSettings runtimeSettings;
  private final ScheduledExecutorService lagSampling = singleThread("lag-history");

  /**
   * @param tokens the API tokens (from {@code api.tokensFile}): what the API accepts, and where the
   *     token sent to the peer comes from
   */
  public NodeDaemon(
      ZferryConfig config, NodeName self, StateStore store, ApiTokens tokens, Clock clock) {
    this.config = config;
    this.self = self;
    // Every pull and fence is recorded in the store: counted there for /metrics.
    this.store = new CountingStateStore(store, counters);
    this.clock = clock;
    NodeConfig me = config.node(self);
    // Every command of either ZFS is counted for /metrics (zferry_zfs_commands_total).
    this.localZfs =
        new CliZfs(counters.countCommandsOf(new CountingHost(new LocalHost(self.value()))));
    Optional<StreamRelay> relay = PeerHost.relay(config.ssh());
    ApiToken peerToken =
        tokens
            .withRole(PEER_TOKEN_LABEL, Role.PEER)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "the API tokens file has no token with the role peer"));
    this.peers =
        config.peersOf(self).stream()
            .map(peer -> PeerChannel.open(config, peer, peerToken, counters, clock))
            .toList();
    PeerChannel peer = peers.get(0);
    this.peerWatch = peer.watch();
    this.peerClient = peer.client();
    this.peerApi = peer.api();
    this.peerCommands = peer.commands();
    RecentIsolation isolation =
        new RecentIsolation(
            new PingTargets(new LocalHost(self.value()), config.cluster().pingTargets())::check,
            System::nanoTime,
            config.cluster().heartbeatTimeout());
    HeldVipsFile heldVips =
        new HeldVipsFile(config.state().database().resolveSibling(HeldVipsFile.NAME));
    Optional<ServiceLeases> leases =
        config
            .witness()
            .map(
                witness ->
                    new ServiceLeases(
                        self.value(),
                        config.cluster().name(),
                        witness,
                        key -> new EtcdWitness(witness.endpoints(), key, witness.requestTimeout()),
                        System::nanoTime));
    for (ServiceConfig service : config.services()) {
      VipControl vips = heldVips.recording(service.name().value(), service.vips(), vipsOf(service));
      Optional<ServiceLeases.ServiceLease> serviceLease =
          leases.map(
              l ->
                  l.of(service.name().value(), LeaseSafeguards.of(vips, localZfs, service.pool())));
      serviceLease.ifPresent(l -> deadMansSwitches.add(l.deadMansSwitch()));
      Optional<LeaderLease> lease = serviceLease.map(ServiceLeases.ServiceLease::lease);
      services.add(
          new ServiceRuntime(
              me,
              peers,
              service,
              this.store,
              localZfs,
              relay,
              isolation,
              config.cluster().heartbeatTimeout(),
              vips,
              scheduler,
              clock,
              System::nanoTime,
              lease,
              config.cluster().pacemaker() ? Optional.of(PACEMAKER_DIRECTORY) : Optional.empty()));
    }
    this.lagHistory = new LagHistory(clock);
    this.lagSampler = new LagSampler(this::serviceStatuses, lagHistory);
    List<PeerPresence> presences =
        peers.stream()
            .map(
                p ->
                    new PeerPresence(
                        p.name().value(),
                        p.watch(),
                        // Up: the peer's API answered within a heartbeat interval plus its timeout.
                        config.cluster().heartbeatInterval().plus(PeerChannel.API_TIMEOUT)))
            .toList();
    this.statusView =
        new NodeStatusView(
            self.value(), config.cluster().name(), this::serviceStatuses, presences, clock);
    this.metrics =
        new NodeMetrics(
            config.cluster().name(),
            self.value(),
            presences,
            this::serviceStatuses,
            localZfs,
            this.store,
            counters);
    this.claims =
        new NodeClaims(
            self.value(), () -> services.stream().map(ServiceRuntime::claim).toList(), clock);
    this.controlLoops = new ControlLoopWatch(services, System::nanoTime);
    this.runtimeSettings = new RuntimeSettings(this);
    this.api = NodeApi.create(config, me, store, tokens, clock, this, runtimeSettings);
  }

  /** A service without VIPs never runs ip or arping. */
  private static VipControl vipsOf(ServiceConfig service) {
    if (service.vips().isEmpty()) {
      return VipControl.NONE;
    }
    return new ManagedVips(service.vips(), new LinuxVipManager(new ProcessCommandRunner()));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * One control step of {@code service} after {@code delay}, then the next as the service says
   * ({@link ServiceRuntime#nextStepIn}: sooner while its peer falls silent).
   */
  private void scheduleControlStep(
      ScheduledExecutorService control, ServiceRuntime service, Duration delay) {
    Duration interval = config.cluster().heartbeatInterval();
    try {
      control.schedule(
          () -> {
            guarded(service.name(), service::tick);
            Duration next = interval;
            try {
              next = service.nextStepIn(interval);
            } catch (RuntimeException e) {
              log.warn("{}: when is the next control step due? {}", service.name(), e.toString());
            }
            scheduleControlStep(control, service, next);
          },
          delay.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Shutting down.
    }
  }

  private static ScheduledExecutorService singleThread(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread thread = new Thread(r, name);
          thread.setDaemon(true);
          return thread;
        });
  }

  /**
   * Runs {@code hook} after every heartbeat round, on the heartbeat thread (set it before {@link
   * #start}): a sign of life from the loop that must never stall, for systemd's watchdog.
   */
  public void afterEachHeartbeat(Runnable hook) {
    this.afterHeartbeat = hook;
  }

  public void start() {
    store.recordEvent(EventKind.DAEMON, null, self.value(), "zferryd", "started");
    runtimeSettings.applyAll();
    for (ServiceRuntime service : services) {
      service.start();
    }
    deadMansSwitches.forEach(DeadMansSwitch::start);
    api.start();
    if (config.cluster().pacemaker()) {
      writeAgentApiFile();
    }
    long every = config.cluster().heartbeatInterval().toMillis();
    for (PeerChannel peer : peers) {
      // The watchdog's sign of life comes from the first peer's loop, as with one peer.
      Runnable after = peer == peers.get(0) ? () -> afterHeartbeat.run() : () -> {};
      ScheduledExecutorService beats =
          singleThread(peers.size() == 1 ? "heartbeat" : "heartbeat-" + peer.name().value());
      heartbeats.add(beats);
      beats.scheduleWithFixedDelay(
          () -> {
            guarded("heartbeat", peer.watch()::beat);
            guarded("after heartbeat", after);
          },
          0,
          every,
          TimeUnit.MILLISECONDS);
    }
    for (ServiceRuntime service : services) {
      // One control thread per service: a slow hook or fence command of one service must not
      // delay the others' failover.
      ScheduledExecutorService control = singleThread("control-" + service.name());
      controls.add(control);
      scheduleControlStep(control, service, Duration.ofMillis(every));
    }
    // Its own thread: status() may wait for the peer, which the heartbeat loop must never do.
    lagSampling.scheduleWithFixedDelay(
        () -> guarded("lag history", lagSampler),
        LagHistory.FIRST.toMillis(),
        LagHistory.EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
    log.info("zferryd on {} serving {} service(s)", self.value(), services.size());
  }

  /** What the resource agent needs to call this node's API with curl (docs/pacemaker.md). */
  private void writeAgentApiFile() {
    URI local =
        ApiClient.url(config.api().tls().isPresent(), config.api().localAddress(), api.port());
    try {
      new io.zferry.service.pacemaker.AgentApiFile(
              local,
              config.api().tls().map(io.zferry.service.config.TlsConfig::certificate),
              config.api().tokensFile())
          .writeTo(PACEMAKER_DIRECTORY);
    } catch (RuntimeException e) {
      log.warn("cannot write the resource agent's API file: {}", e.toString());
    }
  }

  private List<ServiceStatus> serviceStatuses() {
    return services.stream().map(ServiceRuntime::status).toList();
  }

  public NodeStatus status() {
    return statusView.status();
  }

  /** What {@code /metrics} shows: the status of each service plus counts and snapshot numbers. */
  NodeSample metrics() {
    return metrics.sample();
  }

  /** This node's claims, for the peer: read from the state store only, so always quick. */
  public HeartbeatView heartbeat() {
    return claims.heartbeat();
  }

  LagHistory lagHistory() {
    return lagHistory;
  }

  ZferryConfig config() {
    return config;
  }

  StateStore store() {
    return store;
  }

  PeerWatch peerWatch() {
    return peerWatch;
  }

  PeerClient peerClient() {
    return peerClient;
  }

  Clock clock() {
    return clock;
  }

  Zfs localZfs() {
    return localZfs;
  }

  /** The peer's API with the short timeout, for reads the GUI shows. */
  ApiClient peerApi() {
    return peerApi;
  }

  /** A scheduled task that throws is never run again; one failed step must not end failover. */
  private static void guarded(String what, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      log.error("{}: {}", what, e.toString(), e);
    }
  }

  /**
   * Whether every service's control loop completed a step recently (or runs an operator action):
   * what systemd's watchdog is fed by, rather than by the heartbeat alone.
   */
  public boolean controlLoopsAlive() {
    return controlLoops.allAlive();
  }

  Optional<ServiceRuntime> service(String name) {
    return services.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  NodeName self() {
    return self;
  }

  NodeName peer() {
    return config.peerOf(self).name();
  }

  HttpPeerCommands peerCommands() {
    return peerCommands;
  }

  public int apiPort() {
    return api.port();
  }

  @Override
  public void close() {
    heartbeats.forEach(ScheduledExecutorService::shutdownNow);
    lagSampling.shutdownNow();
    controls.forEach(ScheduledExecutorService::shutdownNow);
    deadMansSwitches.forEach(DeadMansSwitch::close);
    api.close();
    services.forEach(ServiceRuntime::close);
    scheduler.close();
    peers.forEach(peer -> peer.host().close());
    store.recordEvent(EventKind.DAEMON, null, self.value(), "zferryd", "stopped");
  }
}
