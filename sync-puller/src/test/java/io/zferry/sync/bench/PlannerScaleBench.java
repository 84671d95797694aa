package io.zferry.sync.bench;

import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.sync.plan.Plan;
import io.zferry.sync.plan.ReplicationPlanner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How long the pure planner takes for one dataset with many snapshots: the source has {@code n},
 * the target the same minus the newest 10 (an incremental plan, the common case). Run by {@code
 * bench/planner-scale}; prints the median of several timed runs after a warm-up.
 */
public final class PlannerScaleBench {
  private PlannerScaleBench() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    List<Snapshot> source = snapshots(n);
    List<Snapshot> target = new ArrayList<>(source.subList(0, n - 10));
    for (int i = 0; i < 5; i++) {
      ReplicationPlanner.plan(source, target);
    }
    double[] millis = new double[9];
    Plan plan = null;
    for (int i = 0; i < millis.length; i++) {
      long start = System.nanoTime();
      plan = ReplicationPlanner.plan(source, target);
      millis[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(millis);
    System.out.printf(
        "snapshots %d: plan %s; median %.1f ms, min %.1f ms, max %.1f ms over %d runs%n",
        n,
        plan.describe(),
        millis[millis.length / 2],
        millis[0],
        millis[millis.length - 1],
        millis.length);
  }

  private static List<Snapshot> snapshots(int n) {
    List<Snapshot> snapshots = new ArrayList<>(n);
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < n; i++) {
      snapshots.add(
          new Snapshot(
              SnapshotName.parse("tank@s" + i),
              new Guid(0x5DEECE66DL * (i + 1)),
              1000L + i,
              start.plusSeconds(60L * i)));
    }
    return snapshots;
  }
}
