package io.zferry.service.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.service.lab.AcknowledgedWrites.Ack;
import io.zferry.service.lab.AcknowledgedWrites.Locked;
import io.zferry.service.operations.DivergenceReport;
import io.zferry.service.operations.DivergenceReport.DatasetDivergence;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The fault suite's check of writes acknowledged after the fault (defect 9) can fail. */
class AcknowledgedWritesTest {
  private static final Ack FIRST = new Ack("node-a", "/tank/w/41", "aa");
  private static final Ack SECOND = new Ack("node-a", "/tank/w/42", "bb");

  @Test
  void writesOnTheSurvivorAsAcknowledgedAreKept() {
    assertThat(
            AcknowledgedWrites.lost(
                List.of(FIRST, SECOND),
                "node-b",
                Map.of("/tank/w/41", "aa", "/tank/w/42", "bb"),
                Optional.empty()))
        .isEmpty();
  }

  @Test
  void aWriteAcknowledgedAfterTheFaultAndLostLaterFails() {
    assertThat(
            AcknowledgedWrites.lost(
                List.of(FIRST, SECOND), "node-b", Map.of("/tank/w/41", "aa"), Optional.empty()))
        .containsExactly(
            "/tank/w/42 acknowledged on node-a is missing on node-b and the service was never"
                + " locked");
  }

  @Test
  void aWriteWithOtherContentOnTheSurvivorFails() {
    assertThat(
            AcknowledgedWrites.lost(
                List.of(FIRST), "node-b", Map.of("/tank/w/41", "zz"), Optional.empty()))
        .singleElement()
        .asString()
        .contains("differs on node-b");
  }

  @Test
  void aLockWhoseDivergenceReportNamesTheWriteKeepsIt() {
    Locked locked =
        new Locked(
            Map.of("/tank/w/41", "aa", "/tank/w/42", "bb"),
            report("node-a", divergence("tank", List.of(), null, 4096L, null)));
    assertThat(
            AcknowledgedWrites.lost(
                List.of(FIRST, SECOND), "node-b", Map.of(), Optional.of(locked)))
        .isEmpty();
  }

  @Test
  void aLockDoesNotExcuseAWriteTheReportDoesNotName() {
    // The report is about the right node, but the write is not there any more.
    Locked gone =
        new Locked(
            Map.of("/tank/w/41", "aa"),
            report("node-a", divergence("tank", List.of("tank@s9"), null, 4096L, null)));
    assertThat(
            AcknowledgedWrites.lost(List.of(FIRST, SECOND), "node-b", Map.of(), Optional.of(gone)))
        .containsExactly(
            "/tank/w/42 acknowledged on node-a is missing on node-b and the divergence report"
                + " does not name it on node-a");
    // A report that finds nothing after the common snapshot names nothing.
    Locked nothing =
        new Locked(
            Map.of("/tank/w/41", "aa"),
            report("node-a", divergence("tank", List.of(), null, 0L, null)));
    assertThat(AcknowledgedWrites.lost(List.of(FIRST), "node-b", Map.of(), Optional.of(nothing)))
        .hasSize(1);
    // Changed paths, where ZFS can tell them, must list the write itself.
    Locked otherPaths =
        new Locked(
            Map.of("/tank/w/41", "aa"),
            report("node-a", divergence("tank", List.of(), 4096L, 4096L, List.of("/tank/w/40"))));
    assertThat(AcknowledgedWrites.lost(List.of(FIRST), "node-b", Map.of(), Optional.of(otherPaths)))
        .hasSize(1);
    // A report about the other node says nothing about node-a's writes.
    Locked otherNode =
        new Locked(
            Map.of("/tank/w/41", "aa"),
            report("node-b", divergence("tank", List.of("tank@s9"), null, 4096L, null)));
    assertThat(AcknowledgedWrites.lost(List.of(FIRST), "node-b", Map.of(), Optional.of(otherNode)))
        .hasSize(1);
  }

  private static DivergenceReport report(String node, DatasetDivergence... datasets) {
    return new DivergenceReport(node, "node-b", List.of(datasets), "zfs-fuse");
  }

  private static DatasetDivergence divergence(
      String dataset, List<String> after, Long written, Long referencedChange, List<String> paths) {
    return new DatasetDivergence(dataset, "tank@s1", after, written, referencedChange, paths);
  }

  @Test
  void writesAcknowledgedAfterTheDiskFailedDoNotCount() {
    Instant failed = Instant.parse("2026-12-03T05:34:41.855Z");
    Writer.Write before =
        new Writer.Write("/tank/w/57", "bb", Instant.parse("2026-12-03T05:34:41.855Z"));
    Writer.Write after =
        new Writer.Write("/tank/w/58", "cc", Instant.parse("2026-12-03T05:34:42.104Z"));
    assertThat(AcknowledgedWrites.givenByTheDisk(List.of(before, after), Optional.of(failed)))
        .containsExactly(before);
    assertThat(AcknowledgedWrites.givenByTheDisk(List.of(before, after), Optional.empty()))
        .containsExactly(before, after);
  }
}
