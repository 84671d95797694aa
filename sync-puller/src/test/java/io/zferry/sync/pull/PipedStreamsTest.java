package io.zferry.sync.pull;

import static org.assertj.core.api.Assertions.assertThat;

import io.zferry.snapshot.host.LocalHost;
import io.zferry.snapshot.zfs.CliZfs;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.ReceiveSpec;
import io.zferry.snapshot.zfs.SendFlags;
import io.zferry.snapshot.zfs.SendSpec;
import io.zferry.snapshot.zfs.SnapshotName;
import io.zferry.sync.transfer.ProgressListener;
import io.zferry.sync.transfer.StreamRelay;
import io.zferry.sync.transfer.TransferOptions;
import io.zferry.sync.transfer.WireCodec;
import io.zferry.sync.transfer.WireCompression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Piped streams between two local "nodes" whose zfs is a stand-in script (its send writes a
 * log-like stream, its receive keeps what it reads), joined by the real pv and zstd: the choice of
 * wire compression and the fall back to a plain send when the peer refuses to compress.
 */
@Timeout(60)
class PipedStreamsTest {
  private static final DatasetName DATA = DatasetName.of("tank/data");
  private static final Path PACKAGED_COMPRESSOR =
      Path.of("../packaging/src/deb/bin/zferry-zstd").toAbsolutePath().normalize();

  @TempDir Path dir;
  private Path bin;
  private Path received;
  private final WireCompression compression =
      new WireCompression(WireCompression.Mode.AUTO, true, Clock.systemUTC());

  @BeforeEach
  void standInZfs() throws IOException {
    bin = Files.createDirectories(dir.resolve("bin"));
    received = dir.resolve("received");
    // OpenZFS 2.1 to capability detection; compression off, so auto must measure; a send of
    // 2 MB of log lines; a receive that keeps its input.
    script(
        "zfs",
        """
        case "$1" in
          version) printf 'zfs-2.1.11-1\\nzfs-kmod-2.1.11-1\\n' ;;
          get) echo off ;;
          send) i=0; while [ $i -lt 40000 ]; do echo "2026-12-04 pull tank/data ok $i"; i=$((i+1)); done ;;
          receive) cat > "$RECEIVED" ;;
          *) echo "zfs stand-in: $*" >&2; exit 2 ;;
        esac
        """);
  }

  private void script(String name, String body) throws IOException {
    Path file = bin.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
  }

  private LocalHost node(String name) {
    return new LocalHost(
        name, List.of("env", "PATH=" + bin + ":/usr/bin:/bin", "RECEIVED=" + received));
  }

  private OptionalLong pull() {
    PipedStreams streams =
        new PipedStreams(
            new CliZfs(node("node-a")),
            new CliZfs(node("node-b")),
            DatasetName.of("tank"),
            Clock.systemUTC(),
            TransferOptions.defaults()
                .withRelay(new StreamRelay(StreamRelay.PV))
                .withCompression(compression),
            ConcurrentHashMap.newKeySet(),
            () -> false);
    assertThat(streams.available()).isTrue();
    return streams.send(
        DATA,
        new SendSpec.Full(SnapshotName.parse("tank/data@s1"), SendFlags.PLAIN),
        ReceiveSpec.into(DATA),
        ProgressListener.NONE,
        sender -> Optional.empty());
  }

  @Test
  void aDatasetZfsDoesNotCompressIsCompressedOnTheWireAndLearnedFrom() throws IOException {
    Files.createSymbolicLink(bin.resolve(WireCodec.ZSTD.remoteWord()), PACKAGED_COMPRESSOR);

    OptionalLong bytes = pull();

    assertThat(Files.readAllLines(received))
        .hasSize(40_000)
        .endsWith("2026-12-04 pull tank/data ok 39999");
    assertThat(bytes).hasValue(Files.size(received));
    // The measured ratio now decides, not ZFS's facts.
    assertThat(compression.wantsFacts(DATA, false)).isFalse();
    assertThat(compression.choose(DATA, false, false, Optional.empty()).why())
        .startsWith("its last stream shrank to 0.");
  }

  /** What an older zferry serve answers to a compressed send. */
  private static final String REFUSAL =
      "echo \"zferry serve: refused 'zferry-zstd' 'zfs' 'send': only 'zfs' may run, not"
          + " 'zferry-zstd'\" >&2\n";

  @Test
  void aPeerThatRefusesToCompressGetsTheSameSendPlainAtOnce() throws IOException {
    script(WireCodec.ZSTD.remoteWord(), REFUSAL + "exit 77\n");

    assertTheSameSendWentPlain(pull());
  }

  @Test
  void aRefusalWhoseExitStatusComesAfterTheEndOfItsOutputIsStillTheSendersFailure()
      throws IOException {
    // Over ssh the end of the stream arrives before the remote exit status: the decoder reads an
    // empty stream and fails first, and only then does the sender exit with the refusal.
    script(WireCodec.ZSTD.remoteWord(), "exec >&-\n" + REFUSAL + "sleep 0.5\nexit 77\n");

    assertTheSameSendWentPlain(pull());
  }

  private void assertTheSameSendWentPlain(OptionalLong bytes) throws IOException {
    assertThat(Files.readAllLines(received)).hasSize(40_000);
    assertThat(bytes).hasValue(Files.size(received));
    assertThat(compression.choose(DATA, false, false, Optional.empty()).why())
        .isEqualTo("the peer cannot compress");
  }
}
