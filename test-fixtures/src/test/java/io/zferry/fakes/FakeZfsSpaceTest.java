package io.zferry.fakes;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.ReceiveSpec;
import io.zferry.snapshot.zfs.SendFlags;
import io.zferry.snapshot.zfs.SendSpec;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotName;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code used} and {@code available} kept up to date on every write, snapshot, destroy, rollback
 * and receive equal a count from scratch of every distinct file version the live files and the
 * snapshots hold.
 */
class FakeZfsSpaceTest {
  private static final DatasetName TANK = DatasetName.of("tank");
  private static final DatasetName COPY = DatasetName.of("tank/copy");
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
  private static final long POOL_SIZE = 1L << 30;

  /** A few contents only, so that versions repeat across files, snapshots and hosts. */
  private static final List<String> TEXTS = List.of("a", "bb", "ccc", "acknowledged", "");

  @Test
  void spaceFollowsEveryChangeAsACountFromScratchDoes() {
    for (long seed = 1; seed <= 10; seed++) {
      runSchedule(seed);
    }
  }

  @Test
  void aSnapshotKeepsTheVersionsItHoldsUntilItIsDestroyed() {
    FakeZfs a = FakeZfs.openZfs("a", CLOCK, 1).createPool("tank", POOL_SIZE);
    a.writeFile(TANK, "f", "one");
    a.snapshot(TANK, "s1", false);
    a.writeFile(TANK, "f", "three");
    assertThat(used(a, TANK)).isEqualTo((3 + 512) + (5 + 512));
    a.destroySnapshot(TANK.snapshot("s1"));
    assertThat(used(a, TANK)).isEqualTo(5 + 512);
    a.deleteFile(TANK, "f");
    assertThat(used(a, TANK)).isZero();
    assertThat(a.poolFree("tank")).isEqualTo(POOL_SIZE);
  }

  private void runSchedule(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    FakeZfs a = FakeZfs.openZfs("a", CLOCK, seed).createPool("tank", POOL_SIZE);
    FakeZfs b = FakeZfs.openZfs("b", CLOCK, seed + 1).createPool("tank", POOL_SIZE);
    int names = 0;
    for (int step = 0; step < 250; step++) {
      String what;
      switch (random.nextInt(8)) {
        case 0, 1, 2 -> {
          FakeZfs host = random.nextInt(4) == 0 && b.exists(COPY) ? b : a;
          DatasetName dataset = host == a ? TANK : COPY;
          String path = "f" + random.nextInt(12);
          what = host.hostName() + " writes " + path;
          host.writeFile(dataset, path, TEXTS.get(random.nextInt(TEXTS.size())));
        }
        case 3 -> {
          String path = "f" + random.nextInt(12);
          what = "a deletes " + path;
          a.deleteFile(TANK, path);
        }
        case 4 -> {
          what = "a snapshots s" + names;
          a.snapshot(TANK, "s" + names++, false);
        }
        case 5 -> {
          Optional<SnapshotName> doomed = anySnapshot(a, random);
          what = "a destroys " + doomed;
          doomed.ifPresent(a::destroySnapshot);
        }
        case 6 -> {
          Optional<SnapshotName> to = anySnapshot(a, random);
          what = "a rolls back to " + to;
          to.ifPresent(s -> a.rollback(s, true));
        }
        default -> {
          what = "a sends to b";
          pull(a, b);
        }
      }
      String at = "seed " + seed + ", step " + step + " (" + what + ")";
      assertThat(used(a, TANK)).as(at).isEqualTo(countFromScratch(a, TANK));
      assertThat(a.poolFree("tank")).as(at).isEqualTo(POOL_SIZE - countFromScratch(a, TANK));
      if (b.exists(COPY)) {
        assertThat(used(b, COPY)).as(at).isEqualTo(countFromScratch(b, COPY));
        assertThat(b.poolUsed("tank")).as(at).isEqualTo(countFromScratch(b, COPY));
      }
    }
  }

  /** A full send if b has nothing of a's, else {@code send -I} from the newest common one, -F. */
  private static void pull(FakeZfs a, FakeZfs b) {
    List<Snapshot> source = a.listSnapshots(TANK).snapshots();
    if (source.isEmpty()) {
      return;
    }
    Snapshot latest = source.get(source.size() - 1);
    Set<Guid> held = new HashSet<>();
    if (b.exists(COPY)) {
      b.listSnapshots(COPY).snapshots().forEach(s -> held.add(s.guid()));
    }
    Optional<Snapshot> common =
        source.stream().filter(s -> held.contains(s.guid())).reduce((x, y) -> y);
    if (common.isEmpty()) {
      if (b.exists(COPY)) {
        b.destroyDataset(COPY, true);
      }
      FakeTransfer.run(
          a, new SendSpec.Full(latest.name(), SendFlags.PLAIN), b, ReceiveSpec.into(COPY));
    } else if (!common.get().guid().equals(latest.guid())) {
      FakeTransfer.run(
          a,
          new SendSpec.Incremental(common.get().name(), latest.name(), true, SendFlags.PLAIN),
          b,
          ReceiveSpec.into(COPY).forced());
    }
  }

  private static Optional<SnapshotName> anySnapshot(FakeZfs zfs, SplittableRandom random) {
    List<Snapshot> snapshots = zfs.listSnapshots(TANK).snapshots();
    return snapshots.isEmpty()
        ? Optional.empty()
        : Optional.of(snapshots.get(random.nextInt(snapshots.size())).name());
  }

  private static long used(FakeZfs zfs, DatasetName dataset) {
    return Long.parseLong(zfs.getProperty(dataset, PropertyName.of("used")).orElseThrow());
  }

  /** Every distinct (path, bytes) of the live files and the snapshots: its bytes plus 512. */
  private static long countFromScratch(FakeZfs zfs, DatasetName dataset) {
    List<Map<String, byte[]>> states = new ArrayList<>();
    states.add(zfs.files(dataset));
    for (Snapshot s : zfs.listSnapshots(dataset).snapshots()) {
      states.add(zfs.files(s.name()));
    }
    Map<String, Long> versions = new HashMap<>();
    for (Map<String, byte[]> state : states) {
      state.forEach(
          (path, bytes) ->
              versions.put(
                  path + "\0" + new String(bytes, StandardCharsets.ISO_8859_1),
                  bytes.length + 512L));
    }
    return versions.values().stream().mapToLong(Long::longValue).sum();
  }
}
