package io.zferry.snapshot.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

class DatasetNameTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "tank",
        "tank/data",
        "tank/data/home-01",
        "Backup_2/a.b:c",
        "t/zferry-20261122-101500",
        "tank/with space",
        "tank/ leading and trailing ",
        "Pool with space/a"
      })
  void acceptsOpenZfsNames(String name) {
    DatasetName dataset = DatasetName.of(name);
    assertThat(dataset.value()).isEqualTo(name);
    assertThat(dataset.pool()).isEqualTo(name.split("/")[0]);
  }

  @ParameterizedTest
  @FieldSource("io.zferry.snapshot.zfs.InjectionCorpus#DATASETS")
  void refusesTheInjectionCorpus(String name) {
    assertThatThrownBy(() -> DatasetName.of(name))
        .isInstanceOf(InvalidNameException.class)
        .hasMessageContaining("is not accepted");
  }

  @Test
  void refusalMessageShowsControlCharactersEscaped() {
    assertThatThrownBy(() -> DatasetName.of("tank/a\nforged log line"))
        .hasMessageContaining("tank/a\\u000aforged")
        .hasMessageNotContaining("\n");
  }

  @Test
  void refusesNamesOverTheOpenZfsLimit() {
    String name = "tank/" + "a".repeat(251);
    assertThatThrownBy(() -> DatasetName.of(name)).hasMessageContaining("limit is 255");
    assertThat(DatasetName.of("tank/" + "a".repeat(250)).value()).hasSize(255);
  }

  @Test
  void refusesSnapshotAndBookmarkNamesAsDatasets() {
    assertThatThrownBy(() -> DatasetName.of("tank@snap")).hasMessageContaining("'@' or '#'");
    assertThatThrownBy(() -> DatasetName.of("tank#mark")).hasMessageContaining("'@' or '#'");
  }

  @Test
  void poolNamesMustStartWithALetterAndAvoidReservedWords() {
    assertThatThrownBy(() -> DatasetName.of("1tank")).hasMessageContaining("begin with a letter");
    assertThatThrownBy(() -> DatasetName.of("raidz2pool")).hasMessageContaining("reserved");
    assertThatThrownBy(() -> DatasetName.of("c1d0")).hasMessageContaining("disk names");
  }

  @Test
  void relationsBetweenDatasets() {
    DatasetName tank = DatasetName.of("tank");
    DatasetName child = tank.child("data").child("home");
    assertThat(child.value()).isEqualTo("tank/data/home");
    assertThat(tank.contains(child)).isTrue();
    assertThat(DatasetName.of("tank/da").contains(child)).isFalse();
    assertThat(child.rebase(tank, DatasetName.of("backup/tank")).value())
        .isEqualTo("backup/tank/data/home");
    assertThat(child.components()).containsExactly("tank", "data", "home");
  }
}
