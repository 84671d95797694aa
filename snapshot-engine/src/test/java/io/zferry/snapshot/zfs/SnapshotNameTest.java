package io.zferry.snapshot.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class SnapshotNameTest {
  @Test
  void parsesDatasetAndShortName() {
    SnapshotName name = SnapshotName.parse("tank/data@zferry-20261122-101500");
    assertThat(name.dataset()).isEqualTo(DatasetName.of("tank/data"));
    assertThat(name.shortName()).isEqualTo("zferry-20261122-101500");
    assertThat(name).hasToString("tank/data@zferry-20261122-101500");
  }

  @Test
  void acceptsASpaceAsOpenZfsDoes() {
    SnapshotName name = SnapshotName.parse("tank/my data@before upgrade");
    assertThat(name.dataset()).isEqualTo(DatasetName.of("tank/my data"));
    assertThat(name.shortName()).isEqualTo("before upgrade");
  }

  @ParameterizedTest
  @FieldSource("io.zferry.snapshot.zfs.InjectionCorpus#SNAPSHOT_SHORT_NAMES")
  void refusesTheInjectionCorpusAfterTheAt(String shortName) {
    assertThatThrownBy(() -> SnapshotName.parse("tank@" + shortName))
        .isInstanceOf(InvalidNameException.class);
    assertThatThrownBy(() -> DatasetName.of("tank").snapshot(shortName))
        .isInstanceOf(InvalidNameException.class);
  }

  @ParameterizedTest
  @FieldSource("io.zferry.snapshot.zfs.InjectionCorpus#DATASETS")
  void refusesTheInjectionCorpusBeforeTheAt(String dataset) {
    assertThatThrownBy(() -> SnapshotName.parse(dataset + "@snap"))
        .isInstanceOf(InvalidNameException.class);
  }

  @Test
  void needsExactlyOneAt() {
    assertThatThrownBy(() -> SnapshotName.parse("tank")).hasMessageContaining("no '@'");
    assertThatThrownBy(() -> SnapshotName.parse("tank@a@b")).hasMessageContaining("more than one");
  }

  @Test
  void theLengthLimitCountsTheWholeName() {
    String dataset = "tank/" + "d".repeat(200);
    assertThatThrownBy(() -> SnapshotName.parse(dataset + "@" + "s".repeat(60)))
        .hasMessageContaining("limit is 255");
  }
}
