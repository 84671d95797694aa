package io.zferry.sync.pull;

import static io.zferry.sync.pull.FakeNodes.TANK;
import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.snapshot.zfs.DatasetName;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every command a pull runs on the active starts a {@code zferry serve} JVM there (a minute on a
 * 1-vCPU VM), so a cycle runs on the peer only what its plans need: one listing of the pool, and
 * one send per dataset that changed. A small stream gets no size estimate ({@code zfs send -nP}):
 * it ends before a percentage would help anyone.
 */
class PeerCommandsPerCycleTest {
  private static final List<DatasetName> CHILDREN =
      List.of(DatasetName.of("tank/home"), DatasetName.of("tank/db"), DatasetName.of("tank/www"));

  private static FakeNodes replicatedPool(FakeNodes nodes) {
    CHILDREN.forEach(nodes.active::createFilesystem);
    nodes.snapshotActive();
    assertThat(nodes.pull().succeeded()).isTrue();
    return nodes;
  }

  private static List<List<String>> peerCommandsOfOneCycle(FakeNodes nodes) {
    int before = nodes.active.commands().size();
    assertThat(nodes.pull().succeeded()).isTrue();
    List<List<String>> all = nodes.active.commands();
    return all.subList(before, all.size());
  }

  @Test
  void anIdleCycleListsThePoolOnce() {
    FakeNodes nodes = replicatedPool(FakeNodes.openZfs());

    assertThat(peerCommandsOfOneCycle(nodes))
        .containsExactly(List.of("list", "-H", "-p", "-r", "-t", "snapshot", TANK.value()));
  }

  @Test
  void aSmallCycleOnOpenZfsListsOnceAndSendsEachChangedDatasetWithoutAnEstimate() {
    FakeNodes nodes = replicatedPool(FakeNodes.openZfs());
    CHILDREN.forEach(d -> nodes.active.writeFile(d, "f", "a few bytes"));
    nodes.snapshotActive();

    List<List<String>> commands = peerCommandsOfOneCycle(nodes);

    assertThat(commands).hasSize(1 + 1 + CHILDREN.size());
    assertThat(commands.get(0).get(0)).isEqualTo("list");
    assertThat(commands.subList(1, commands.size()))
        .allSatisfy(argv -> assertThat(argv).startsWith("send").doesNotContain("-n", "-P"));
  }

  @Test
  void aSmallCycleOnZfsFuseToo() {
    FakeNodes nodes = replicatedPool(FakeNodes.zfsFuse());
    CHILDREN.forEach(d -> nodes.active.writeFile(d, "f", "a few bytes"));
    nodes.snapshotActive();

    List<List<String>> commands = peerCommandsOfOneCycle(nodes);

    assertThat(commands).hasSize(1 + 1 + CHILDREN.size());
    assertThat(commands.subList(1, commands.size()))
        .allSatisfy(argv -> assertThat(argv.get(0)).isEqualTo("send"));
  }
}
