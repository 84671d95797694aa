package io.zferry.service.lab;

import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zferry.lab.Lab;
import io.zferry.lab.LabNode;
import io.zferry.service.api.auth.TokenFile;
import io.zferry.service.api.auth.TokenFileException;
import io.zferry.service.config.ApiConfig;
import io.zferry.service.status.StatusViews.NodeStatus;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.service.tls.NodeCertificate;
import io.zferry.snapshot.host.CommandResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Real zferryd processes inside the lab's node-a and node-b, started from this checkout's
 * bin/zferryd with a generated configuration and one API tokens file for both, as in production;
 * status is read from each node's API with curl inside the node and a token from that file.
 */
final class LabCluster implements AutoCloseable {
  private final Lab lab;
  private final Path repo;
  private final Path dir;
  private final String settings;
  private final String clusterExtras;
  private final String serviceExtras;
  // The nodes that run zferryd: node-a and node-b, or also node-c (startFreshManaged).
  private List<String> zferryNodes = List.of("node-a", "node-b");
  // Keys of a node's own entry under nodes: (its own pullInterval, say), in every node's file.
  private final java.util.Map<String, List<String>> nodeKeys = new java.util.HashMap<>();
  private String apiExtras = "";
  private String topLevelExtras = "";

  /**
   * @param settingsYaml the {@code defaults:} block's keys, e.g. {@code "snapshotInterval: 5s"}
   */
  LabCluster(Lab lab, String name, List<String> settingsYaml) {
    this(lab, name, settingsYaml, List.of(), List.of());
  }

  /**
   * @param clusterYaml more keys of the {@code cluster:} block, e.g. {@code "heartbeatTimeout: 3s"}
   * @param serviceYaml more keys of service tank, e.g. {@code "fencing: {policy: manual}"}
   */
  LabCluster(
      Lab lab,
      String name,
      List<String> settingsYaml,
      List<String> clusterYaml,
      List<String> serviceYaml) {
    this.lab = lab;
    this.repo =
        Path.of(System.getProperty(Lab.SCRIPT_PROPERTY)).getParent().getParent().getParent();
    this.dir = lab.directory().resolve("it-" + name);
    this.settings = indented("  ", settingsYaml);
    this.clusterExtras = indented("  ", clusterYaml);
    this.serviceExtras = indented("    ", serviceYaml);
  }

  Path certificate(String node) {
    return dir.resolve(node + "-tls.pem");
  }

  Path privateKey(String node) {
    return dir.resolve(node + "-tls.key");
  }

  /** More keys of the {@code api:} block, e.g. the GUI's {@code users:}; set before starting. */
  LabCluster withApiYaml(List<String> apiYaml) {
    this.apiExtras = indented("  ", apiYaml);
    return this;
  }

  /** More top-level blocks, e.g. {@code witness:}; set before starting. */
  LabCluster withTopLevelYaml(List<String> yaml) {
    this.topLevelExtras = indented("", yaml);
    return this;
  }

  private static String indented(String indent, List<String> lines) {
    return String.join("", lines.stream().map(l -> indent + l + "\n").toList());
  }

  /** This checkout, as seen from inside the nodes too (they share the host's root). */
  Path repo() {
    return repo;
  }

  /**
   * A freshly booted lab, fresh state, then both daemons. The lab is rebuilt rather than cleaned:
   * zfs-fuse can keep a snapshot busy, or a mount stale, after a scenario that killed a process in
   * the middle of a transfer, and what one scenario leaves must not decide the next one's outcome.
   */
  void startFresh() {
    startFresh(Optional.empty());
  }

  /**
   * As {@link #startFresh()}, on pools of {@code poolSize} (e.g. "1G") instead of the lab's
   * default: fault scenarios that fill a pool need one small enough to fill in seconds.
   */
  void startFresh(Optional<String> poolSize) {
    startFresh(poolSize, false);
  }

  /** As {@link #startFresh(Optional)}; {@code failablePools} for {@code lab pool-fail}. */
  void startFresh(Optional<String> poolSize, boolean failablePools) {
    lab.down();
    if (poolSize.isPresent()) {
      lab.command("up", "--pool-size", poolSize.get());
    } else {
      lab.command("up");
    }
    if (failablePools) {
      lab.command(repool(poolSize, true));
    }
    launchFresh();
  }

  /**
   * As {@link #startFresh(Optional)}, but in the running lab with both pools destroyed and created
   * empty again ({@code lab repool}), which takes seconds where a rebuilt lab takes half a minute.
   * Only for a lab the last user left healthy: a scenario that killed zfs-fuse or a receive
   * rebuilds it, since zfs-fuse can keep something busy after that.
   */
  void startOnRenewedPools(Optional<String> poolSize) {
    startOnRenewedPools(poolSize, false);
  }

  /**
   * As {@link #startOnRenewedPools(Optional)}; {@code failablePools} puts each pool's vdev file on
   * a FUSE mount that {@code lab pool-fail} can kill.
   */
  void startOnRenewedPools(Optional<String> poolSize, boolean failablePools) {
    stop("node-a");
    stop("node-b");
    lab.command(repool(poolSize, failablePools));
    launchFresh();
  }

  private static String[] repool(Optional<String> poolSize, boolean failablePools) {
    List<String> args = new ArrayList<>(List.of("repool"));
    poolSize.ifPresent(size -> args.addAll(List.of("--pool-size", size)));
    if (failablePools) {
      args.add("--failable");
    }
    return args.toArray(String[]::new);
  }

  /**
   * A fresh lab brought up with {@code upArgs} (such as {@code --nodes 3 --manager pacemaker}),
   * fresh state, then zferryd on node-a and node-b; returns once both answer. Under Pacemaker
   * neither serves until Pacemaker promotes one.
   */
  void startFreshManaged(String... upArgs) {
    startFreshManaged(List.of("node-a", "node-b"), upArgs);
  }

  /** {@link #startFreshManaged(String...)} with zferryd on each of {@code nodes}. */
  void startFreshManaged(List<String> nodes, String... upArgs) {
    lab.down();
    List<String> args = new ArrayList<>(List.of("up"));
    args.addAll(List.of(upArgs));
    lab.command(args.toArray(String[]::new));
    zferryNodes = List.copyOf(nodes);
    prepareFresh();
    for (String node : zferryNodes) {
      launch(node, List.of());
    }
    for (String node : zferryNodes) {
      awaitStatus(node, Duration.ofSeconds(60), s -> true, "zferryd on " + node + " to answer");
    }
  }

  /** Adds keys to {@code node}'s entry under {@code nodes:}, such as {@code pullInterval: 20s}. */
  void nodeKeys(String node, List<String> keys) {
    nodeKeys.put(node, List.copyOf(keys));
  }

  /** The nodes zferryd runs on. */
  List<String> zferryNodes() {
    return zferryNodes;
  }

  /**
   * Fresh tokens, state and configuration, then both daemons; returns once node-a serves and node-b
   * follows it.
   */
  private void launchFresh() {
    prepareFresh();
    // Both JVMs start at once: each takes seconds, and the nodes do not depend on each other.
    launch("node-a", List.of());
    launch("node-b", List.of());
    // Answering is not serving: node-a holds (its pool read-only) until it has reached node-b.
    awaitStatus(
        "node-a",
        Duration.ofSeconds(60),
        s -> s.role().equals("active") && "active".equals(s.state()),
        "node-a to serve");
    awaitStatus("node-b", Duration.ofSeconds(60), s -> "passive".equals(s.state()), "node-b");
  }

  /** Fresh tokens, certificates, state databases, logs and configurations of both nodes. */
  private void prepareFresh() {
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(tokensFile());
      TokenFile.add(tokensFile(), "peer", new SecureRandom());
      TokenFile.add(tokensFile(), "cli", new SecureRandom());
      TokenFile.add(tokensFile(), "prometheus", new SecureRandom());
      // Kept across clusters of the same name: keytool costs seconds of CPU per certificate.
      for (String node : zferryNodes) {
        if (!Files.exists(certificate(node)) || !Files.exists(privateKey(node))) {
          NodeCertificate.create(
              certificate(node), privateKey(node), node, List.of(lab.node(node).address()));
        }
      }
      for (String node : zferryNodes) {
        // Every other node's certificate, pinned: one file, one certificate after the other.
        StringBuilder others = new StringBuilder();
        for (String other : zferryNodes) {
          if (!other.equals(node)) {
            others.append(Files.readString(certificate(other)));
          }
        }
        Files.writeString(peerCertificates(node), others.toString());
        Files.deleteIfExists(stateDb(node));
        Files.deleteIfExists(Path.of(stateDb(node) + "-wal"));
        Files.deleteIfExists(Path.of(stateDb(node) + "-shm"));
        Files.deleteIfExists(log(node));
        Files.writeString(config(node), configYaml(node));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (TokenFileException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Where this cluster's configurations, tokens, state databases and logs are. */
  Path directory() {
    return dir;
  }

  Path config(String node) {
    return dir.resolve(node + ".yaml");
  }

  /** The API tokens of both nodes (labels peer and cli), mode 0600. */
  Path tokensFile() {
    return dir.resolve("api-tokens");
  }

  Path stateDb(String node) {
    return dir.resolve(node + "-state.db");
  }

  Path log(String node) {
    return dir.resolve(node + "-zferryd.log");
  }

  private String configYaml(String node) {
    return String.join(
        "\n",
        "cluster:",
        "  name: it",
        clusterExtras.stripTrailing(),
        "ssh:",
        "  privateKey: /root/.ssh/id_ed25519",
        "  knownHosts: /root/.ssh/known_hosts",
        "nodes:",
        nodesYaml(),
        "defaults:",
        settings,
        "services:",
        "  - name: tank",
        "    pool: tank",
        "    preferredNode: node-a",
        serviceExtras.stripTrailing(),
        "api:",
        "  tokensFile: " + tokensFile(),
        tlsYaml(node),
        apiExtras.stripTrailing(),
        "state:",
        "  database: " + stateDb(node),
        topLevelExtras.stripTrailing(),
        "");
  }

  /**
   * Mutual TLS between the nodes, the default, as docs/install.md sets it up: each node its own
   * certificate (made by {@code NodeCertificate}, as {@code zferry setup-tls} makes it), the
   * other's pinned. The CLI and {@link #api} speak HTTPS too.
   */
  private String tlsYaml(String node) {
    return String.join(
        "\n",
        "  tls:",
        "    certificate: " + certificate(node),
        "    privateKey: " + privateKey(node),
        "    peerCertificate: " + peerCertificates(node));
  }

  private Path peerCertificates(String node) {
    return dir.resolve(node + "-peers.pem");
  }

  private String nodesYaml() {
    StringBuilder yaml = new StringBuilder();
    for (String node : zferryNodes) {
      yaml.append("  - name: ").append(node).append("\n");
      yaml.append("    address: ").append(lab.node(node).address()).append("\n");
      for (String key : nodeKeys.getOrDefault(node, List.of())) {
        yaml.append("    ").append(key).append("\n");
      }
    }
    return yaml.toString().stripTrailing();
  }

  /** Starts zferryd in the node, detached; its output goes to {@link #log}. */
  void start(String node, String... extraArgs) {
    startWithEnvironment(node, List.of(), extraArgs);
  }

  /**
   * As {@link #start}, with {@code environment} ({@code NAME=value} entries) added to zferryd's
   * environment, e.g. libfaketime's to give one node's daemon a clock of its own.
   */
  void startWithEnvironment(String node, List<String> environment, String... extraArgs) {
    launch(node, environment, extraArgs);
    awaitStatus(node, Duration.ofSeconds(60), s -> true, "zferryd to answer");
  }

  private void launch(String node, List<String> environment, String... extraArgs) {
    LabNode labNode = lab.node(node);
    List<String> argv = new ArrayList<>(labNode.nsenterPrefix());
    if (!environment.isEmpty()) {
      argv.add("env");
      argv.addAll(environment);
    }
    argv.addAll(
        List.of(
            "setsid",
            repo.resolve("bin/zferryd").toString(),
            "--config",
            config(node).toString(),
            "--node",
            node));
    argv.addAll(List.of(extraArgs));
    try {
      new ProcessBuilder(argv)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log(node).toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs zferryd in the node in the foreground, for start-ups expected to be refused. */
  CommandResult runRefused(String node) {
    return lab.node(node)
        .exec(
            "timeout",
            "60",
            repo.resolve("bin/zferryd").toString(),
            "--config",
            config(node).toString(),
            "--node",
            node);
  }

  /** Ends the node's zferryd (SIGKILL: no clean shutdown, like a crash). */
  void stop(String node) {
    lab.node(node)
        .exec("sh", "-c", "pkill -9 --ns $$ --nslist net -f io.zferry.service.Zferryd; true");
  }

  /**
   * The status of {@code tank} as {@code node}'s daemon reports it: its {@code /api/v1/status} read
   * with curl inside the node and the cli token, the JSON {@code zferry status --json} prints
   * unchanged. Every wait polls it twice a second, so it must be cheap: a CLI JVM costs about 1.6 s
   * of CPU per call and, on two cores, slowed the daemons under test; curl costs 0.15 s.
   */
  Optional<ServiceStatus> status(String node) {
    return statusOver(lab.node(node), certificate(node), tokenHeader(tokensFile(), "cli", dir));
  }

  /**
   * {@code tank}'s status from the API of the daemon in {@code node}, read with curl inside the
   * node: HTTPS to 127.0.0.1, trusting {@code certificate} (the node's own), with the token in
   * {@code tokenHeader}; empty if it does not answer 200 within 20 s.
   */
  static Optional<ServiceStatus> statusOver(LabNode node, Path certificate, Path tokenHeader) {
    CommandResult result =
        curlApi(node, certificate, Optional.of(tokenHeader), "GET", "/api/v1/status");
    String out = result.stdout();
    int codeAt = out.lastIndexOf('\n');
    if (!result.succeeded() || codeAt < 0 || !out.substring(codeAt + 1).strip().equals("200")) {
      return Optional.empty();
    }
    return tankIn(out.substring(0, codeAt));
  }

  /**
   * A curl header file ({@code -H @FILE}, so the token is not on a command line) with the token
   * labelled {@code label} of {@code tokensFile}, in {@code dir}. Written whole or not at all:
   * polls from several threads share it.
   */
  static Path tokenHeader(Path tokensFile, String label, Path dir) {
    Path header = dir.resolve("api-header-" + label);
    try {
      String line =
          "Authorization: Bearer " + TokenFile.read(tokensFile).forClient(label).secret() + "\n";
      if (!Files.exists(header) || !Files.readString(header).equals(line)) {
        Path next = Files.createTempFile(dir, "api-header-", ".tmp");
        Files.writeString(next, line);
        Files.move(next, header, REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      return header;
    } catch (IOException | TokenFileException e) {
      throw new IllegalStateException("cannot hand the token to curl", e);
    }
  }

  private static Optional<ServiceStatus> tankIn(String statusJson) {
    try {
      NodeStatus status =
          new ObjectMapper()
              .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
              .readValue(statusJson, NodeStatus.class);
      return status.services().stream().filter(s -> s.name().equals("tank")).findFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The node's {@code /metrics}, fetched with curl inside the node as Prometheus would: with the
   * bearer token labelled cli from the tokens file (handed to curl in a header file, not argv).
   *
   * @param authenticated false to send no token
   * @return the HTTP status line's code and the body
   */
  CommandResult metrics(String node, boolean authenticated) {
    return api(
        node, authenticated ? Optional.of("prometheus") : Optional.empty(), "GET", "/metrics");
  }

  /**
   * What curl in {@code from} gets for a plain HTTP request to {@code to}'s heartbeat: its HTTP
   * status, or 000 when no HTTP answer came. An API that speaks only TLS never answers 200 or 401.
   */
  static String plainHttpStatus(LabNode from, LabNode to) {
    return from.exec(
            "curl",
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "--max-time",
            "5",
            "http://" + to.address() + ":" + ApiConfig.DEFAULT_PORT + "/api/v1/heartbeat")
        .stdout();
  }

  /**
   * {@code curl} inside the node against its API: the body, then a line with the HTTP status.
   *
   * @param tokenLabel the token of the cluster's tokens file to send, or none
   * @param jsonBody for a POST, its JSON body
   */
  CommandResult api(
      String node, Optional<String> tokenLabel, String method, String path, String... jsonBody) {
    return curlApi(
        lab.node(node),
        certificate(node),
        tokenLabel.map(label -> tokenHeader(tokensFile(), label, dir)),
        method,
        path,
        jsonBody);
  }

  /**
   * curl inside {@code node} against its own API on 127.0.0.1, over HTTPS trusting {@code
   * certificate} (the node's own, which its API presents there): the body, then a line with the
   * HTTP status.
   */
  private static CommandResult curlApi(
      LabNode node,
      Path certificate,
      Optional<Path> tokenHeader,
      String method,
      String path,
      String... jsonBody) {
    List<String> argv =
        new ArrayList<>(
            List.of("curl", "-s", "-S", "--max-time", "20", "-X", method, "-w", "\n%{http_code}"));
    argv.addAll(List.of("--cacert", certificate.toString()));
    tokenHeader.ifPresent(header -> argv.addAll(List.of("-H", "@" + header)));
    for (String body : jsonBody) {
      argv.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", body));
    }
    argv.add("https://127.0.0.1:" + ApiConfig.DEFAULT_PORT + path);
    return node.exec(argv.toArray(String[]::new));
  }

  /** Runs the real {@code zferry} CLI inside the node, with this cluster's configuration. */
  CommandResult cli(String node, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(repo.resolve("bin/zferry").toString());
    argv.addAll(List.of(args));
    argv.add("--config");
    argv.add(config(node).toString());
    return lab.node(node).exec(argv.toArray(String[]::new));
  }

  ServiceStatus awaitStatus(
      String node, Duration timeout, Predicate<ServiceStatus> condition, String what) {
    Instant deadline = Instant.now().plus(timeout);
    Optional<ServiceStatus> last = Optional.empty();
    while (Instant.now().isBefore(deadline)) {
      last = status(node);
      if (last.isPresent() && condition.test(last.get())) {
        return last.get();
      }
      sleep(Duration.ofMillis(500));
    }
    throw new AssertionError(
        "timed out after "
            + timeout
            + " waiting on "
            + node
            + " for "
            + what
            + "; last status "
            + last
            + "\nlog tail:\n"
            + tail(log(node)));
  }

  /** Waits until {@code check} holds, polling; fails with {@code what} and both daemons' logs. */
  void await(Duration timeout, String what, java.util.function.BooleanSupplier check) {
    Instant deadline = Instant.now().plus(timeout);
    while (!check.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "timed out after "
                + timeout
                + " waiting for "
                + what
                + "\nnode-a log tail:\n"
                + tail(log("node-a"))
                + "\nnode-b log tail:\n"
                + tail(log("node-b")));
      }
      sleep(Duration.ofMillis(500));
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /**
   * Copies both daemons' logs and each node's datasets and mounts under {@code target/lab-logs/},
   * because the next scenario's fresh lab removes them and a failure is diagnosed from them.
   */
  void saveEvidence(String scenario) {
    Path out = Path.of("target", "lab-logs", scenario);
    try {
      Files.createDirectories(out);
      for (String node : zferryNodes) {
        if (Files.exists(log(node))) {
          Files.copy(log(node), out.resolve(node + "-zferryd.log"), REPLACE_EXISTING);
        }
        CommandResult state =
            lab.node(node)
                .exec(
                    "sh",
                    "-c",
                    "zfs list -t all -o name,guid,mountpoint,mounted,readonly -r tank 2>&1;"
                        + " grep fuse /proc/self/mountinfo");
        Files.writeString(out.resolve(node + "-zfs.txt"), state.stdout() + state.stderr());
        // Under Pacemaker, what the cluster decided and when.
        for (String daemon : List.of("pacemaker", "corosync")) {
          Path cluster = lab.directory().resolve(node).resolve("var-log/" + daemon);
          Path file = cluster.resolve(daemon + ".log");
          if (Files.exists(file)) {
            Files.copy(file, out.resolve(node + "-" + daemon + ".log"), REPLACE_EXISTING);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("could not save the lab evidence of " + scenario + ": " + e);
    }
  }

  @Override
  public void close() {
    zferryNodes.forEach(this::stop);
  }
}
