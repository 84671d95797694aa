package io.zferry.snapshot.zfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.Host;
import io.zferry.snapshot.host.RunningCommand;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Expiry destroys each dataset's snapshots in one {@code zfs destroy DATASET@a,b,c} where the ZFS
 * allows it, and still says exactly which snapshot could not go, and why, when one cannot.
 */
class SnapshotListDestroyTest {
  private static final String CLONED =
      "cannot destroy 'tank/a@s2': snapshot has dependent clones\n"
          + "use '-R' to destroy the following datasets:\ntank/clone\n";
  private static final String[] OPENZFS = {"0", "zfs-2.1.11-1\nzfs-kmod-2.1.11-1\n", ""};

  /** A scripted host that records every command but the capability probe. */
  private static final class Recording implements Host {
    final List<String> commands = new ArrayList<>();
    final Map<String, String[]> answers = new HashMap<>();

    Recording(boolean openZfs) {
      if (openZfs) {
        answers.put("zfs version", OPENZFS);
      } else {
        answers.put("zfs version", new String[] {"1", "", "unrecognized command 'version'"});
        answers.put("zfs list -H -p -o name", new String[] {"2", "", "invalid option 'p'"});
      }
    }

    @Override
    public String name() {
      return "node";
    }

    @Override
    public RunningCommand start(Command command) {
      String line = String.join(" ", command.argv());
      if (line.startsWith("zfs destroy")) {
        commands.add(line);
      }
      return new CapabilityDetectionTest.Scripted(answers).start(command);
    }
  }

  private static List<SnapshotName> snapshots(String dataset, String... shortNames) {
    return List.of(shortNames).stream().map(s -> SnapshotName.parse(dataset + "@" + s)).toList();
  }

  @Test
  void oneDatasetsSnapshotsGoInOneCommand() {
    Recording host = new Recording(true);
    SnapshotDestruction done =
        new CliZfs(host).destroySnapshots(snapshots("tank/a", "s1", "s2", "s3"));
    assertThat(host.commands).containsExactly("zfs destroy tank/a@s1,s2,s3");
    assertThat(done.gone()).isEqualTo(snapshots("tank/a", "s1", "s2", "s3"));
    assertThat(done.failed()).isEmpty();
  }

  @Test
  void eachDatasetHasItsOwnCommandAndASingleSnapshotItsPlainName() {
    Recording host = new Recording(true);
    List<SnapshotName> both = new ArrayList<>(snapshots("tank", "s1", "s2"));
    both.addAll(snapshots("tank/with space", "s1"));
    new CliZfs(host).destroySnapshots(both);
    assertThat(host.commands)
        .containsExactly("zfs destroy tank@s1,s2", "zfs destroy tank/with space@s1");
  }

  @Test
  void aListThatFailsIsTriedOneByOneAndOnlyTheSnapshotThatCannotGoStays() {
    Recording host = new Recording(true);
    host.answers.put("zfs destroy tank/a@s1,s2,s3", new String[] {"1", "", CLONED});
    host.answers.put("zfs destroy tank/a@s2", new String[] {"1", "", CLONED});
    host.answers.put(
        "zfs destroy tank/a@s3",
        new String[] {"1", "", "could not find any snapshots to destroy; check snapshot names.\n"});
    SnapshotDestruction done =
        new CliZfs(host).destroySnapshots(snapshots("tank/a", "s1", "s2", "s3"));
    assertThat(host.commands)
        .containsExactly(
            "zfs destroy tank/a@s1,s2,s3",
            "zfs destroy tank/a@s1",
            "zfs destroy tank/a@s2",
            "zfs destroy tank/a@s3");
    // s3 was gone already: it counts as gone, as OpenZFS's list destroy counts it.
    assertThat(done.gone()).isEqualTo(snapshots("tank/a", "s1", "s3"));
    assertThat(done.failed()).containsOnlyKeys(SnapshotName.parse("tank/a@s2"));
    assertThat(done.failed().get(SnapshotName.parse("tank/a@s2")).getMessage()).contains("clones");
  }

  @Test
  void aLongExpiryIsCutIntoListsOfBoundedLength() {
    Recording host = new Recording(true);
    int count = 2 * SnapshotDestruction.SNAPSHOTS_PER_LIST + 2;
    String[] names = IntStream.range(0, count).mapToObj(i -> "s" + i).toArray(String[]::new);
    SnapshotDestruction done = new CliZfs(host).destroySnapshots(snapshots("tank", names));
    assertThat(host.commands).hasSize(3);
    assertThat(host.commands.get(2)).isEqualTo("zfs destroy tank@s128,s129");
    assertThat(done.gone()).hasSize(count);
  }

  @Test
  void zfsFuseDestroysOneByOne() {
    Recording host = new Recording(false);
    new CliZfs(host).destroySnapshots(snapshots("tank", "s1", "s2"));
    assertThat(host.commands).containsExactly("zfs destroy tank@s1", "zfs destroy tank@s2");
  }

  @Test
  void nothingToDestroyRunsNothing() {
    Recording host = new Recording(true);
    assertThat(new CliZfs(host).destroySnapshots(List.of()).gone()).isEmpty();
    assertThat(host.commands).isEmpty();
  }
}
