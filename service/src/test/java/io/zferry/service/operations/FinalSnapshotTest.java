package io.zferry.service.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.service.api.ApiProblem;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.Snapshot;
import io.zferry.snapshot.zfs.SnapshotListing;
import io.zferry.snapshot.zfs.SnapshotName;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FinalSnapshotTest {
  private static Snapshot snapshot(String name, long guid) {
    return new Snapshot(SnapshotName.parse(name), new Guid(guid), 9, Instant.EPOCH);
  }

  private static SnapshotListing listing(Snapshot... snapshots) {
    return new SnapshotListing(List.of(snapshots), List.of());
  }

  @Test
  void takesEveryDatasetOfTheFinalSnapshotButSetAsideCopiesAndOlderSnapshots() {
    FinalSnapshot last =
        FinalSnapshot.of(
            SnapshotName.parse("tank@final"),
            listing(
                snapshot("tank@older", 1),
                snapshot("tank@final", 42),
                snapshot("tank/vol@final", 43),
                snapshot("tank/secret@final", 44),
                snapshot("tank/zferry-aside-20260101-x@final", 45),
                snapshot("tank/zferry-aside-20260101-x/y@final", 46)));

    assertThat(last.guids())
        .containsOnly(
            Map.entry(DatasetName.of("tank"), new Guid(42)),
            Map.entry(DatasetName.of("tank/vol"), new Guid(43)),
            Map.entry(DatasetName.of("tank/secret"), new Guid(44)));
    assertThat(last.rootGuid()).isEqualTo(new Guid(42));
  }

  @Test
  void matchesByGuidWhateverTheNamesSay() {
    FinalSnapshot last =
        FinalSnapshot.of(
            SnapshotName.parse("tank@final"),
            listing(snapshot("tank@final", 42), snapshot("tank/a@final", 43)));

    assertThat(last.mismatches(listing(snapshot("tank@renamed", 42), snapshot("tank/a@x", 43))))
        .isEmpty();
    assertThat(last.mismatches(listing(snapshot("tank@final", 42))))
        .containsExactly(
            new FinalSnapshot.Mismatch.Missing(DatasetName.of("tank/a"), new Guid(43)));
    assertThat(last.mismatches(listing(snapshot("tank@final", 7), snapshot("tank/a@final", 43))))
        .containsExactly(
            new FinalSnapshot.Mismatch.OtherGuid(
                DatasetName.of("tank"), new Guid(42), new Guid(7)));
  }

  @Test
  void theRequestCarriesEveryDatasetAndIsValidated() {
    FinalSnapshot last =
        FinalSnapshot.of(
            SnapshotName.parse("tank@final"),
            listing(snapshot("tank@final", 42), snapshot("tank/a@final", 43)));

    Requests.CatchUp request = new Requests.CatchUp(last);

    assertThat(request.datasets()).containsOnly(Map.entry("tank", "42"), Map.entry("tank/a", "43"));
    assertThat(request.finalSnapshot()).isEqualTo(last);
  }

  @Test
  void anActiveOfAnOlderVersionAsksForThePoolsRootOnly() {
    FinalSnapshot last = new Requests.CatchUp("tank@final", "42", null).finalSnapshot();

    assertThat(last.guids()).containsOnly(Map.entry(DatasetName.of("tank"), new Guid(42)));
  }

  @Test
  void aRequestNamingADatasetOutsideThePoolOrABadGuidIsRefused() {
    assertThatThrownBy(
            () -> new Requests.CatchUp("tank@final", "42", Map.of("other/a", "1")).validate())
        .isInstanceOf(ApiProblem.class)
        .hasMessageContaining("outside tank");
    assertThatThrownBy(
            () -> new Requests.CatchUp("tank@final", "42", Map.of("tank/a", "x1")).validate())
        .isInstanceOf(ApiProblem.class)
        .hasMessageContaining("not a decimal GUID");
    assertThatThrownBy(
            () -> new Requests.CatchUp("tank@final", "42", Map.of("tank/a;rm", "1")).validate())
        .isInstanceOf(ApiProblem.class)
        .hasMessageContaining("not a dataset");
    assertThatThrownBy(() -> new Requests.CatchUp("tank/a@final", "42", null).validate())
        .isInstanceOf(ApiProblem.class);
  }
}
