package io.zferry.snapshot.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CommandArgumentsTest {
  private final SnapshotName a = SnapshotName.parse("tank@a");
  private final SnapshotName c = SnapshotName.parse("tank@c");

  @Test
  void fullSend() {
    assertThat(new SendSpec.Full(c, SendFlags.PLAIN).arguments()).containsExactly("send", "tank@c");
    assertThat(new SendSpec.Full(c, SendFlags.REPLICATE).arguments())
        .containsExactly("send", "-R", "tank@c");
  }

  @Test
  void incrementalSendWithAndWithoutIntermediates() {
    assertThat(new SendSpec.Incremental(a, c, true, SendFlags.REPLICATE).arguments())
        .containsExactly("send", "-R", "-I", "tank@a", "tank@c");
    assertThat(
            new SendSpec.Incremental(a, c, false, new SendFlags(false, true, true, true))
                .arguments())
        .containsExactly("send", "-p", "-c", "-w", "-i", "tank@a", "tank@c");
  }

  @Test
  void incrementalSendNeedsOneDatasetAndTwoSnapshots() {
    assertThatThrownBy(
            () ->
                new SendSpec.Incremental(SnapshotName.parse("tank/x@a"), c, true, SendFlags.PLAIN))
        .hasMessageContaining("both snapshots of one dataset");
    assertThatThrownBy(() -> new SendSpec.Incremental(a, a, true, SendFlags.PLAIN))
        .hasMessageContaining("to itself");
  }

  @Test
  void receiveFlagsAreDroppedWhereUnsupported() {
    ReceiveSpec wanted = new ReceiveSpec(DatasetName.of("tank"), true, true, true);
    assertThat(wanted.arguments()).containsExactly("receive", "-F", "-u", "-s", "tank");
    assertThat(wanted.supportedBy(Capabilities.zfsFuse()).arguments())
        .containsExactly("receive", "-F", "tank");
  }

  @Test
  void sendFlagsAreDroppedWhereUnsupported() {
    SendFlags best = new SendFlags(true, false, true, true);
    assertThat(best.supportedBy(Capabilities.zfsFuse())).isEqualTo(SendFlags.REPLICATE);
    assertThat(best.supportedBy(Capabilities.openZfs("2.1.11"))).isEqualTo(best);
  }

  @Test
  void propertyNames() {
    assertThat(PropertyName.of("readonly").value()).isEqualTo("readonly");
    assertThat(PropertyName.of("io.zferry:role").value()).isEqualTo("io.zferry:role");
    assertThatThrownBy(() -> PropertyName.of("role;id")).isInstanceOf(InvalidNameException.class);
    assertThatThrownBy(() -> PropertyName.of("Readonly")).isInstanceOf(InvalidNameException.class);
  }

  @Test
  void sizeEstimateParsesOpenZfsParsableDryRun() {
    assertThat(CliZfs.parseSizeEstimate("full\ttank@c\t1048576\nsize\t1048576\n"))
        .hasValue(1048576);
    assertThat(CliZfs.parseSizeEstimate("nothing here")).isEmpty();
  }
}
