package io.zferry.sync.bench;

import io.zferry.snapshot.host.LocalHost;
import io.zferry.snapshot.zfs.CliZfs;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotListing;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.plan.Plan;
import io.zferry.sync.plan.ReplicationPlanner;
import io.zferry.sync.pull.DatasetOutcome;
import io.zferry.sync.pull.PullReport;
import io.zferry.sync.pull.Puller;
import io.zferry.sync.ssh.SshEndpoint;
import io.zferry.sync.ssh.SshHost;
import io.zferry.sync.transfer.TransferOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Idle pull cycles the way the passive's zferryd runs them: one {@link SshHost} to the peer, kept
 * open from cycle to cycle, and {@link Puller#pullOnce()} on a pool the target already holds in
 * full, so each cycle lists both sides, plans, finds nothing to send and sets the target read-only
 * again. The first cycle also opens the SSH connection and detects both sides' ZFS capabilities.
 * After each cycle the same steps are timed one by one. Run inside a lab node by {@code
 * bench/idle-pull-10k}; writes {@code cycle}, {@code steps} and {@code snapshots} lines to the
 * report file, and fails if a cycle was not idle.
 */
public final class IdlePullBench {
  private static final PropertyName READONLY = PropertyName.of("readonly");

  private IdlePullBench() {}

  public static void main(String[] args) throws IOException {
    String peer = "node-a";
    DatasetName pool = DatasetName.of("tank");
    int cycles = 6;
    Path report = null;
    Path key = Path.of("/root/.ssh/id_ed25519");
    Path knownHosts = Path.of("/root/.ssh/known_hosts");
    for (int i = 0; i < args.length; i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--peer" -> peer = value;
        case "--pool" -> pool = DatasetName.of(value);
        case "--cycles" -> cycles = Integer.parseInt(value);
        case "--report" -> report = Path.of(value);
        case "--key" -> key = Path.of(value);
        case "--known-hosts" -> knownHosts = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (report == null) {
      throw new IllegalArgumentException("--report is required");
    }

    List<String> lines = new ArrayList<>();
    SshEndpoint endpoint = new SshEndpoint(peer, peer, 22, "root", key, knownHosts);
    try (SshHost peerHost = new SshHost(endpoint)) {
      Zfs source = new CliZfs(peerHost);
      Zfs target = new CliZfs(new LocalHost("local"));
      Puller puller =
          new Puller(source, target, pool, Clock.systemUTC(), TransferOptions.defaults(), a -> {});
      for (int cycle = 1; cycle <= cycles; cycle++) {
        long start = System.nanoTime();
        PullReport pulled = puller.pullOnce();
        double seconds = (System.nanoTime() - start) / 1e9;
        requireIdle(cycle, pulled);
        lines.add(String.format("cycle %d %.3f %s", cycle, seconds, pulled.summary()));
        lines.add(steps(cycle, source, target, pool));
        Files.write(report, lines);
      }
    }
  }

  /** The cycle's steps timed one by one, on the same connection: listings, planning, read-only. */
  private static String steps(int cycle, Zfs source, Zfs target, DatasetName pool) {
    long t0 = System.nanoTime();
    SnapshotListing onSource = source.listSnapshots(pool);
    long t1 = System.nanoTime();
    SnapshotListing onTarget = target.listSnapshots(pool);
    long t2 = System.nanoTime();
    Map<DatasetName, List<Snapshot>> sourceByDataset = byDataset(onSource.snapshots());
    Map<DatasetName, List<Snapshot>> targetByDataset = byDataset(onTarget.snapshots());
    int notUpToDate = 0;
    for (var entry : sourceByDataset.entrySet()) {
      Plan plan =
          ReplicationPlanner.plan(
              entry.getValue(), targetByDataset.getOrDefault(entry.getKey(), List.of()));
      if (!(plan instanceof Plan.UpToDate || plan instanceof Plan.NothingToSend)) {
        notUpToDate++;
      }
    }
    long t3 = System.nanoTime();
    target.setProperty(pool, READONLY, "on");
    long t4 = System.nanoTime();
    if (notUpToDate > 0) {
      throw new IllegalStateException(notUpToDate + " dataset(s) are not up to date: not idle");
    }
    return String.format(
        "steps %d source-list %.3f target-list %.3f plan %.3f readonly %.3f snapshots %d %d",
        cycle,
        (t1 - t0) / 1e9,
        (t2 - t1) / 1e9,
        (t3 - t2) / 1e9,
        (t4 - t3) / 1e9,
        onSource.snapshots().size(),
        onTarget.snapshots().size());
  }

  private static void requireIdle(int cycle, PullReport pulled) {
    boolean idle =
        pulled.succeeded()
            && pulled.bytes() == 0
            && pulled.expired().isEmpty()
            && pulled.outcomes().stream().allMatch(o -> o instanceof DatasetOutcome.Current);
    if (!idle) {
      throw new IllegalStateException("cycle " + cycle + " was not idle: " + pulled.summary());
    }
  }

  private static Map<DatasetName, List<Snapshot>> byDataset(List<Snapshot> snapshots) {
    Map<DatasetName, List<Snapshot>> grouped = new LinkedHashMap<>();
    snapshots.forEach(s -> grouped.computeIfAbsent(s.dataset(), k -> new ArrayList<>()).add(s));
    return grouped;
  }
}
