package io.zferry.service.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.model.NodeName;
import io.zferry.service.testing.PullReports;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Before a takeover: which other passives are asked, listed and pulled from. */
class OtherPassivesTest {
  private static final Snapshot OLDER = snapshot("zferry-20260101-000000", 11);
  private static final Snapshot NEWER = snapshot("zferry-20260101-000005", 12);

  private final List<String> pulledFrom = new ArrayList<>();

  @Test
  void aPassiveWhoseStatusNamesASnapshotHeldHereIsNeitherListedNorPulledFrom() {
    FakeSibling c = new FakeSibling("node-c", true, Optional.of("11"), Optional.of(OLDER));

    String said = passives(Set.of("11"), c).catchUp();

    assertThat(c.listed).as("no SSH listing").isZero();
    assertThat(pulledFrom).isEmpty();
    assertThat(said).isEqualTo("no other passive is further along");
  }

  @Test
  void aPassiveWhoseStatusNamesASnapshotNotHereIsListedAndPulledFrom() {
    FakeSibling c = new FakeSibling("node-c", true, Optional.of("12"), Optional.of(NEWER));

    String said = passives(Set.of("11"), c).catchUp();

    assertThat(c.listed).isEqualTo(1);
    assertThat(pulledFrom).containsExactly("node-c");
    assertThat(said).startsWith("caught up from node-c: tank: ok");
  }

  @Test
  void withoutAStatusItsOwnListingDecides() {
    FakeSibling behind = new FakeSibling("node-c", true, Optional.empty(), Optional.of(OLDER));
    FakeSibling ahead = new FakeSibling("node-d", true, Optional.empty(), Optional.of(NEWER));

    passives(Set.of("11"), behind, ahead).catchUp();

    assertThat(behind.listed).isEqualTo(1);
    assertThat(ahead.listed).isEqualTo(1);
    assertThat(pulledFrom).containsExactly("node-d");
  }

  @Test
  void aSilentPassiveIsSkippedAndAFailedListingIsSaid() {
    FakeSibling silent = new FakeSibling("node-c", false, Optional.of("12"), Optional.of(NEWER));
    FakeSibling failing = new FakeSibling("node-d", true, Optional.of("12"), Optional.empty());
    failing.listingFails = true;

    String said = passives(Set.of("11"), silent, failing).catchUp();

    assertThat(silent.listed).isZero();
    assertThat(pulledFrom).isEmpty();
    assertThat(said).contains("could not list node-d's snapshots: no route to host");
  }

  private OtherPassives passives(Set<String> here, FakeSibling... siblings) {
    return new OtherPassives(
        "tank",
        () -> here,
        () -> List.of(siblings),
        source -> {
          pulledFrom.add(source.node().value());
          return Optional.of(PullReports.upToDate(DatasetName.of("tank"), NEWER));
        });
  }

  private static Snapshot snapshot(String name, long guid) {
    return new Snapshot(SnapshotName.parse("tank@" + name), new Guid(guid), guid, Instant.EPOCH);
  }

  private static final class FakeSibling implements OtherPassives.Sibling {
    private final String name;
    private final boolean answers;
    private final Optional<String> reported;
    private final Optional<Snapshot> newest;
    int listed;
    boolean listingFails;

    FakeSibling(
        String name, boolean answers, Optional<String> reported, Optional<Snapshot> newest) {
      this.name = name;
      this.answers = answers;
      this.reported = reported;
      this.newest = newest;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean answers() {
      return answers;
    }

    @Override
    public Optional<String> reportedNewest() {
      return reported;
    }

    @Override
    public Optional<Snapshot> listedNewest() {
      listed++;
      if (listingFails) {
        throw new IllegalStateException("no route to host");
      }
      return newest;
    }

    @Override
    public PullLoop.Source source() {
      return new PullLoop.Source(new NodeName(name), null);
    }
  }
}
