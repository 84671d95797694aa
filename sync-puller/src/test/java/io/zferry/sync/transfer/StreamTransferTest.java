package io.zferry.sync.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.zferry.snapshot.host.Command;
import io.zferry.snapshot.host.LocalHost;
import io.zferry.snapshot.host.OutputCollector;
import io.zferry.snapshot.host.RunningCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real but tiny local processes on both ends; no network, no ZFS. */
@Timeout(60)
class StreamTransferTest {
  private final LocalHost sendingHost = new LocalHost("node-a");
  private final LocalHost receivingHost = new LocalHost("node-b");
  private final List<RunningCommand> started = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeCommands() {
    started.forEach(RunningCommand::close);
  }

  private RunningCommand send(String... argv) {
    RunningCommand command = sendingHost.start(Command.of(argv));
    started.add(command);
    return command;
  }

  private RunningCommand receive(String... argv) {
    RunningCommand command = receivingHost.start(Command.of(argv));
    started.add(command);
    return command;
  }

  private static StreamTransfer transfer(TransferOptions options) {
    return new StreamTransfer(Clock.systemUTC(), options, ProgressListener.NONE);
  }

  @Test
  void countsEveryByteAndTheReceiverSeesThemAll() {
    RunningCommand sender = send("head", "-c", "10000000", "/dev/urandom");
    RunningCommand receiver = receive("wc", "-c");
    OutputCollector count = OutputCollector.drain(receiver.stdout(), "wc stdout");

    TransferResult result = transfer(TransferOptions.defaults()).run(sender, receiver);

    assertThat(result.bytes()).isEqualTo(10_000_000);
    assertThat(count.awaitText().strip()).isEqualTo("10000000");
    assertThat(result.elapsed()).isPositive();
  }

  @Test
  void deliversTheExactBytes(@TempDir Path dir) throws Exception {
    byte[] data = new byte[3_000_017];
    new Random(42).nextBytes(data);
    Path file = dir.resolve("stream");
    Files.write(file, data);
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    RunningCommand sender = send("cat", file.toString());
    RunningCommand receiver = receive("sha256sum");
    OutputCollector digest = OutputCollector.drain(receiver.stdout(), "sha256sum stdout");

    TransferResult result = transfer(TransferOptions.defaults()).run(sender, receiver);

    assertThat(result.bytes()).isEqualTo(data.length);
    assertThat(digest.awaitText()).startsWith(expected + " ");
  }

  @Test
  void reportsProgressWhileRunningAndOnceAtTheEnd() {
    List<TransferProgress> reports = new CopyOnWriteArrayList<>();
    // Every reading of this clock is a second later, so every chunk is due for a report.
    Clock ticking = new SteppingClock(Instant.parse("2025-01-01T00:00:00Z"), Duration.ofSeconds(1));
    RunningCommand sender = send("head", "-c", "5000000", "/dev/zero");
    RunningCommand receiver = receive("wc", "-c");
    OutputCollector.drain(receiver.stdout(), "wc stdout");

    TransferResult result =
        new StreamTransfer(
                ticking,
                TransferOptions.defaults().withEstimatedTotalBytes(5_000_000),
                reports::add)
            .run(sender, receiver);

    assertThat(reports.size()).isGreaterThanOrEqualTo(2);
    assertThat(reports.subList(0, reports.size() - 1)).noneMatch(TransferProgress::finished);
    assertThat(reports).extracting(TransferProgress::bytesDone).isSorted();
    TransferProgress last = reports.get(reports.size() - 1);
    assertThat(last.finished()).isTrue();
    assertThat(last.bytesDone()).isEqualTo(5_000_000);
    assertThat(last.fraction().getAsDouble()).isEqualTo(1.0);
    assertThat(last.estimatedTotalBytes()).isEqualTo(5_000_000);
    assertThat(result.elapsed()).isEqualTo(last.elapsed());
  }

  @Test
  void aStreamThatProvesLargeLearnsItsSizeWhileRunning() {
    List<TransferProgress> reports = new CopyOnWriteArrayList<>();
    AtomicInteger asked = new AtomicInteger();
    LateEstimate late =
        new LateEstimate(
            () -> {
              asked.incrementAndGet();
              return OptionalLong.of(5_000_000);
            },
            Duration.ofHours(1),
            1_000_000,
            Runnable::run);
    Clock ticking = new SteppingClock(Instant.parse("2025-01-01T00:00:00Z"), Duration.ofSeconds(1));
    RunningCommand sender = send("head", "-c", "5000000", "/dev/zero");
    RunningCommand receiver = receive("wc", "-c");
    OutputCollector.drain(receiver.stdout(), "wc stdout");

    new StreamTransfer(ticking, TransferOptions.defaults(), reports::add)
        .withLateEstimate(late)
        .run(sender, receiver);

    assertThat(asked).hasValue(1);
    assertThat(reports.get(0).estimatedTotalBytes()).isEqualTo(TransferProgress.UNKNOWN);
    assertThat(reports.get(reports.size() - 1).estimatedTotalBytes()).isEqualTo(5_000_000);
  }

  @Test
  void aSmallQuickStreamIsNotEstimated() {
    AtomicInteger asked = new AtomicInteger();
    LateEstimate late =
        new LateEstimate(
            () -> {
              asked.incrementAndGet();
              return OptionalLong.of(1);
            },
            Duration.ofHours(1),
            1_000_000,
            Runnable::run);
    RunningCommand sender = send("head", "-c", "5000", "/dev/zero");
    RunningCommand receiver = receive("wc", "-c");
    OutputCollector.drain(receiver.stdout(), "wc stdout");

    TransferResult result =
        transfer(TransferOptions.defaults()).withLateEstimate(late).run(sender, receiver);

    assertThat(result.bytes()).isEqualTo(5000);
    assertThat(asked).hasValue(0);
  }

  @Test
  void aFailingListenerDoesNotBreakTheTransfer() {
    RunningCommand sender = send("head", "-c", "1000000", "/dev/zero");
    RunningCommand receiver = receive("wc", "-c");
    OutputCollector.drain(receiver.stdout(), "wc stdout");
    ProgressListener broken =
        progress -> {
          throw new IllegalStateException("listener bug");
        };

    TransferResult result =
        new StreamTransfer(Clock.systemUTC(), TransferOptions.defaults(), broken)
            .run(sender, receiver);

    assertThat(result.bytes()).isEqualTo(1_000_000);
  }

  @Test
  void aSilentSenderIsAStall() {
    RunningCommand sender = send("sleep", "5");
    RunningCommand receiver = receive("cat");
    long start = System.nanoTime();

    TransferStalledException stall =
        catchThrowableOfType(
            TransferStalledException.class,
            () ->
                transfer(TransferOptions.defaults().withStallTimeout(Duration.ofMillis(500)))
                    .run(sender, receiver));

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isLessThan(Duration.ofSeconds(3));
    assertThat(stall.bytesDone()).isZero();
    assertThat(stall.stallTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(stall)
        .hasMessageContaining("no byte moved for 0.5 s after 0 B")
        .hasMessageContaining("'sleep 5' on node-a")
        .hasMessageContaining("'cat' on node-b");
  }

  @Test
  void aReceiverThatStopsReadingIsAStall() {
    RunningCommand sender = send("head", "-c", "10000000", "/dev/zero");
    RunningCommand receiver = receive("sleep", "5");
    long start = System.nanoTime();

    TransferStalledException stall =
        catchThrowableOfType(
            TransferStalledException.class,
            () ->
                transfer(TransferOptions.defaults().withStallTimeout(Duration.ofMillis(500)))
                    .run(sender, receiver));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    // At most what fits in the pipe to `sleep` moved before the writes blocked (nothing at all if
    // a loaded machine started `head` late).
    assertThat(stall.bytesDone()).isLessThan(10_000_000);
  }

  @Test
  void aFailingReceiverIsNamed() {
    RunningCommand sender = send("head", "-c", "10000000", "/dev/zero");
    RunningCommand receiver = receive("false");

    TransferFailedException failure =
        catchThrowableOfType(
            TransferFailedException.class,
            () -> transfer(TransferOptions.defaults()).run(sender, receiver));

    assertThat(failure.side()).isEqualTo(TransferFailedException.Side.RECEIVER);
    assertThat(failure.host()).isEqualTo("node-b");
    assertThat(failure.argv()).containsExactly("false");
    assertThat(failure.exitCode()).isEqualTo(1);
    assertThat(failure)
        .hasMessageContaining("receiver 'false' on node-b exited with 1")
        .hasMessageContaining("sender 'head -c 10000000 /dev/zero' on node-a");
    assertThat(failure.getCause()).hasMessageContaining("'false' exited with 1");
  }

  @Test
  void aFailingReceiverOfASmallStreamIsNamedToo() {
    // Everything fits the pipe buffer, so no write fails: only the exit status tells.
    RunningCommand sender = send("head", "-c", "10", "/dev/zero");
    // grep reads all of its input looking for an "x" and, finding none, exits 1.
    RunningCommand receiver = receive("grep", "-q", "x");

    TransferFailedException failure =
        catchThrowableOfType(
            TransferFailedException.class,
            () -> transfer(TransferOptions.defaults()).run(sender, receiver));

    assertThat(failure.side()).isEqualTo(TransferFailedException.Side.RECEIVER);
    assertThat(failure.exitCode()).isEqualTo(1);
    assertThat(failure.bytesDone()).isEqualTo(10);
    assertThat(failure).hasMessageContaining("sender 'head -c 10 /dev/zero' on node-a exited 0");
  }

  @Test
  void aSenderThatFailsAtOnceIsNamedWithItsStderr() {
    RunningCommand sender = send("head", "-c", "100", "/nonexistent/zferry-test");
    RunningCommand receiver = receive("wc", "-c");
    OutputCollector.drain(receiver.stdout(), "wc stdout");

    TransferFailedException failure =
        catchThrowableOfType(
            TransferFailedException.class,
            () -> transfer(TransferOptions.defaults()).run(sender, receiver));

    assertThat(failure.side()).isEqualTo(TransferFailedException.Side.SENDER);
    assertThat(failure.host()).isEqualTo("node-a");
    assertThat(failure.exitCode()).isEqualTo(1);
    assertThat(failure.stderr()).contains("No such file or directory");
    assertThat(failure).hasMessageContaining("sender 'head -c 100 /nonexistent/zferry-test'");
  }

  @Test
  void aSenderDyingMidStreamClosesTheReceiversInputAndIsNamed() {
    // `timeout` kills cat after 0.3 s of streaming; the receiver must then see plain EOF.
    RunningCommand sender = send("timeout", "-s", "KILL", "0.3", "cat", "/dev/zero");
    RunningCommand receiver = receive("wc", "-c");
    OutputCollector count = OutputCollector.drain(receiver.stdout(), "wc stdout");

    TransferFailedException failure =
        catchThrowableOfType(
            TransferFailedException.class,
            () -> transfer(TransferOptions.defaults()).run(sender, receiver));

    assertThat(failure.side()).isEqualTo(TransferFailedException.Side.SENDER);
    assertThat(failure.exitCode()).isEqualTo(137);
    assertThat(failure.bytesDone()).isPositive();
    // The receiver got EOF and ended on its own with everything that was sent.
    assertThat(count.awaitText().strip()).isEqualTo(Long.toString(failure.bytesDone()));
    assertThat(failure).hasMessageContaining("receiver 'wc -c' on node-b exited 0");
  }

  @Test
  void limitsBandwidth() {
    RunningCommand sender = send("head", "-c", "300000", "/dev/zero");
    RunningCommand receiver = receive("wc", "-c");
    OutputCollector.drain(receiver.stdout(), "wc stdout");

    TransferResult result =
        transfer(
                TransferOptions.defaults()
                    .withBandwidthLimit(1_000_000)
                    .withStallTimeout(Duration.ofMillis(200)))
            .run(sender, receiver);

    // 300 kB at 1 MB/s takes 0.3 s (minus the first chunk, which is not waited for).
    assertThat(result.bytes()).isEqualTo(300_000);
    assertThat(result.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(230));
    assertThat(result.bytesPerSecond()).isLessThan(1_300_000);
  }

  @Test
  void memoryDoesNotGrowWithTheStream() {
    long size = 1L << 30; // 1 GiB
    RunningCommand sender = send("head", "-c", Long.toString(size), "/dev/zero");
    RunningCommand receiver = receive("wc", "-c");
    OutputCollector count = OutputCollector.drain(receiver.stdout(), "wc stdout");
    long before = usedHeap();
    long[] peak = {0};

    TransferResult result =
        new StreamTransfer(
                Clock.systemUTC(),
                TransferOptions.defaults(),
                progress -> peak[0] = Math.max(peak[0], usedHeap()))
            .run(sender, receiver);

    long after = usedHeap();
    assertThat(result.bytes()).isEqualTo(size);
    assertThat(count.awaitText().strip()).isEqualTo(Long.toString(size));
    assertThat(after - before).as("heap growth").isLessThan(4L << 20);
    assertThat(peak[0] - before).as("heap growth during the transfer").isLessThan(8L << 20);
    System.out.printf(
        "1 GiB local pipe: %s, heap %+d KiB after GC%n", result, (after - before) >> 10);
  }

  @Test
  void optionsRefuseNonsense() {
    assertThatThrownBy(() -> TransferOptions.defaults().withBandwidthLimit(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TransferOptions.defaults().withStallTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TransferOptions.defaults().withEstimatedTotalBytes(-2))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static long usedHeap() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }

  /** Advances by a fixed step on every reading. */
  private static final class SteppingClock extends Clock {
    private Instant now;
    private final Duration step;

    SteppingClock(Instant start, Duration step) {
      this.now = start;
      this.step = step;
    }

    @Override
    public synchronized Instant instant() {
      Instant current = now;
      now = now.plus(step);
      return current;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
