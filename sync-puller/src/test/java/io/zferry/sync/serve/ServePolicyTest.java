package io.zferry.sync.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.snapshot.zfs.InjectionCorpus;
import io.zferry.snapshot.zfs.ResumeTokenContentsTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

class ServePolicyTest {
  static final List<String> ACCEPTED =
      List.of(
          "zfs version",
          "zfs list -H -p -o name",
          "zfs list -H -o name tank",
          "zfs list -H -p -r -t snapshot -o name,guid,createtxg,creation tank",
          "zfs get -H -p -r -o name,property,value guid,createtxg,creation tank",
          "zfs get -H -p -o value referenced tank/data",
          "zfs get -H -p -o value referenced tank/data@zferry-1",
          "zfs get -H -p -o value written@zferry-1 tank/data",
          "zfs get -H -p -o value receive_resume_token tank/data",
          "zfs get -H -p -o value io.zferry:role tank",
          "zfs send tank@s1",
          "zfs send -R tank@s1",
          "zfs send -p tank/a@s1",
          "zfs send -R -c -w tank@s1",
          "zfs send -c tank@s1",
          "zfs send -I tank/a@s1 tank/a@s2",
          "zfs send -i tank/a@s1 tank/a@s2",
          "zfs send -R -I tank@s1 tank@s2",
          "zfs send -n -P -R -c -I tank@s1 tank@s2",
          "zfs send -n -P tank@s1",
          "zfs send -P -p -c -I tank/a@s1 tank/a@s2",
          "zfs send -P -p -c -w -L -e tank/a@s1",
          "zfs send -t " + ResumeTokenContentsTest.TANK_DATA,
          "zfs send -p -c -L -e -I tank/a@s1 tank/a@s2",
          "zfs send -p -c -w -L -e tank/a@s1",
          "zfs send -p -c -L -e -i tank/a#zferry-1 tank/a@s2",
          "zfs send -n -P -p -c -i tank/a#zferry-1 tank/a@s2",
          "zfs list -H -p -r -t bookmark -o name,guid,createtxg,creation tank");

  @ParameterizedTest
  @FieldSource("ACCEPTED")
  void acceptsTheOperationsZferryRunsOnItsPeer(String line) {
    List<String> argv = Arrays.asList(line.split(" "));

    AllowedOperation operation = ServePolicy.check(argv);

    List<String> executed = operation.argv("/usr/sbin/zfs", "/usr/lib/zferry/zferry-zstd");
    assertThat(executed.get(0)).isEqualTo("/usr/sbin/zfs");
    assertThat(executed.subList(1, executed.size())).isEqualTo(argv.subList(1, argv.size()));
  }

  @Test
  void aSendMayAskForItsStreamCompressedAndNothingElseMay() {
    AllowedOperation send =
        ServePolicy.check(
            List.of("zferry-zstd", "zfs", "send", "-p", "-I", "tank/a@s1", "tank/a@s2"));
    assertThat(send.compressed()).isTrue();
    assertThat(send.argv("/usr/sbin/zfs", "/usr/lib/zferry/zferry-zstd"))
        .containsExactly(
            "/usr/lib/zferry/zferry-zstd",
            "/usr/sbin/zfs",
            "send",
            "-p",
            "-I",
            "tank/a@s1",
            "tank/a@s2");
    assertThat(
            ServePolicy.check(
                    List.of("zferry-zstd", "zfs", "send", "-t", ResumeTokenContentsTest.TANK_DATA))
                .compressed())
        .isTrue();
    assertThat(ServePolicy.check(List.of("zfs", "send", "tank@s1")).compressed()).isFalse();
    assertThatThrownBy(
            () ->
                ServePolicy.check(
                    List.of("zferry-zstd", "zfs", "list", "-H", "-o", "name", "tank")))
        .isInstanceOf(RefusedCommandException.class)
        .hasMessageContaining("compresses a send's stream only");
    assertThatThrownBy(
            () -> ServePolicy.check(List.of("zferry-zstd", "zfs", "send", "-n", "-P", "tank@s1")))
        .hasMessageContaining("compresses a send's stream only");
    assertThatThrownBy(
            () ->
                ServePolicy.check(List.of("zferry-zstd", "zferry-zstd", "zfs", "send", "tank@s1")))
        .hasMessageContaining("compresses a send's stream only");
    assertThatThrownBy(() -> ServePolicy.check(List.of("zferry-zstd", "sh", "-c", "id")))
        .hasMessageContaining("only 'zfs' may run");
    assertThatThrownBy(
            () ->
                ServePolicy.check(
                    List.of("zferry-zstd", "zfs", "send", "other/a@s1"),
                    new ServedPools(Set.of("tank"))))
        .hasMessageContaining("other/a is not in a pool of this node's services");
  }

  @ParameterizedTest
  @FieldSource("ACCEPTED")
  void everyDatasetOperationIsBoundToTheServedPools(String line) {
    List<String> argv = Arrays.asList(line.split(" "));
    AllowedOperation operation = ServePolicy.check(argv);

    assertThat(ServePolicy.check(argv, new ServedPools(Set.of("tank")))).isEqualTo(operation);
    if (operation.datasets().isEmpty()) {
      // zfs version, and the probe that lists names only: nothing of a pool's data.
      assertThat(operation.name()).isIn("version", "probe-list-parsable");
      return;
    }
    assertThatThrownBy(() -> ServePolicy.check(argv, new ServedPools(Set.of("data", "tankx"))))
        .isInstanceOf(RefusedCommandException.class)
        .hasMessageContaining("is not in a pool of this node's services (data, tankx)");
  }

  @Test
  void aStolenKeyCannotReadTheSystemPoolNorResumeIntoIt() {
    ServedPools tank = new ServedPools(Set.of("tank"));
    for (String line :
        List.of(
            "zfs send -R rpool@backup",
            "zfs send -p -c -I rpool/ROOT/debian@a rpool/ROOT/debian@b",
            "zfs get -H -p -o value referenced rpool/ROOT",
            "zfs list -H -p -r -t snapshot -o name,guid,createtxg,creation rpool",
            "zfs send -i rpool/ROOT#b1 rpool/ROOT@s2")) {
      assertThatThrownBy(() -> ServePolicy.check(Arrays.asList(line.split(" ")), tank))
          .as(line)
          .isInstanceOf(RefusedCommandException.class)
          .hasMessageStartingWith("rpool");
    }
    // A real token (OpenZFS issue 8129) for a snapshot outside tank: zfs send -t would send it.
    String foreign =
        "zfs send -t "
            + "1-148e1e3f23-158-789c636064000310a501c49c50360710a715e5e7a69766a6304041b6dc917559"
            + "22b39515806c762475f94959a9c9250c0c8a507518f26969c5a9250c7000926743924faa2c492d06d2"
            + "1792b1eb2fc987b8e2c8921e75b667af767b20c97382e5f3127353191872138b4b528bf48b520b7232"
            + "93134b52f543c21c8c0c0c2d740d0d0c4d750d80203e253133a712d91dbc0c08ffe72416a5a726e5e4"
            + "2767e76783c424a0f6c3e453739352538052207ddc48e2c9f9b90545a9c5c5105d1000006fc83351";
    assertThatThrownBy(() -> ServePolicy.check(Arrays.asList(foreign.split(" ")), tank))
        .isInstanceOf(RefusedCommandException.class)
        .hasMessageStartingWith("master/replicate/TV is not in a pool");
    assertThatThrownBy(() -> ServePolicy.check(List.of("zfs", "send", "-t", "1-0-c0-789c00"), tank))
        .isInstanceOf(RefusedCommandException.class)
        .hasMessageContaining("cannot be read");
  }

  @ParameterizedTest
  @FieldSource("io.zferry.snapshot.zfs.InjectionCorpus#COMMAND_LINES")
  void refusesTheInjectionCorpus(String line) {
    assertThatThrownBy(() -> ServePolicy.check(ForcedCommandLine.parse(line)))
        .isInstanceOf(RefusedCommandException.class)
        .hasMessageNotContaining("\n");
  }

  @ParameterizedTest
  @FieldSource("io.zferry.snapshot.zfs.InjectionCorpus#DATASETS")
  void refusesEveryHostileDatasetInEveryPosition(String hostile) {
    for (String shape :
        List.of(
            "zfs list -H -o name %s",
            "zfs list -H -p -r -t snapshot -o name,guid,createtxg,creation %s",
            "zfs get -H -p -r -o name,property,value guid,createtxg,creation %s",
            "zfs get -H -p -o value referenced %s",
            "zfs send %s@s1",
            "zfs send -I %s@s1 %s@s2",
            "zfs send -i %s#b1 %s@s2",
            "zfs list -H -p -r -t bookmark -o name,guid,createtxg,creation %s")) {
      List<String> argv = new ArrayList<>();
      for (String word : shape.split(" ")) {
        argv.add(word.replace("%s", hostile));
      }
      assertThatThrownBy(() -> ServePolicy.check(argv))
          .as(shape + " with " + hostile)
          .isInstanceOf(RefusedCommandException.class);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"destroy", "rollback", "receive", "recv", "set", "create", "rename", "promote"})
  void refusesEverySubcommandThatWrites(String subcommand) {
    assertThatThrownBy(() -> ServePolicy.check(List.of("zfs", subcommand, "tank")))
        .hasMessageContaining("'zfs " + subcommand + "' is not an operation zferry's peer may run");
  }

  @ParameterizedTest
  @FieldSource("io.zferry.snapshot.zfs.InjectionCorpus#SNAPSHOT_SHORT_NAMES")
  void refusesEveryHostileBookmarkName(String hostile) {
    assertThatThrownBy(
            () -> ServePolicy.check(List.of("zfs", "send", "-i", "tank#" + hostile, "tank@s2")))
        .isInstanceOf(RefusedCommandException.class);
  }

  @Test
  void aBookmarkStartsOnlyASingleIncrementalOfItsOwnDataset() {
    assertThatThrownBy(
            () -> ServePolicy.check(List.of("zfs", "send", "-I", "tank/a#b1", "tank/a@s2")))
        .isInstanceOf(RefusedCommandException.class);
    assertThatThrownBy(
            () -> ServePolicy.check(List.of("zfs", "send", "-i", "tank/a#b1", "tank/b@s2")))
        .isInstanceOf(RefusedCommandException.class);
    assertThatThrownBy(() -> ServePolicy.check(List.of("zfs", "send", "tank/a#b1")))
        .isInstanceOf(RefusedCommandException.class);
    assertThatThrownBy(
            () -> ServePolicy.check(List.of("zfs", "send", "-i", "tank/a#b1#x", "tank/a@s2")))
        .isInstanceOf(RefusedCommandException.class);
  }

  @Test
  void aSendPrintsItsEstimateOnlyAheadOfTheOtherFlags() {
    assertThat(ServePolicy.check(List.of("zfs", "send", "-P", "tank@s1")).name()).isEqualTo("send");
    assertThatThrownBy(() -> ServePolicy.check(List.of("zfs", "send", "-p", "-P", "tank@s1")))
        .isInstanceOf(RefusedCommandException.class);
    assertThatThrownBy(() -> ServePolicy.check(List.of("zfs", "send", "-P", "-n", "tank@s1")))
        .isInstanceOf(RefusedCommandException.class);
  }

  @Test
  void refusesOtherPrograms() {
    assertThatThrownBy(() -> ServePolicy.check(List.of("rm", "-rf", "/")))
        .hasMessage("only 'zfs' may run, not 'rm'");
  }

  @Test
  void refusalNamesTheBadName() {
    assertThatThrownBy(() -> ServePolicy.check(List.of("zfs", "send", "tank/../etc@s1")))
        .hasMessageContaining("tank/../etc");
  }

  @Test
  void corpusIsLarge() {
    assertThat(InjectionCorpus.COMMAND_LINES).hasSizeGreaterThan(70);
  }
}
