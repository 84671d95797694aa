package io.zferry.snapshot.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SnapshotListingTest {
  @Test
  void parsesZfsFuseGetOutputKeepingOnlySnapshots() {
    String output =
        """
        tank\tguid\t1111
        tank\tcreatetxg\t1
        tank\tcreation\t1795000000
        tank@b\tguid\t18446744073709551615
        tank@b\tcreatetxg\t20
        tank@b\tcreation\t1795000200
        tank/data@a\tguid\t42
        tank/data@a\tcreatetxg\t10
        tank/data@a\tcreation\t1795000100
        tank@a\tguid\t41
        tank@a\tcreatetxg\t10
        tank@a\tcreation\t1795000100
        """;
    SnapshotListing listing = SnapshotListing.fromGet(output);

    assertThat(listing.snapshots())
        .extracting(s -> s.name().toString())
        .containsExactly("tank@a", "tank/data@a", "tank@b");
    Snapshot newest = listing.snapshots().get(2);
    assertThat(newest.guid()).hasToString("18446744073709551615");
    assertThat(newest.createTxg()).isEqualTo(20);
    assertThat(newest.creation()).isEqualTo(Instant.ofEpochSecond(1795000200));
    assertThat(listing.refusedNames()).isEmpty();
  }

  @Test
  void parsesOpenZfsListOutput() {
    String output = "tank@a\t41\t10\t1795000100\ntank/x@a\t42\t10\t1795000100\n";
    SnapshotListing listing = SnapshotListing.fromList(output);
    assertThat(listing.snapshots())
        .extracting(Snapshot::guid)
        .containsExactly(new Guid(41), new Guid(42));
  }

  @Test
  void reportsSnapshotsWhoseNamesZferryRefuses() {
    String output =
        "tank@ok\t1\t5\t1795000000\ntank@with%percent\t2\t6\t1795000001\n"
            + "tank/my data@with space\t3\t7\t1795000002\n";
    SnapshotListing listing = SnapshotListing.fromList(output);
    assertThat(listing.snapshots())
        .extracting(s -> s.name().toString())
        .containsExactly("tank@ok", "tank/my data@with space");
    assertThat(listing.refusedNames()).containsExactly("tank@with%percent");
  }

  @Test
  void refusesMalformedOutputInsteadOfGuessing() {
    assertThatThrownBy(() -> SnapshotListing.fromList("tank@a\t7.66E\t10\t1795000000\n"))
        .hasMessageContaining("not a ZFS GUID");
    assertThatThrownBy(() -> SnapshotListing.fromList("tank@a\t1\t2\n"))
        .hasMessageContaining("unexpected zfs list line");
    assertThatThrownBy(() -> SnapshotListing.fromGet("tank@a\tguid\t1\n"))
        .hasMessageContaining("did not report");
  }

  @Test
  void emptyOutputIsAnEmptyListing() {
    assertThat(SnapshotListing.fromGet("").snapshots()).isEmpty();
  }
}
