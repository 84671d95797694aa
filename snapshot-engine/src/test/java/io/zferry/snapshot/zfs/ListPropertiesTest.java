package io.zferry.snapshot.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.snapshot.zfs.CapabilityDetectionTest.Scripted;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Properties of a whole tree come from one zfs list, tab-separated, with "-" as absent. */
class ListPropertiesTest {
  private static final PropertyName TYPE = PropertyName.of("type");
  private static final PropertyName MOUNTPOINT = PropertyName.of("mountpoint");
  private static final PropertyName KEYSTATUS = PropertyName.of("keystatus");
  private static final String COMMAND =
      "zfs list -H -r -t filesystem,volume -o name,type,mountpoint,keystatus tank";

  @Test
  void oneCommandForTheTreeWithNamesAndMountpointsThatHoldSpaces() {
    CliZfs zfs =
        new CliZfs(
            new Scripted(
                Map.of(
                    COMMAND,
                    new String[] {
                      "0",
                      "tank\tfilesystem\t/tank\t-\n"
                          + "tank/my data\tfilesystem\t/srv/my data\tavailable\n"
                          + "tank/vol\tvolume\t-\t-\n",
                      ""
                    })));

    List<DatasetProperties> tree =
        zfs.listProperties(DatasetName.of("tank"), List.of(TYPE, MOUNTPOINT, KEYSTATUS));

    assertThat(tree)
        .extracting(DatasetProperties::dataset)
        .containsExactly(
            DatasetName.of("tank"), DatasetName.of("tank/my data"), DatasetName.of("tank/vol"));
    assertThat(tree.get(1).get(MOUNTPOINT)).contains("/srv/my data");
    assertThat(tree.get(1).is(KEYSTATUS, "available")).isTrue();
    assertThat(tree.get(0).get(KEYSTATUS)).as("'-' is absent").isEmpty();
    assertThat(tree.get(2).get(MOUNTPOINT)).isEmpty();
    assertThat(tree.get(2).is(TYPE, "volume")).isTrue();
  }

  @Test
  void aLineWithTheWrongNumberOfColumnsIsRefusedNotGuessed() {
    CliZfs zfs =
        new CliZfs(new Scripted(Map.of(COMMAND, new String[] {"0", "tank\tfilesystem\n", ""})));

    assertThatThrownBy(
            () -> zfs.listProperties(DatasetName.of("tank"), List.of(TYPE, MOUNTPOINT, KEYSTATUS)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unexpected zfs list line");
  }
}
