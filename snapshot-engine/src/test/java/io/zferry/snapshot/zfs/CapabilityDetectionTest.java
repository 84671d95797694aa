package io.zferry.snapshot.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.Host;
import io.zferry.snapshot.host.RunningCommand;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Capability detection names what it found, and never falls back to zfs-fuse silently. */
class CapabilityDetectionTest {
  /** Answers by the joined argv: exit code, stdout, stderr. */
  record Scripted(Map<String, String[]> answers) implements Host {
    @Override
    public String name() {
      return "node";
    }

    @Override
    public RunningCommand start(Command command) {
      String[] answer =
          answers.getOrDefault(String.join(" ", command.argv()), new String[] {"0", "", ""});
      InputStream out = new ByteArrayInputStream(answer[1].getBytes(StandardCharsets.UTF_8));
      return new RunningCommand() {
        @Override
        public Command command() {
          return command;
        }

        @Override
        public String host() {
          return "node";
        }

        @Override
        public OutputStream stdin() {
          return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream stdout() {
          return out;
        }

        @Override
        public CommandResult await(Duration timeout) {
          return new CommandResult("node", command, Integer.parseInt(answer[0]), "", answer[2]);
        }

        @Override
        public String stderrSoFar() {
          return answer[2];
        }

        @Override
        public void kill() {}

        @Override
        public void close() {}
      };
    }
  }

  static final String NOT_LOADED =
      "The ZFS modules are not loaded.\nTry running '/sbin/modprobe zfs' as root to load them.\n";

  @Test
  void openZfsByItsVersion() {
    CliZfs zfs =
        new CliZfs(
            new Scripted(
                Map.of(
                    "zfs version", new String[] {"0", "zfs-2.1.11-1\nzfs-kmod-2.1.11-1\n", ""})));
    assertThat(zfs.capabilities()).isEqualTo(Capabilities.openZfs("2.1.11"));
  }

  @Test
  void zfsFuseByItsMissingOptions() {
    CliZfs zfs =
        new CliZfs(
            new Scripted(
                Map.of(
                    "zfs version", new String[] {"1", "", "unrecognized command 'version'"},
                    "zfs list -H -p -o name",
                        new String[] {"2", "", "invalid option 'p'\nusage:"})));
    assertThat(zfs.capabilities()).isEqualTo(Capabilities.zfsFuse());
  }

  @Test
  void aMissingKernelModuleIsAStartUpErrorWithTheFix() {
    CliZfs zfs =
        new CliZfs(
            new Scripted(
                Map.of(
                    "zfs version", new String[] {"1", "zfs-2.1.11-1\n", NOT_LOADED},
                    "zfs list -H -p -o name", new String[] {"1", "", NOT_LOADED})));
    assertThatThrownBy(zfs::capabilities)
        .isInstanceOf(ZfsCommandException.class)
        .hasMessageContaining("modprobe zfs")
        .satisfies(
            e ->
                assertThat(((ZfsCommandException) e).reason())
                    .isEqualTo(ZfsCommandException.Reason.ZFS_UNAVAILABLE));
  }

  @Test
  void anUnknownFailureIsNotTakenForZfsFuse() {
    CliZfs zfs =
        new CliZfs(
            new Scripted(
                Map.of(
                    "zfs version", new String[] {"1", "", "permission denied"},
                    "zfs list -H -p -o name", new String[] {"1", "", "permission denied"})));
    assertThatThrownBy(zfs::capabilities).hasMessageContaining("permission denied");
  }

  @Test
  void anOpenZfsSendAnnouncesItsOwnSizeSoNoSecondCommandAsksForIt() {
    SendSpec spec =
        new SendSpec.Incremental(
            SnapshotName.parse("tank/a@s1"),
            SnapshotName.parse("tank/a@s2"),
            true,
            SendFlags.PLAIN);
    CliZfs openZfs =
        new CliZfs(
            new Scripted(
                Map.of(
                    "zfs version",
                    new String[] {"0", "zfs-2.1.11-1\n", ""},
                    "zfs send -P -I tank/a@s1 tank/a@s2",
                    new String[] {"0", "", "incremental\ts1\ttank/a@s2\t8192\nsize\t8192\n"})));
    try (RunningCommand send = openZfs.send(spec)) {
      assertThat(openZfs.announcedSendSize(send)).hasValue(8192);
    }

    CliZfs zfsFuse =
        new CliZfs(
            new Scripted(
                Map.of(
                    "zfs version", new String[] {"1", "", "unrecognized command 'version'"},
                    "zfs list -H -p -o name", new String[] {"2", "", "invalid option 'p'"},
                    "zfs send -I tank/a@s1 tank/a@s2", new String[] {"0", "", "size\t8192\n"})));
    try (RunningCommand send = zfsFuse.send(spec)) {
      assertThat(send.command().argv()).doesNotContain("-P");
      assertThat(zfsFuse.announcedSendSize(send)).isEmpty();
    }
  }

  @Test
  void aPeerWhoseServeRefusesTheAnnouncementGetsSendsWithoutIt() {
    SendSpec spec =
        new SendSpec.Incremental(
            SnapshotName.parse("tank/a@s1"),
            SnapshotName.parse("tank/a@s2"),
            true,
            SendFlags.PLAIN);
    CliZfs zfs =
        new CliZfs(
            new Scripted(
                Map.of(
                    "zfs version",
                    new String[] {"0", "zfs-2.1.11-1\n", ""},
                    "zfs send -P -I tank/a@s1 tank/a@s2",
                    new String[] {
                      "77",
                      "",
                      "zferry serve: refused 'zfs send -P -I tank/a@s1 tank/a@s2': 'zfs send -P"
                          + " -I tank/a@s1 tank/a@s2' does not have the shape of an operation"
                          + " zferry runs on its peer\n"
                    })));
    try (RunningCommand send = zfs.send(spec)) {
      assertThat(send.command().argv()).contains("-P");
      assertThat(send.await(Duration.ofSeconds(1)).exitCode()).isEqualTo(77);
    }
    try (RunningCommand send = zfs.send(spec)) {
      assertThat(send.command().argv()).doesNotContain("-P");
    }
  }

  @Test
  void ownPropertiesAreReadWithoutInheritedValues() {
    assertThat(
            new CliZfs(new Scripted(Map.of()))
                .getOwnProperty(DatasetName.of("tank/a"), PropertyName.of("io.zferry:sendflags")))
        .isEmpty();
  }

  @Test
  void receiveOptionsKeepTheirOrderAndNeedOpenZfs() {
    ReceiveSpec spec =
        ReceiveSpec.into(DatasetName.of("tank"))
            .forced()
            .unmounted()
            .resumably()
            .setting(PropertyName.of("readonly"), "on")
            .excluding(PropertyName.of("mountpoint"));
    assertThat(spec.arguments())
        .containsExactly(
            "receive", "-F", "-u", "-s", "-o", "readonly=on", "-x", "mountpoint", "tank");
    assertThat(spec.supportedBy(Capabilities.zfsFuse()).arguments())
        .containsExactly("receive", "-F", "tank");
    assertThatThrownBy(() -> spec.setting(PropertyName.of("readonly"), "a=b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sendFlagsWriteLargeBlocksAndEmbeddedAfterRaw() {
    SendFlags all = new SendFlags(false, true, true, true, true, true);
    assertThat(new SendSpec.Full(SnapshotName.parse("tank@a"), all).arguments())
        .containsExactly("send", "-p", "-c", "-w", "-L", "-e", "tank@a");
    assertThat(all.supportedBy(Capabilities.zfsFuse()))
        .isEqualTo(new SendFlags(false, true, false, false));
  }
}
