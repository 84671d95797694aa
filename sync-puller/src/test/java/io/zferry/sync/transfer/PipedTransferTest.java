package io.zferry.sync.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.HostException;
import io.zferry.snapshot.host.LocalHost;
import io.zferry.snapshot.host.LocalLaunch;
import io.zferry.snapshot.host.RunningCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real local processes joined by pipes through Debian's pv; no network, no ZFS. */
@Timeout(60)
class PipedTransferTest {
  private static final StreamRelay PV = new StreamRelay(StreamRelay.PV);
  private final LocalHost sendingHost = new LocalHost("node-a");
  private final LocalHost receivingHost = new LocalHost("node-b");
  private final List<TransferProgress> reports = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void pvIsInstalled() {
    // bin/setup installs it, as the package depends on it.
    assertThat(Files.isExecutable(StreamRelay.PV)).as("/usr/bin/pv (Debian's pv)").isTrue();
  }

  private LocalLaunch send(String... argv) {
    return sendingHost.launch(Command.of(argv)).orElseThrow();
  }

  private LocalLaunch receive(String... argv) {
    return receivingHost.launch(Command.of(argv)).orElseThrow();
  }

  private TransferResult run(TransferOptions options, LocalLaunch sender, LocalLaunch receiver) {
    return new PipedTransfer(Clock.systemUTC(), options, PV, reports::add)
        .run(sender, receiver, (s, r) -> Optional.empty());
  }

  /** A stream compressed by the package's zferry-zstd on the sending side, decoded here. */
  private TransferResult runCompressed(LocalLaunch sender, LocalLaunch receiver) {
    return new PipedTransfer(Clock.systemUTC(), TransferOptions.defaults(), PV, reports::add)
        .run(sender, Optional.of(WireCodec.ZSTD), receiver, (s, r) -> Optional.empty());
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  @Test
  void deliversTheExactBytesAndCountsThem(@TempDir Path dir) throws Exception {
    byte[] data = new byte[5_000_017];
    new Random(42).nextBytes(data);
    Path source = Files.write(dir.resolve("source"), data);
    Path target = dir.resolve("target");

    TransferResult result =
        run(
            TransferOptions.defaults(),
            send("cat", source.toString()),
            receive("dd", "of=" + target, "bs=64k", "status=none"));

    assertThat(result.bytes()).isEqualTo(5_000_017);
    assertThat(sha256(Files.readAllBytes(target))).isEqualTo(sha256(data));
    assertThat(reports).isNotEmpty();
    assertThat(reports.get(reports.size() - 1).finished()).isTrue();
    assertThat(reports.get(reports.size() - 1).bytesDone()).isEqualTo(5_000_017);
  }

  private static final String RECEIVER_THAT_MEASURES_ITS_PIPE =
      """
      binmode STDIN;
      sysread(STDIN, my $first, 1) == 1 or die "no first byte";
      open(my $size, '>', $ARGV[0]) or die; print $size fcntl(STDIN, 1032, 0); close $size;
      open(my $out, '>', $ARGV[1]) or die; binmode $out; print $out $first;
      while (my $n = sysread(STDIN, my $chunk, 65536)) { print $out $chunk }
      close $out or die;
      """;

  @Test
  void thePackagesRelayGrowsThePipesAndDeliversTheSameBytes(@TempDir Path dir) throws Exception {
    Path wrapper = Path.of("../packaging/src/deb/bin/zferry-relay").toAbsolutePath().normalize();
    byte[] data = new byte[3_000_001];
    new Random(7).nextBytes(data);
    Path source = Files.write(dir.resolve("source"), data);
    Path target = dir.resolve("target");
    Path pipeSize = dir.resolve("pipe-size");

    TransferResult result =
        new PipedTransfer(
                Clock.systemUTC(),
                TransferOptions.defaults(),
                new StreamRelay(wrapper),
                reports::add)
            .run(
                send("cat", source.toString()),
                // F_GETPIPE_SZ (1032) of the receiver's stdin, the pipe the relay writes into,
                // read once the first byte came through: the receiver starts alongside the relay
                // and could otherwise look before the relay has grown the pipe.
                receive(
                    "perl",
                    "-e",
                    RECEIVER_THAT_MEASURES_ITS_PIPE,
                    pipeSize.toString(),
                    target.toString()),
                (s, r) -> Optional.empty());

    assertThat(result.bytes()).isEqualTo(3_000_001);
    assertThat(sha256(Files.readAllBytes(target))).isEqualTo(sha256(data));
    assertThat(Files.readString(pipeSize).strip()).isEqualTo(Integer.toString(1 << 20));
  }

  @Test
  void theCallerSeesBothCommandsAsTheirHostsReportThemAndMayLearnTheSize() {
    AtomicReference<RunningCommand> seenSender = new AtomicReference<>();
    AtomicReference<RunningCommand> seenReceiver = new AtomicReference<>();
    LateEstimate estimate =
        new LateEstimate(() -> OptionalLong.of(4_000_000), Duration.ZERO, 0, Runnable::run);

    TransferResult result =
        new PipedTransfer(
                Clock.systemUTC(),
                TransferOptions.defaults().withBandwidthLimit(4_000_000),
                PV,
                reports::add)
            .run(
                send("head", "-c", "4000000", "/dev/zero"),
                receive("wc", "-c"),
                (sender, receiver) -> {
                  seenSender.set(sender);
                  seenReceiver.set(receiver);
                  return Optional.of(estimate);
                });

    assertThat(result.bytes()).isEqualTo(4_000_000);
    assertThat(seenSender.get().command().argv())
        .containsExactly("head", "-c", "4000000", "/dev/zero");
    assertThat(seenSender.get().host()).isEqualTo("node-a");
    assertThat(seenReceiver.get().command().argv()).containsExactly("wc", "-c");
    assertThat(estimate.asked()).isTrue();
    assertThat(reports).anySatisfy(p -> assertThat(p.estimatedTotalBytes()).isEqualTo(4_000_000));
  }

  @Test
  void reportsProgressWhileRunning() {
    // 3 MB at 2 MB/s: at least a second of reports before the last.
    run(
        TransferOptions.defaults().withBandwidthLimit(2_000_000),
        send("head", "-c", "3000000", "/dev/zero"),
        receive("wc", "-c"));

    List<TransferProgress> running = reports.stream().filter(p -> !p.finished()).toList();
    assertThat(running).isNotEmpty();
    assertThat(running).anySatisfy(p -> assertThat(p.bytesDone()).isBetween(1L, 2_999_999L));
    assertThat(reports.get(reports.size() - 1).bytesDone()).isEqualTo(3_000_000);
  }

  @Test
  void limitsBandwidth() {
    long start = System.nanoTime();

    TransferResult result =
        run(
            TransferOptions.defaults().withBandwidthLimit(1_000_000),
            send("head", "-c", "2500000", "/dev/zero"),
            receive("wc", "-c"));

    assertThat(result.bytes()).isEqualTo(2_500_000);
    // A lower bound only: the limit cannot be beaten, however fast the machine.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(1400));
  }

  @Test
  void aSilentSenderIsAStallAndEveryProcessIsKilled() {
    AtomicReference<RunningCommand> seenSender = new AtomicReference<>();
    long start = System.nanoTime();

    TransferStalledException stall =
        catchThrowableOfType(
            TransferStalledException.class,
            () ->
                new PipedTransfer(
                        Clock.systemUTC(),
                        TransferOptions.defaults().withStallTimeout(Duration.ofMillis(700)),
                        PV,
                        reports::add)
                    .run(
                        send("sleep", "30"),
                        receive("cat"),
                        (sender, receiver) -> {
                          seenSender.set(sender);
                          return Optional.empty();
                        }));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(stall.bytesDone()).isZero();
    assertThat(stall)
        .hasMessageContaining("no byte moved for 0.7 s after 0 B")
        .hasMessageContaining("'sleep 30' on node-a")
        .hasMessageContaining("'cat' on node-b");
    assertThat(seenSender.get().await(Duration.ofSeconds(1)).exitCode()).isNotZero();
  }

  @Test
  void aReceiverThatStopsReadingIsAStall() {
    TransferStalledException stall =
        catchThrowableOfType(
            TransferStalledException.class,
            () ->
                run(
                    TransferOptions.defaults().withStallTimeout(Duration.ofMillis(700)),
                    send("head", "-c", "100000000", "/dev/zero"),
                    receive("sleep", "30")));

    assertThat(stall.bytesDone()).isLessThan(100_000_000);
  }

  @Test
  void aFailingReceiverIsNamedAndTheSenderIsEnded() {
    TransferFailedException failure =
        catchThrowableOfType(
            TransferFailedException.class,
            () ->
                run(
                    TransferOptions.defaults(),
                    send("cat", "/dev/zero"),
                    receive("sh", "-c", "head -c 1000000 >/dev/null; echo no room >&2; exit 3")));

    assertThat(failure.side()).isEqualTo(TransferFailedException.Side.RECEIVER);
    assertThat(failure.host()).isEqualTo("node-b");
    assertThat(failure.exitCode()).isEqualTo(3);
    assertThat(failure.stderr()).contains("no room");
    assertThat(failure).hasMessageContaining("sender 'cat /dev/zero' on node-a");
  }

  @Test
  void aFailingReceiverOfASmallStreamIsNamedToo() {
    TransferFailedException failure =
        catchThrowableOfType(
            TransferFailedException.class,
            () ->
                run(
                    TransferOptions.defaults(),
                    send("head", "-c", "10", "/dev/zero"),
                    receive("grep", "-q", "x")));

    assertThat(failure.side()).isEqualTo(TransferFailedException.Side.RECEIVER);
    assertThat(failure.exitCode()).isEqualTo(1);
    assertThat(failure.bytesDone()).isEqualTo(10);
    assertThat(failure).hasMessageContaining("sender 'head -c 10 /dev/zero' on node-a exited 0");
  }

  @Test
  void aSenderDyingMidStreamIsNamedAndTheReceiverSawPlainEof(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("target");

    TransferFailedException failure =
        catchThrowableOfType(
            TransferFailedException.class,
            () ->
                run(
                    TransferOptions.defaults(),
                    send("sh", "-c", "head -c 1000000 /dev/zero; echo peer gone >&2; exit 5"),
                    receive("dd", "of=" + target, "bs=64k", "status=none")));

    assertThat(failure.side()).isEqualTo(TransferFailedException.Side.SENDER);
    assertThat(failure.exitCode()).isEqualTo(5);
    assertThat(failure.stderr()).contains("peer gone");
    assertThat(failure.bytesDone()).isEqualTo(1_000_000);
    assertThat(Files.size(target)).isEqualTo(1_000_000);
    assertThat(failure).hasMessageContaining("receiver 'dd of=" + target);
  }

  @Test
  void aMissingRelayIsAClearErrorAndNothingIsLeftRunning() {
    PipedTransfer transfer =
        new PipedTransfer(
            Clock.systemUTC(),
            TransferOptions.defaults(),
            new StreamRelay(Path.of("/nonexistent/pv")),
            reports::add);

    assertThatThrownBy(
            () -> transfer.run(send("sleep", "30"), receive("cat"), (s, r) -> Optional.empty()))
        .isInstanceOf(HostException.class)
        .hasMessageContaining("could not start the pipeline sleep | /nonexistent/pv | cat");
    assertThat(ProcessHandle.current().children().filter(p -> commandIs(p, "sleep")).count())
        .isZero();
  }

  @Test
  void aCallerThatRefusesTheStartEndsEveryProcess() {
    AtomicReference<RunningCommand> seenSender = new AtomicReference<>();

    assertThatThrownBy(
            () ->
                new PipedTransfer(Clock.systemUTC(), TransferOptions.defaults(), PV, reports::add)
                    .run(
                        send("sleep", "30"),
                        receive("cat"),
                        (sender, receiver) -> {
                          seenSender.set(sender);
                          throw new IllegalStateException("cancelled meanwhile");
                        }))
        .hasMessage("cancelled meanwhile");
    assertThat(seenSender.get().await(Duration.ofSeconds(5)).exitCode()).isNotZero();
  }

  /** The package's compressor, as zferry serve runs it on the sending node. */
  private static final String COMPRESSOR =
      Path.of("../packaging/src/deb/bin/zferry-zstd").toAbsolutePath().normalize().toString();

  @Test
  void aStreamCompressedOnTheWireIsDecodedAndBothCountsAreKept(@TempDir Path dir) throws Exception {
    // Text-like data: it compresses.
    StringBuilder text = new StringBuilder();
    Random random = new Random(7);
    while (text.length() < 4_000_000) {
      text.append("2026-12-04 pull tank/data: ").append(random.nextInt(1000)).append(" ok\n");
    }
    byte[] data = text.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    Path source = Files.write(dir.resolve("source"), data);
    Path target = dir.resolve("target");

    TransferResult result =
        runCompressed(
            send(COMPRESSOR, "cat", source.toString()),
            receive("dd", "of=" + target, "bs=64k", "status=none"));

    assertThat(sha256(Files.readAllBytes(target))).isEqualTo(sha256(data));
    assertThat(result.bytes()).isEqualTo(data.length);
    assertThat(result.wireBytes()).isPositive().isLessThan(data.length / 3);
    assertThat(reports.get(reports.size() - 1).bytesDone()).isEqualTo(data.length);
  }

  @Test
  void aCompressedSendThatFailsIsTheSendersFailureWithItsOwnStatus() {
    TransferFailedException failure =
        catchThrowableOfType(
            TransferFailedException.class,
            () ->
                runCompressed(
                    send(COMPRESSOR, "head", "-c", "100", "/nonexistent/zferry-test"),
                    receive("grep", "-q", "x")));

    assertThat(failure.side()).isEqualTo(TransferFailedException.Side.SENDER);
    assertThat(failure.exitCode()).isEqualTo(1);
    assertThat(failure.stderr()).contains("No such file or directory");
  }

  @Test
  void aStreamThatIsNotZstdIsTheDecodersFailureOnTheReceivingSide() {
    TransferFailedException failure =
        catchThrowableOfType(
            TransferFailedException.class,
            () -> runCompressed(send("head", "-c", "100000", "/dev/urandom"), receive("wc", "-c")));

    assertThat(failure.side()).isEqualTo(TransferFailedException.Side.RECEIVER);
    assertThat(failure).hasMessageContaining("'/usr/bin/zstd -d -q -c' between them exited with");
  }

  @Test
  void theRelaysCountIsItsLastWholeNumber() {
    assertThat(StreamRelay.latestCount("")).isEmpty();
    assertThat(StreamRelay.latestCount("12")).isEmpty();
    assertThat(StreamRelay.latestCount("12\n345\n67")).hasValue(345);
    assertThat(StreamRelay.latestCount("12\n345\npv: write failed: Broken pipe\n")).hasValue(345);
    assertThat(StreamRelay.messages("12\npv: write failed: Broken pipe\n345\n"))
        .isEqualTo("pv: write failed: Broken pipe\n");
    assertThat(PV.argv(0, Duration.ofMillis(500)))
        .containsExactly("/usr/bin/pv", "--force", "--numeric", "--bytes", "--interval", "0.5");
    assertThat(PV.argv(1_000_000, Duration.ofMillis(500))).endsWith("--rate-limit", "1000000");
  }

  private static boolean commandIs(ProcessHandle process, String program) {
    return process.info().command().map(c -> c.endsWith("/" + program)).orElse(false);
  }
}
