package io.zferry.service;

import io.zferry.lockstate.OpenMode;
import io.zferry.lockstate.SqliteStateStore;
import io.zferry.lockstate.StateStore;
import io.zferry.lockstate.StateStoreException;
import io.zferry.service.api.TlsKeyStore;
import io.zferry.service.api.TlsWarmUp;
import io.zferry.service.api.auth.ApiTokens;
import io.zferry.service.api.auth.TokenFile;
import io.zferry.service.api.auth.TokenFileException;
import io.zferry.service.config.ConfigException;
import io.zferry.service.config.ConfigLoader;
import io.zferry.service.config.ConfigProblem;
import io.zferry.service.config.PrivateKeyFiles;
import io.zferry.service.config.ServiceConfig;
import io.zferry.service.config.TlsConfig;
import io.zferry.service.config.UnitWatchdog;
import io.zferry.service.config.ZferryConfig;
import io.zferry.service.daemon.NodeDaemon;
import io.zferry.service.daemon.PeerHost;
import io.zferry.service.model.NodeName;
import io.zferry.service.systemd.ProcessAge;
import io.zferry.service.systemd.SystemdNotifier;
import io.zferry.service.systemd.UnixDatagramTransport;
import io.zferry.snapshot.host.LocalHost;
import io.zferry.snapshot.schedule.SnapshotNaming;
import io.zferry.snapshot.zfs.CliZfs;
import io.zferry.snapshot.zfs.Zfs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The zferry daemon. Only start-up errors stop it; each loop catches its own failures. */
@Command(
    name = "zferryd",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Keeps ZFS pools highly available on two shared-nothing nodes.")
public final class Zferryd implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(Zferryd.class);
  private static final Duration SLOWEST_PEER_PROBES = UnitWatchdog.SLOWEST_PEER_PROBES;

  /**
   * How long each start-up step may take before systemd's start timeout ends it: a small node (one
   * slow vCPU, a pool being imported after a power loss) needs tens of seconds for some of them.
   */
  static final Duration STARTUP_STEP = Duration.ofSeconds(90);

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration file (default: ${DEFAULT-VALUE}).")
  Path configFile = Path.of("/etc/zferry/zferry.yaml");

  @Option(
      names = "--node",
      paramLabel = "NAME",
      description = "This node's name in the configuration (default: the host name).")
  String node;

  @Option(
      names = "--check-config",
      description = "Validate the configuration and this node's place in it, then exit.")
  boolean checkOnly;

  @Option(
      names = "--init-state",
      description =
          "Create the state database although this node's pools show it has run before (its"
              + " database was lost); the node then adopts its peer's record.")
  boolean initState;

  static final String CDS_READY_PROPERTY = "zferry.cdsReadyMarker";

  /** Set by the launcher when the JVM writes the class-data archive as it exits. */
  static final String CDS_AT_EXIT_PROPERTY = "zferry.cdsWrittenAtExit";

  /**
   * The JVM writes the archive after the shutdown hook, every thread stopped, so no watchdog ping
   * comes meanwhile: on one slow vCPU that took longer than WatchdogSec=12s, systemd killed the JVM
   * mid-write, the launcher dropped the half-written archive and every start stayed a cold one (80
   * to 140 s to reach main instead of 10). Twice the longest write seen.
   */
  static final Duration CLASS_DATA_AT_EXIT = Duration.ofMinutes(2);

  public static void main(String[] args) {
    Zferryd daemon = new Zferryd();
    System.exit(daemon.takeArguments(args) ? daemon.run() : new CommandLine(daemon).execute(args));
  }

  /**
   * Takes the daemon's usual arguments without picocli: its classes are compiled for Java 5, which
   * class-data sharing cannot archive, so building its model cost every start about 0.3 s of the 2
   * s systemd waits for READY. False for anything else (help, version, a wrong or repeated option),
   * which picocli then parses, answers and explains; {@code ZferrydArgumentsTest} holds both
   * parsers to the same result.
   */
  boolean takeArguments(String[] args) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      int equals = arg.indexOf('=');
      String name = equals > 0 ? arg.substring(0, equals) : arg;
      if (!seen.add(name)) {
        return false;
      }
      switch (name) {
        case "--check-config" -> {
          if (equals > 0) {
            return false;
          }
          checkOnly = true;
        }
        case "--init-state" -> {
          if (equals > 0) {
            return false;
          }
          initState = true;
        }
        case "--config", "--node" -> {
          String value;
          if (equals > 0) {
            value = arg.substring(equals + 1);
          } else if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
            value = args[++i];
          } else {
            return false;
          }
          if (value.isEmpty()) {
            return false;
          }
          if (name.equals("--config")) {
            configFile = Path.of(value);
          } else {
            node = value;
          }
        }
        default -> {
          return false;
        }
      }
    }
    return true;
  }

  /** {@link #call()}, failing as picocli's execute would: the stack trace, exit status 1. */
  private int run() {
    try {
      return call();
    } catch (Exception e) {
      e.printStackTrace();
      return 1;
    }
  }

  @Override
  public Integer call() throws Exception {
    ZferryConfig config;
    NodeName self;
    ApiTokens tokens;
    StateStore store;
    // Under systemd (Type=notify) it learns from here when zferryd serves and that it is alive.
    SystemdNotifier systemd =
        checkOnly
            ? SystemdNotifier.disabled()
            : SystemdNotifier.fromEnvironment(
                System.getenv(),
                ProcessHandle.current().pid(),
                UnixDatagramTransport::to,
                Clock.systemUTC());
    systemd.startupStep("starting: reading " + configFile, STARTUP_STEP);
    if (!checkOnly) {
      log.info("starting: {} after the JVM started", sinceJvmStart());
    }
    try {
      config = ConfigLoader.load(configFile);
      self = new NodeName(node != null ? node : hostName());
      config.node(self);
      List<ConfigProblem> exposedKeys = PrivateKeyFiles.check(config);
      if (!exposedKeys.isEmpty()) {
        throw new ConfigException(configFile.toString(), exposedKeys);
      }
      // Before anything else starts: an API nobody can authenticate to is not worth running.
      tokens = TokenFile.readForDaemon(config.api().tokensFile());
      // TLS is on unless api.tls says off: a node without its certificates says so, with the
      // fix, before it opens or serves anything.
      config.api().tls().ifPresent(TlsKeyStore::check);
      PeerHost.check(config.ssh());
      if (checkOnly) {
        System.out.println(
            configFile
                + ": valid for node "
                + self.value()
                + "; "
                + config.api().tokensFile()
                + ": "
                + tokens.size()
                + " API token(s)");
        return 0;
      }
      systemd.startupStep("starting: opening " + config.state().database(), STARTUP_STEP);
      store = SqliteStateStore.open(config.state().database(), openMode(config), Clock.systemUTC());
    } catch (ConfigException
        | TokenFileException
        | StateStoreException
        | IllegalArgumentException
        | IllegalStateException e) {
      System.err.println("zferryd: " + e.getMessage());
      systemd.status("failed to start: " + e.getMessage());
      if (e instanceof StateStoreException missing
          && missing.reason() == StateStoreException.Reason.MISSING) {
        System.err.println(
            "zferryd: this node's pools hold zferry snapshots, so it has run before; once you know"
                + " why its state is gone, start it once with --init-state and it adopts its"
                + " peer's record");
      }
      return 1;
    }
    log.info(
        "API tokens from {}: {}", config.api().tokensFile(), String.join(", ", tokens.labels()));
    config.api().tls().ifPresent(tls -> warmUpTls(tls, systemd));
    systemd.startupStep("starting: wiring the services and the API", STARTUP_STEP);
    NodeDaemon daemon = new NodeDaemon(config, self, store, tokens, Clock.systemUTC());
    // The heartbeat loop pings the watchdog, but only while every control loop makes progress: a
    // wedged heartbeat or a wedged control loop (a hung zfs, a stuck hook) makes systemd restart
    // the daemon, and a live heartbeat can no longer hide a dead control loop from the peer.
    daemon.afterEachHeartbeat(
        () -> {
          if (daemon.controlLoopsAlive()) {
            systemd.watchdog();
          }
        });
    warnIfWatchdogOutpacesHeartbeat(config, systemd);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("stopping");
                  systemd.stopping("stopping");
                  daemon.close();
                  store.close();
                  if (Boolean.getBoolean(CDS_AT_EXIT_PROPERTY)) {
                    systemd.stopStep(
                        "stopping: writing the class-data archive", CLASS_DATA_AT_EXIT);
                  }
                  systemd.close();
                  stopped.countDown();
                },
                "shutdown"));
    try {
      systemd.startupStep("starting: services, API and heartbeat", STARTUP_STEP);
      daemon.start();
    } catch (RuntimeException e) {
      systemd.status("failed to start: " + e.getMessage());
      throw e;
    }
    systemd.ready(
        "serving "
            + config.services().size()
            + " service(s) as node "
            + self.value()
            + "; API on port "
            + daemon.apiPort());
    log.info("ready: {} after the JVM started", sinceJvmStart());
    markReadyForClassDataArchive();
    stopped.await();
    return 0;
  }

  /**
   * Before the API opens: a fresh JVM's first TLS handshakes outlast the peer's heartbeat (see
   * {@link TlsWarmUp}). A failure is said and start-up goes on; the API's own handshakes tell.
   */
  private static void warmUpTls(TlsConfig tls, SystemdNotifier systemd) {
    systemd.startupStep("starting: warming up TLS", STARTUP_STEP);
    try {
      log.info("TLS warmed up: {}", TlsWarmUp.run(tls, System::nanoTime));
    } catch (RuntimeException e) {
      log.warn("TLS warm-up failed, the API starts anyway: {}", e.getMessage());
    }
  }

  /** How long ago this process started: start-up's cost, logged. */
  private static String sinceJvmStart() {
    return ProcessAge.ofThisProcess().map(age -> age.toMillis() + " ms").orElse("an unknown time");
  }

  /**
   * The launcher keeps the class-data archive this JVM writes when it stops only if the daemon got
   * as far as serving (a start that failed on its configuration would archive a fraction of the
   * classes): it names a file to create here ({@value #CDS_READY_PROPERTY}).
   */
  private static void markReadyForClassDataArchive() {
    String marker = System.getProperty(CDS_READY_PROPERTY);
    if (marker == null || marker.isBlank()) {
      return;
    }
    try {
      Files.writeString(Path.of(marker), "ready\n");
    } catch (IOException | RuntimeException e) {
      log.debug("no class-data archive marker {}: {}", marker, e.toString());
    }
  }

  /**
   * A missing database is created on a node's first start only. A node whose pools already hold
   * zferry snapshots has run before: starting it from an empty record could forget an epoch or a
   * sync lock, so it refuses unless the operator says so.
   */
  private OpenMode openMode(ZferryConfig config) {
    if (initState || Files.exists(config.state().database())) {
      return OpenMode.CREATE_IF_MISSING;
    }
    Zfs zfs = new CliZfs(new LocalHost("this node"));
    for (ServiceConfig service : config.services()) {
      try {
        boolean ranBefore =
            zfs.listSnapshots(service.pool()).snapshots().stream()
                .anyMatch(s -> SnapshotNaming.isOwn(s.name()));
        if (ranBefore) {
          log.error(
              "state database {} is missing, but pool {} holds zferry snapshots",
              config.state().database(),
              service.pool());
          return OpenMode.MUST_EXIST;
        }
      } catch (RuntimeException e) {
        // A pool that cannot be listed says nothing either way; the daemon reports it later.
      }
    }
    return OpenMode.CREATE_IF_MISSING;
  }

  /**
   * A ping comes after every heartbeat round, and a round with a silent peer also waits for its API
   * and SSH probes (up to 2 s each): the watchdog must allow twice that, for a slow machine's
   * rounds run long ({@link UnitWatchdog#roundFits}).
   */
  private static void warnIfWatchdogOutpacesHeartbeat(
      ZferryConfig config, SystemdNotifier systemd) {
    Duration heartbeat = config.cluster().heartbeatInterval();
    systemd
        .watchdogPeriod()
        .filter(period -> !UnitWatchdog.roundFits(heartbeat, period))
        .ifPresent(
            period ->
                log.warn(
                    "cluster.heartbeatInterval {} plus up to {} of peer probes is not under half"
                        + " the systemd watchdog period ({}): systemd may kill zferryd although it"
                        + " runs; raise WatchdogSec= above twice that",
                    heartbeat,
                    SLOWEST_PEER_PROBES,
                    period));
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot tell this node's name; pass --node NAME", e);
    }
  }
}
