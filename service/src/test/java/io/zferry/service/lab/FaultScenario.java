package io.zferry.service.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zferry.lab.Lab;
import io.zferry.lab.LabNode;
import io.zferry.lab.VipProbe;
import io.zferry.service.operations.DivergenceReport;
import io.zferry.service.status.StatusViews.ServiceStatus;
import io.zferry.snapshot.host.CommandResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One fault-injection scenario on a fresh lab (issue 7): both daemons with short intervals, a
 * client writer on the active that records every acknowledged write, and the client sampling who
 * answers for the VIP from start to end. A scenario injects its fault, then {@link #settle}s and
 * {@link #verify}s the four properties every fault must leave intact:
 *
 * <ol>
 *   <li>every acknowledged write that had reached the passive before the fault is on the surviving
 *       active, with the same checksum; so is every write acknowledged after the fault, on
 *       whichever node acknowledged it, unless the service was locked and {@code zferry divergence}
 *       named it ({@link AcknowledgedWrites});
 *   <li>the passive equals a snapshot of the active: once the writer stopped and a marker written
 *       after it reached the passive, every file of both trees has the same checksum, and the
 *       passive's newest snapshot is one of the active's (same GUID);
 *   <li>no two nodes ever answered for the VIP;
 *   <li>both state databases agree on owner, epoch and lock, and each one's row is what its own
 *       event history says.
 * </ol>
 */
final class FaultScenario implements AutoCloseable {
  static final String VIP = "10.99.0.100";
  static final String SERVICE = "tank";

  /** Small pools: a scenario that fills one must do so in seconds. */
  static final String POOL_SIZE = "1G";

  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);

  /** Detection, fencing and takeover, or a catch-up, with room for a slow shared machine. */
  static final Duration BUDGET = Duration.ofSeconds(60);

  private final Lab lab;
  private final String name;
  private final LabCluster cluster;
  private final VipProbe probe;
  private final Path work;
  private VipWatch watch;
  private Writer writer;
  private Map<String, String> replicatedAtFault = Map.of();
  // Acknowledgements before this index came before the fault; -1 until the fault.
  private int acksAtFault = -1;
  // When the scenario failed the writer's disk (lab pool-fail), if it did.
  private Optional<Instant> diskFailedAt = Optional.empty();
  private Optional<AcknowledgedWrites.Locked> locked = Optional.empty();

  /**
   * Whether the last scenario of this JVM passed its checks without disturbing the lab beyond what
   * fresh pools undo; the next one then renews the pools instead of rebuilding the lab.
   */
  private static boolean labHealthy;

  private boolean verified;
  private boolean disturbed;

  /** How a scenario's cluster differs from the default one. */
  record Options(
      List<String> settings,
      List<String> cluster,
      List<String> service,
      boolean waitForWrites,
      boolean failablePools,
      boolean witness) {
    static Options defaults() {
      return new Options(List.of(), List.of(), List.of(), true, false, false);
    }

    /** Each pool's vdev file on a FUSE mount, for {@code lab pool-fail}. */
    Options withFailablePools() {
      return new Options(settings, cluster, service, waitForWrites, true, witness);
    }

    Options fencing(String policyYaml) {
      List<String> s = new ArrayList<>(service);
      s.add("fencing: " + policyYaml);
      return new Options(settings, cluster, s, waitForWrites, failablePools, witness);
    }

    Options setting(String yaml) {
      List<String> s = new ArrayList<>(settings);
      s.add(yaml);
      return new Options(s, cluster, service, waitForWrites, failablePools, witness);
    }

    Options clusterKey(String yaml) {
      List<String> c = new ArrayList<>(cluster);
      c.add(yaml);
      return new Options(settings, c, service, waitForWrites, failablePools, witness);
    }

    /** The lab's three etcd members as the witness ({@link #WITNESS_TTL}). */
    Options withWitness() {
      return new Options(settings, cluster, service, waitForWrites, failablePools, true);
    }
  }

  /**
   * The witness lease of scenarios that use one: short, so a lost lease is over within the budget;
   * the margin is above two heartbeat timeouts of a busy machine's stalls.
   */
  static final Duration WITNESS_TTL = Duration.ofSeconds(12);

  static final Duration WITNESS_MARGIN = Duration.ofSeconds(5);

  private FaultScenario(Lab lab, String name, Options options) {
    this.lab = lab;
    this.name = name;
    this.probe = new VipProbe(lab);
    this.work = Path.of("target", "fault-suite", name).toAbsolutePath();
    List<String> settings =
        new ArrayList<>(
            List.of(
                // The shortest snapshot interval allowed; pulls every second, so a snapshot
                // reaches the passive soon after it is taken.
                "snapshotInterval: 5s",
                "pullInterval: 1s",
                "retentionCount: 5",
                "stallTimeout: 8s",
                "passiveHold: 60s"));
    settings.addAll(options.settings());
    List<String> clusterYaml = new ArrayList<>(List.of("heartbeatInterval: 500ms"));
    clusterYaml.add("heartbeatTimeout: " + HEARTBEAT_TIMEOUT.toSeconds() + "s");
    clusterYaml.addAll(options.cluster());
    List<String> serviceYaml = new ArrayList<>();
    serviceYaml.add("vips: [{cidr: " + VIP + "/24, interface: eth0}]");
    serviceYaml.add("hooks: {start: [" + hook() + "], stop: [" + hook() + "], timeout: 60s}");
    if (options.service().stream().noneMatch(l -> l.startsWith("fencing:"))) {
      serviceYaml.add("fencing: " + fenceWithLabPowerSwitch());
    }
    serviceYaml.addAll(options.service());
    this.cluster = new LabCluster(lab, "fault", settings, clusterYaml, serviceYaml);
    if (options.witness()) {
      cluster.withTopLevelYaml(
          List.of(
              "witness:",
              "  endpoints: [" + String.join(", ", lab.etcdEndpoints()) + "]",
              "  ttl: " + WITNESS_TTL.toSeconds() + "s",
              "  safetyMargin: " + WITNESS_MARGIN.toSeconds() + "s"));
    }
  }

  /**
   * Boots a fresh lab and cluster with node-a active, waits until node-b follows and the VIP is on
   * node-a, then starts the VIP sampler and the writer on node-a and waits until acknowledged
   * writes have reached node-b.
   */
  static FaultScenario start(Lab lab, String name, Options options) {
    FaultScenario s = new FaultScenario(lab, name, options);
    s.boot(options.waitForWrites(), options.failablePools());
    return s;
  }

  /** The lab's power switch as fence command: powers the peer off, exit 0 once it is off. */
  static String fenceWithLabPowerSwitch() {
    return "{policy: command, command: ["
        + Path.of(System.getProperty(Lab.SCRIPT_PROPERTY)).toAbsolutePath()
        + ", fence], timeout: 30s}";
  }

  private void boot(boolean waitForWrites, boolean failablePools) {
    try {
      Files.createDirectories(work);
      for (Path old : Files.newDirectoryStream(work)) {
        Files.delete(old);
      }
      writeHook();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    boolean reuse = labHealthy;
    labHealthy = false;
    if (reuse) {
      try {
        cluster.startOnRenewedPools(Optional.of(POOL_SIZE), failablePools);
      } catch (RuntimeException e) {
        System.err.println(name + ": renewing the pools failed, rebuilding the lab: " + e);
        cluster.startFresh(Optional.of(POOL_SIZE), failablePools);
      }
    } else {
      cluster.startFresh(Optional.of(POOL_SIZE), failablePools);
    }
    cluster.awaitStatus(
        "node-a", BUDGET, s -> s.vipsHeld().contains(VIP + "/24"), "node-a to raise the VIP");
    cluster.awaitStatus(
        "node-b", BUDGET, s -> "passive".equals(s.state()), "node-b to follow node-a");
    watch = new VipWatch(probe, VIP);
    writer = new Writer(lab.nodeA(), work.resolve("writes.acks"));
    if (waitForWrites) {
      cluster.await(
          BUDGET, "acknowledged writes on node-b", () -> replicatedNow("node-a", "node-b") >= 5);
    }
  }

  /**
   * A start and stop hook the scenario steers through files: {@code block-NODE-PHASE} makes it wait
   * while the file exists, {@code fail-NODE-PHASE} makes it fail; every run is logged.
   */
  private void writeHook() throws IOException {
    Path hook = hook();
    Files.writeString(
        hook,
        String.join(
            "\n",
            "#!/bin/sh",
            "# fault-suite hook: $1 is start or stop; ZFERRY_NODE names the node",
            "d=" + work,
            "echo \"$(date +%s.%N) $ZFERRY_NODE $1\" >> \"$d/hook-runs\"",
            "touch \"$d/ran-$ZFERRY_NODE-$1\"",
            "while [ -e \"$d/block-$ZFERRY_NODE-$1\" ]; do sleep 0.2; done",
            "if [ -e \"$d/fail-$ZFERRY_NODE-$1\" ]; then echo \"told to fail\" >&2; exit 1; fi",
            ""));
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Path hook() {
    return work.resolve("hook");
  }

  /** Makes the node's hook of {@code phase} (start, stop) wait, or lets it go on. */
  void blockHook(String node, String phase, boolean block) {
    control("block-" + node + "-" + phase, block);
  }

  /** Makes the node's hook of {@code phase} fail, or succeed again. */
  void failHook(String node, String phase, boolean fail) {
    control("fail-" + node + "-" + phase, fail);
  }

  /** Whether the node's hook of {@code phase} has started since the last {@link #forgetHooks}. */
  boolean hookRan(String node, String phase) {
    return Files.exists(work.resolve("ran-" + node + "-" + phase));
  }

  void forgetHooks() {
    try {
      for (String node : List.of("node-a", "node-b")) {
        for (String phase : List.of("start", "stop")) {
          Files.deleteIfExists(work.resolve("ran-" + node + "-" + phase));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void control(String file, boolean present) {
    try {
      if (present) {
        Files.writeString(work.resolve(file), "");
      } else {
        Files.deleteIfExists(work.resolve(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  LabCluster cluster() {
    return cluster;
  }

  Lab lab() {
    return lab;
  }

  LabNode node(String node) {
    return lab.node(node);
  }

  /** Scratch directory of this scenario (also holds the writer's acknowledgements). */
  Path work() {
    return work;
  }

  /** The nodes the client reaches at the VIP now. */
  Set<String> vipHolders() {
    return probe.holders(VIP);
  }

  /** A lab fault verb, e.g. {@code lab("cut", "node-b")}. */
  void lab(String... args) {
    lab.command(args);
  }

  /**
   * The writer's node loses its pool's disk ({@code lab pool-fail}) once it has acknowledged two
   * writes after {@link #beforeFault}, so the check of writes after the fault has some to check;
   * the writes it acknowledges from then on are not the disk's ({@link
   * AcknowledgedWrites#givenByTheDisk}).
   */
  void diskFails(String node) {
    assertThat(node).as("the node whose disk fails runs the writer").isEqualTo(writer.node());
    assertThat(acksAtFault).as("beforeFault was called").isNotNegative();
    cluster.await(
        BUDGET,
        "two writes acknowledged on " + node + " after the fault",
        () -> writer.acknowledgedWrites().size() >= acksAtFault + 2);
    diskFailedAt = Optional.of(Instant.now());
    lab.command("pool-fail", node);
  }

  /** How many acknowledged writes {@code passive} holds with the same checksum as acknowledged. */
  private int replicatedNow(String active, String passive) {
    return replicated(Writer.checksumsOn(lab.node(passive))).size();
  }

  private Map<String, String> replicated(Map<String, String> onPassive) {
    Map<String, String> replicated = new TreeMap<>();
    for (Writer.Write w : writer.acknowledgedWrites()) {
      if (w.sha256().equals(onPassive.get(w.path()))) {
        replicated.put(w.path(), w.sha256());
      }
    }
    return replicated;
  }

  /**
   * Call just before injecting the fault: remembers which acknowledged writes the passive holds
   * now; these must survive whatever follows.
   */
  void beforeFault(String passive) {
    // On zfs-fuse the passive's tree is mounted again after a receive, and reads in that moment
    // see an empty directory: look again for a little while rather than record nothing.
    Instant until = Instant.now().plusSeconds(15);
    replicatedAtFault = replicated(Writer.checksumsOn(lab.node(passive)));
    while (replicatedAtFault.isEmpty() && Instant.now().isBefore(until)) {
      LabCluster.sleep(Duration.ofMillis(500));
      replicatedAtFault = replicated(Writer.checksumsOn(lab.node(passive)));
    }
    assertThat(replicatedAtFault)
        .as("acknowledged writes replicated before the fault")
        .isNotEmpty();
    acksAtFault = writer.acknowledgedWrites().size();
  }

  /**
   * Call while the service is locked, before mark-sync-as-fixed sets the old active's data aside:
   * remembers what {@code zferry divergence} reports and the files on the node it reports on, the
   * evidence that excuses a write acknowledged after the fault and missing on the survivor.
   */
  void whileLocked() {
    CommandResult result = cluster.cli("node-a", "divergence", SERVICE, "--json");
    if (!result.succeeded()) {
      System.err.println(name + ": zferry divergence failed: " + result.stdout() + result.stderr());
      return;
    }
    try {
      DivergenceReport report =
          new ObjectMapper()
              .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
              .readValue(result.stdout(), DivergenceReport.class);
      locked =
          Optional.of(
              new AcknowledgedWrites.Locked(Writer.checksumsOn(lab.node(report.node())), report));
    } catch (IOException e) {
      throw new UncheckedIOException("zferry divergence --json: " + result.stdout(), e);
    }
  }

  void stopWriter() {
    writer.stop();
  }

  /**
   * Waits until the system is at rest with {@code active} serving: it says it is active and holds
   * the VIP, the other node follows it at the same epoch, unlocked, and the client sees only {@code
   * active} answer for the VIP.
   */
  void settle(String active) {
    String passive = other(active);
    ServiceStatus a =
        cluster.awaitStatus(
            active,
            BUDGET,
            s ->
                s.role().equals("active")
                    && "active".equals(s.state())
                    && s.vipsHeld().contains(VIP + "/24"),
            active + " to serve with the VIP");
    cluster.awaitStatus(
        passive,
        BUDGET,
        s ->
            s.role().equals("passive")
                && "passive".equals(s.state())
                && s.activeNode().equals(active)
                && !s.syncLocked()
                && s.epoch() == a.epoch(),
        passive + " to follow " + active + " unlocked at epoch " + a.epoch());
    cluster.await(
        BUDGET,
        "only " + active + " answering for the VIP",
        () -> probe.holders(VIP).equals(Set.of(active)));
  }

  /** The four checks, after {@link #settle}. */
  void verify(String active) {
    String passive = other(active);
    assertReplicatedWritesOn(active);
    assertWritesAfterTheFaultOn(active);
    assertPassiveEqualsSnapshotOfActive(active, passive);
    assertStateConsistent();
    watch.close();
    watch.assertNeverTwoHolders();
    verified = true;
  }

  /**
   * Says the scenario killed zfs-fuse (a power loss) or a transfer half-way: zfs-fuse may keep
   * something busy afterwards, so the next scenario rebuilds the lab.
   */
  void disturbedTheLab() {
    disturbed = true;
  }

  void settleAndVerify(String active) {
    settle(active);
    verify(active);
  }

  void assertReplicatedWritesOn(String active) {
    if (replicatedAtFault.isEmpty()) {
      return;
    }
    // zfs-fuse can show a just-received state a moment late.
    Map<String, String>[] missing = new Map[1];
    try {
      cluster.await(
          Duration.ofSeconds(20),
          "the acknowledged writes replicated before the fault on " + active,
          () -> {
            Map<String, String> there = Writer.checksumsOn(lab.node(active));
            Map<String, String> lost = new TreeMap<>();
            replicatedAtFault.forEach(
                (path, sum) -> {
                  if (!sum.equals(there.get(path))) {
                    lost.put(path, there.getOrDefault(path, "missing"));
                  }
                });
            missing[0] = lost;
            return lost.isEmpty();
          });
    } catch (AssertionError e) {
      throw new AssertionError(
          missing[0].size()
              + " of "
              + replicatedAtFault.size()
              + " acknowledged writes replicated before the fault are not on "
              + active
              + " as acknowledged: "
              + first(missing[0]),
          e);
    }
  }

  /**
   * Every write acknowledged after the fault (all of them, if the scenario marked no fault) is on
   * {@code active} as acknowledged, unless the divergence report taken while locked names it.
   */
  void assertWritesAfterTheFaultOn(String active) {
    List<Writer.Write> acked = writer.acknowledgedWrites();
    List<Writer.Write> all = AcknowledgedWrites.givenByTheDisk(acked, diskFailedAt);
    List<AcknowledgedWrites.Ack> after = new ArrayList<>();
    for (Writer.Write w : all.subList(Math.min(all.size(), Math.max(0, acksAtFault)), all.size())) {
      after.add(new AcknowledgedWrites.Ack(writer.node(), w.path(), w.sha256()));
    }
    if (all.size() < acked.size()) {
      System.err.println(
          name
              + ": "
              + after.size()
              + " write(s) acknowledged after the fault and before the disk failed are checked; "
              + (acked.size() - all.size())
              + " acknowledged after the disk failed are not counted: "
              + acked.subList(all.size(), acked.size()));
    }
    List<String>[] lost = new List[] {List.of()};
    try {
      cluster.await(
          Duration.ofSeconds(20),
          "the writes acknowledged after the fault on " + active,
          () -> {
            lost[0] =
                AcknowledgedWrites.lost(
                    after, active, Writer.checksumsOn(lab.node(active)), locked);
            return lost[0].isEmpty();
          });
    } catch (AssertionError e) {
      throw new AssertionError(
          lost[0].size()
              + " of "
              + after.size()
              + " writes acknowledged after the fault are lost: "
              + lost[0].subList(0, Math.min(8, lost[0].size())),
          e);
    }
  }

  void assertPassiveEqualsSnapshotOfActive(String active, String passive) {
    writer.stop();
    String marker = UUID.randomUUID().toString();
    lab.node(active).shell("echo " + marker + " > /tank/fault-marker");
    cluster.await(
        BUDGET,
        "the marker written after the writer stopped on " + passive,
        () -> lab.node(passive).exec("cat", "/tank/fault-marker").stdout().strip().equals(marker));
    Map<String, String>[] last = new Map[2];
    try {
      cluster.await(
          Duration.ofSeconds(20),
          passive + "'s files equal to " + active + "'s",
          () -> {
            last[0] = tree(active);
            last[1] = tree(passive);
            return last[0].equals(last[1]);
          });
    } catch (AssertionError e) {
      throw new AssertionError(
          passive + " differs from " + active + ": " + difference(last[0], last[1]), e);
    }
    Map<String, String> activeGuids = snapshotGuids(active);
    Optional<String> newest = newestSnapshotGuid(passive);
    assertThat(newest).as(passive + " holds a snapshot").isPresent();
    assertThat(activeGuids.values())
        .as(passive + "'s newest snapshot (GUID " + newest.get() + ") among " + active + "'s")
        .contains(newest.get());
  }

  void assertStateConsistent() {
    StateCheck a = StateCheck.read("node-a", cluster.stateDb("node-a"), SERVICE);
    StateCheck b = StateCheck.read("node-b", cluster.stateDb("node-b"), SERVICE);
    StateCheck.assertAgree(a, b);
    ServiceStatus status = cluster.status(a.activeNode()).orElseThrow();
    assertThat(List.of(status.activeNode(), status.epoch(), status.syncLocked()))
        .as("what " + a.activeNode() + " reports against its database")
        .isEqualTo(List.of(a.activeNode(), a.epoch(), a.locked()));
  }

  /** Path → SHA-256 of every file of the node's pool but the data zferry sets aside. */
  Map<String, String> tree(String node) {
    String out =
        lab.node(node)
            .exec(
                "sh",
                "-c",
                "find /tank -name 'zferry-aside-*' -prune -o -type f -print | sort"
                    + " | xargs -r -d '\\n' sha256sum")
            .stdout();
    Map<String, String> sums = new TreeMap<>();
    for (String line : out.split("\n")) {
      int space = line.indexOf("  ");
      if (space > 0) {
        sums.put(line.substring(space + 2), line.substring(0, space));
      }
    }
    return sums;
  }

  /** Snapshot name → GUID of the pool's root dataset on the node. */
  Map<String, String> snapshotGuids(String node) {
    Map<String, String> guids = new TreeMap<>();
    String out =
        lab.node(node)
            .exec("zfs", "get", "-H", "-p", "-d", "1", "-o", "name,value", "guid", "tank")
            .stdout();
    for (String line : out.split("\n")) {
      String[] parts = line.split("\t");
      if (parts.length == 2 && parts[0].startsWith("tank@")) {
        guids.put(parts[0], parts[1]);
      }
    }
    return guids;
  }

  private Optional<String> newestSnapshotGuid(String node) {
    String out =
        lab.node(node)
            .exec(
                "zfs",
                "get",
                "-H",
                "-p",
                "-d",
                "1",
                "-o",
                "name,property,value",
                "guid,createtxg",
                "tank")
            .stdout();
    Map<String, long[]> txg = new TreeMap<>();
    Map<String, String> guid = new TreeMap<>();
    for (String line : out.split("\n")) {
      String[] parts = line.split("\t");
      if (parts.length == 3 && parts[0].startsWith("tank@")) {
        if (parts[1].equals("guid")) {
          guid.put(parts[0], parts[2]);
        } else {
          txg.put(parts[0], new long[] {Long.parseLong(parts[2])});
        }
      }
    }
    return txg.entrySet().stream()
        .max((x, y) -> Long.compare(x.getValue()[0], y.getValue()[0]))
        .map(e -> guid.get(e.getKey()));
  }

  private static String difference(Map<String, String> a, Map<String, String> b) {
    if (a == null || b == null) {
      return "(not listed)";
    }
    List<String> diffs = new ArrayList<>();
    for (String path : a.keySet()) {
      if (!a.get(path).equals(b.get(path))) {
        diffs.add(path + (b.containsKey(path) ? " differs" : " missing on the passive"));
      }
    }
    for (String path : b.keySet()) {
      if (!a.containsKey(path)) {
        diffs.add(path + " only on the passive");
      }
    }
    return diffs.size() + " paths, e.g. " + diffs.subList(0, Math.min(8, diffs.size()));
  }

  private static String first(Map<String, String> map) {
    return map.entrySet().stream().limit(8).toList().toString();
  }

  static String other(String node) {
    return node.equals("node-a") ? "node-b" : "node-a";
  }

  @Override
  public void close() {
    if (writer != null) {
      writer.stop();
    }
    if (watch != null) {
      watch.close();
    }
    try {
      for (String node : List.of("node-a", "node-b")) {
        for (String phase : List.of("start", "stop")) {
          Files.deleteIfExists(work.resolve("block-" + node + "-" + phase));
          Files.deleteIfExists(work.resolve("fail-" + node + "-" + phase));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    cluster.saveEvidence(name);
    cluster.close();
    labHealthy = verified && !disturbed;
  }
}
