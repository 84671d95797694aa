package io.zferry.sync.bench;

import io.zferry.fakes.FakeZfs;
import io.zferry.snapshot.schedule.SnapshotNaming;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.sync.pull.Puller;
import io.zferry.sync.pull.TransferActivity;
import io.zferry.sync.transfer.TransferOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The commands one pull cycle runs on the active (each one a {@code zferry serve} start there), for
 * a pool of {@code n} datasets on OpenZFS, counted on {@link FakeZfs}: an idle cycle, and a small
 * cycle after a recursive snapshot with a few bytes written to every dataset. Run by {@code
 * bench/serve-cost}; prints one line per cycle with the commands by kind, then a summary line.
 */
public final class PeerCommandsBench {
  private static final DatasetName TANK = DatasetName.of("tank");

  private PeerCommandsBench() {}

  public static void main(String[] args) {
    int datasets = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    Instant[] now = {Instant.parse("2026-12-01T10:00:00Z")};
    Clock clock =
        new Clock() {
          @Override
          public Instant instant() {
            return now[0];
          }

          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    FakeZfs active = FakeZfs.openZfs("node-a", clock, 1).createPool("tank", 1L << 30);
    FakeZfs passive = FakeZfs.openZfs("node-b", clock, 2).createPool("tank", 1L << 30);
    for (int i = 1; i < datasets; i++) {
      active.createFilesystem(TANK.child("data" + i));
    }
    Runnable snapshot =
        () -> {
          now[0] = now[0].plus(Duration.ofMinutes(1));
          active.snapshot(TANK, SnapshotNaming.shortNameAt(now[0]), true);
        };
    Runnable pull =
        () -> {
          now[0] = now[0].plus(Duration.ofSeconds(10));
          new Puller(
                  active,
                  passive,
                  TANK,
                  clock,
                  TransferOptions.defaults(),
                  TransferActivity.Listener.NONE)
              .pullOnce();
        };
    snapshot.run();
    pull.run();

    Map<String, Integer> idle = cycle(active, pull);
    for (DatasetName dataset : active.listDatasets(TANK)) {
      active.writeFile(dataset, "f", "a few bytes " + now[0]);
    }
    snapshot.run();
    Map<String, Integer> small = cycle(active, pull);
    System.out.printf("pool of %d datasets, OpenZFS, commands on the active:%n", datasets);
    System.out.printf("  idle cycle:  %d %s%n", total(idle), idle);
    System.out.printf("  small cycle: %d %s%n", total(small), small);
    System.out.printf(
        "peer-commands: datasets=%d idle=%d small=%d estimates=%d%n",
        datasets, total(idle), total(small), small.getOrDefault("send -nP (estimate)", 0));
  }

  private static Map<String, Integer> cycle(FakeZfs active, Runnable pull) {
    int before = active.commands().size();
    pull.run();
    List<List<String>> all = active.commands();
    Map<String, Integer> byKind = new TreeMap<>();
    for (List<String> argv : all.subList(before, all.size())) {
      byKind.merge(kind(argv), 1, Integer::sum);
    }
    return byKind;
  }

  private static String kind(List<String> argv) {
    if (argv.get(0).equals("send") && argv.contains("-n")) {
      return "send -nP (estimate)";
    }
    return argv.get(0);
  }

  private static int total(Map<String, Integer> byKind) {
    return byKind.values().stream().mapToInt(Integer::intValue).sum();
  }
}
