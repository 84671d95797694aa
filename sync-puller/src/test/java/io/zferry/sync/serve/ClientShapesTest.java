package io.zferry.sync.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.Host;
import io.zferry.snapshot.host.RunningCommand;
import io.zferry.snapshot.zfs.Bookmark;
import io.zferry.snapshot.zfs.CliZfs;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.Guid;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.ResumeToken;
import io.zferry.snapshot.zfs.ResumeTokenContentsTest;
import io.zferry.snapshot.zfs.SendFlags;
import io.zferry.snapshot.zfs.SendSpec;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.sync.ssh.RemoteArguments;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every command a node sends its peer (the source side of a pull: capability detection, snapshot
 * listing, sizes, sends) as {@link CliZfs} builds it and {@link RemoteArguments} quotes it, is
 * accepted by {@code zferry serve}, on OpenZFS and on zfs-fuse. If the client starts sending a new
 * shape, this test fails until the allow-list (and docs/security.md) says why it is safe.
 */
class ClientShapesTest {
  private static final DatasetName POOL = DatasetName.of("tank");
  private static final SnapshotName S1 = SnapshotName.parse("tank/data@zferry-20260101-000000");
  private static final SnapshotName S2 = SnapshotName.parse("tank/data@zferry-20260101-000500");

  @Test
  void openZfsPeerOperationsAreAllowed() {
    PeerRecorder peer = new PeerRecorder(true);
    exercise(new CliZfs(peer));
    new CliZfs(peer).resumeSend(new ResumeToken(ResumeTokenContentsTest.TANK_DATA));
    new CliZfs(peer).listBookmarks(POOL);
    SendSpec fromBookmark =
        new SendSpec.FromBookmark(
            new Bookmark(S1.dataset(), S1.shortName(), new Guid(7), 10, java.time.Instant.EPOCH),
            S2,
            new SendFlags(false, true, true, false, true, true));
    new CliZfs(peer).estimateSendSize(fromBookmark);
    new CliZfs(peer).send(fromBookmark).close();

    assertAllAllowed(peer.lines);
    assertThat(peer.lines).anyMatch(l -> l.contains("'list' '-H' '-p' '-r' '-t' 'snapshot'"));
    assertThat(peer.lines).anyMatch(l -> l.contains("'send' '-n' '-P'"));
    assertThat(peer.lines).anyMatch(l -> l.contains("'-p' '-c' '-w' '-L' '-e'"));
  }

  @Test
  void zfsFusePeerOperationsAreAllowed() {
    PeerRecorder peer = new PeerRecorder(false);
    exercise(new CliZfs(peer));

    assertAllAllowed(peer.lines);
    assertThat(peer.lines).anyMatch(l -> l.contains("'get' '-H' '-p' '-r'"));
    assertThat(peer.lines).anyMatch(l -> l.contains("'referenced'"));
  }

  @Test
  void aChildNameWithASpaceCrossesIntactOnBothImplementations() {
    SnapshotName s1 = SnapshotName.parse("tank/my data@zferry-20260101-000000");
    SnapshotName s2 = SnapshotName.parse("tank/my data@zferry-20260101-000500");
    for (boolean openZfs : List.of(true, false)) {
      PeerRecorder peer = new PeerRecorder(openZfs);
      exercise(new CliZfs(peer), s1, s2);

      assertAllAllowed(peer.lines);
      assertThat(peer.lines).anyMatch(l -> l.contains("'tank/my data@zferry-20260101-000500'"));
      for (int i = 0; i < peer.lines.size(); i++) {
        assertThat(ForcedCommandLine.parse(peer.lines.get(i)))
            .as("read back as sent")
            .isEqualTo(peer.argvs.get(i));
      }
    }
  }

  private static void exercise(CliZfs source) {
    exercise(source, S1, S2);
  }

  /** What Puller and DivergenceInspector ask of the source (see docs/security.md). */
  private static void exercise(CliZfs source, SnapshotName s1, SnapshotName s2) {
    source.capabilities();
    source.listSnapshots(POOL);
    source.exists(POOL);
    for (SendFlags flags :
        List.of(
            SendFlags.PLAIN,
            SendFlags.REPLICATE,
            new SendFlags(false, true, true, true),
            new SendFlags(false, true, true, false, true, true),
            new SendFlags(false, true, true, true, true, true))) {
      SendFlags possible = flags.supportedBy(source.capabilities());
      List<SendSpec> specs =
          List.of(
              new SendSpec.Full(s2, possible),
              new SendSpec.Incremental(s1, s2, true, possible),
              new SendSpec.Incremental(s1, s2, false, possible));
      for (SendSpec spec : specs) {
        source.estimateSendSize(spec);
        source.send(spec).close();
      }
    }
    source.getProperty(s1.dataset(), PropertyName.of("referenced"));
    source.getProperty(s1.dataset(), PropertyName.of("encryption"));
    // A pair's send flags, read on the active after the roles swapped (StreamChoice).
    source.getOwnProperty(s1.dataset(), io.zferry.sync.pull.PairFlags.PROPERTY);
    source.getSnapshotProperty(s1, PropertyName.of("referenced"));
  }

  private static void assertAllAllowed(List<String> lines) {
    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      AllowedOperation operation = ServePolicy.check(ForcedCommandLine.parse(line));
      assertThat(operation.arguments()).as(line).isNotEmpty();
    }
  }

  /** A peer that records the command lines it would have been sent and answers like zfs. */
  private static final class PeerRecorder implements Host {
    private final boolean openZfs;
    final List<String> lines = new ArrayList<>();
    final List<List<String>> argvs = new ArrayList<>();

    PeerRecorder(boolean openZfs) {
      this.openZfs = openZfs;
    }

    @Override
    public String name() {
      return "peer";
    }

    @Override
    public RunningCommand start(Command command) {
      lines.add(RemoteArguments.commandLine(command));
      argvs.add(command.argv());
      List<String> argv = command.argv();
      String joined = String.join(" ", argv);
      if (joined.equals("zfs version")) {
        return openZfs
            ? answer(command, 0, "zfs-2.1.11-1\nzfs-kmod-2.1.11-1\n", "")
            : answer(command, 1, "", "unrecognized command 'version'");
      }
      if (joined.equals("zfs list -H -p -o name")) {
        return answer(command, 2, "", "invalid option 'p'");
      }
      if (argv.contains("referenced")) {
        return answer(command, 0, "4096\n", "");
      }
      if (argv.contains("-P")) {
        return answer(command, 0, "size\t4096\n", "");
      }
      return answer(command, 0, "", "");
    }

    private RunningCommand answer(Command command, int exit, String stdout, String stderr) {
      return new RunningCommand() {
        private final InputStream out =
            new ByteArrayInputStream(stdout.getBytes(StandardCharsets.UTF_8));

        @Override
        public Command command() {
          return command;
        }

        @Override
        public String host() {
          return "peer";
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
          return new CommandResult("peer", command, exit, "", stderr);
        }

        @Override
        public void kill() {}

        @Override
        public void close() {}
      };
    }
  }
}
