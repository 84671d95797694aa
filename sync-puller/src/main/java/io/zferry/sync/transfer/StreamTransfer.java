package io.zferry.sync.transfer;

import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.RunningCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one command's stdout into another's stdin, e.g. {@code zfs send} on the peer into {@code
 * zfs recv} here, through one fixed {@value #BUFFER_SIZE}-byte buffer: memory does not grow with
 * the stream. Counts bytes, reports progress, optionally limits bandwidth, and kills both commands
 * if no byte moves for the stall timeout.
 *
 * <p>Ending: when the sender's output ends, the receiver's stdin is closed and both commands are
 * awaited; the transfer succeeds only if both exit 0. If the sender dies mid-stream, the receiver
 * still gets a plain EOF, so {@code zfs recv} sees a truncated stream and aborts cleanly (a receive
 * is atomic per snapshot); the error names the sender. If the receiver stops reading, the sender is
 * killed and the error names the receiver.
 *
 * <p>The receiver's stdout is not read here ({@code zfs recv} prints nothing without {@code -v}); a
 * caller running a chatty receiver drains it, e.g. with {@code OutputCollector}.
 *
 * <p>Rates and ETA use the injected {@link Clock}; the stall watchdog and bandwidth pacing use
 * {@link System#nanoTime()}, because a wall clock step must neither kill a healthy transfer nor
 * stall a limited one.
 */
public final class StreamTransfer {
  private static final Logger log = LoggerFactory.getLogger(StreamTransfer.class);

  /** The lab's measured copy buffer size (lab notes: 256 KiB lowers JVM CPU per GB). */
  public static final int BUFFER_SIZE = 256 * 1024;

  private final Clock clock;
  private final TransferOptions options;
  private final ProgressListener listener;
  private final Optional<LateEstimate> lateEstimate;

  public StreamTransfer(Clock clock, TransferOptions options, ProgressListener listener) {
    this(clock, options, listener, Optional.empty());
  }

  private StreamTransfer(
      Clock clock,
      TransferOptions options,
      ProgressListener listener,
      Optional<LateEstimate> lateEstimate) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.options = Objects.requireNonNull(options, "options");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.lateEstimate = lateEstimate;
  }

  /** The same transfer, learning the stream's size from {@code estimate} once it proves long. */
  public StreamTransfer withLateEstimate(LateEstimate estimate) {
    return new StreamTransfer(clock, options, listener, Optional.of(estimate));
  }

  /**
   * Runs the transfer to the end. The caller still owns (and closes) both commands.
   *
   * @throws TransferFailedException if either command failed; names which
   * @throws TransferStalledException if no byte moved for the stall timeout
   * @throws TransferInterruptedException if this thread was interrupted while pacing
   */
  public TransferResult run(RunningCommand sender, RunningCommand receiver) {
    Instant started = clock.instant();
    long startNanos = System.nanoTime();
    RateEstimator rates =
        new RateEstimator(started, options.estimatedTotalBytes(), options.rateWindow());
    byte[] buffer = new byte[BUFFER_SIZE];
    int chunk = Throttle.chunkSize(options.bandwidthLimit(), BUFFER_SIZE);
    InputStream in = sender.stdout();
    OutputStream out = receiver.stdin();
    Instant nextReport = started.plus(options.progressInterval());
    long bytes = 0;
    Instant firstByte = null;
    IOException readFailure = null;
    IOException writeFailure = null;

    Watchdog watchdog = new Watchdog(sender, receiver, options.stallTimeout());
    watchdog.start();
    try {
      while (true) {
        int n;
        try {
          n = in.read(buffer, 0, chunk);
        } catch (IOException e) {
          readFailure = e;
          break;
        }
        if (n < 0) {
          break;
        }
        watchdog.moved();
        try {
          out.write(buffer, 0, n);
        } catch (IOException e) {
          writeFailure = e;
          break;
        }
        bytes += n;
        watchdog.moved();
        Instant now = clock.instant();
        if (lateEstimate.isPresent()) {
          firstByte = firstByte == null ? now : firstByte;
          lateEstimate.get().onProgress(Duration.between(firstByte, now), bytes);
          rates.learnTotal(lateEstimate.get().total());
        }
        if (!now.isBefore(nextReport)) {
          report(rates.update(now, bytes));
          nextReport = now.plus(options.progressInterval());
        }
        long pause =
            Throttle.pauseNanos(bytes, System.nanoTime() - startNanos, options.bandwidthLimit());
        if (pause > 0) {
          pace(pause, watchdog, sender, receiver, bytes);
        }
      }
    } finally {
      watchdog.stop();
    }

    if (watchdog.fired()) {
      closeQuietly(out);
      throw TransferEndings.stalled(options.stallTimeout(), sender, receiver, bytes);
    }
    if (writeFailure != null) {
      // The receiver stopped reading: nobody will consume the sender's output any more.
      sender.kill();
      closeQuietly(out);
      CommandResult received = TransferEndings.awaitQuietly(receiver, options.completionTimeout());
      CommandResult sent = TransferEndings.awaitQuietly(sender, TransferEndings.KILLED_GRACE);
      String problem = "it stopped reading its input: " + writeFailure.getMessage();
      throw new TransferFailedException(
          TransferFailedException.Side.RECEIVER, received, problem, sent, bytes);
    }

    // The sender's output ended (or broke). Either way the receiver gets EOF now; a truncated
    // stream makes zfs recv abort without keeping anything partial.
    IOException closeFailure = null;
    try {
      out.close();
    } catch (IOException e) {
      closeFailure = e;
    }
    CommandResult sent = TransferEndings.awaitQuietly(sender, options.completionTimeout());
    if (readFailure != null || !sent.succeeded()) {
      CommandResult received = TransferEndings.awaitQuietly(receiver, options.completionTimeout());
      String problem =
          readFailure == null ? null : "reading its output failed: " + readFailure.getMessage();
      throw new TransferFailedException(
          TransferFailedException.Side.SENDER, sent, problem, received, bytes);
    }
    CommandResult received = TransferEndings.awaitQuietly(receiver, options.completionTimeout());
    if (!received.succeeded() || closeFailure != null) {
      String problem =
          closeFailure == null
              ? null
              : "it closed its input before the end: " + closeFailure.getMessage();
      throw new TransferFailedException(
          TransferFailedException.Side.RECEIVER, received, problem, sent, bytes);
    }

    Instant finished = clock.instant();
    lateEstimate.ifPresent(estimate -> rates.learnTotal(estimate.total()));
    report(rates.finish(finished, bytes));
    TransferResult result = new TransferResult(bytes, Duration.between(started, finished));
    log.debug("transfer '{}' -> '{}' done: {}", sender.command(), receiver.command(), result);
    return result;
  }

  private void pace(
      long pauseNanos,
      Watchdog watchdog,
      RunningCommand sender,
      RunningCommand receiver,
      long bytes) {
    watchdog.pausing(true);
    try {
      TimeUnit.NANOSECONDS.sleep(pauseNanos);
    } catch (InterruptedException e) {
      sender.kill();
      receiver.kill();
      Thread.currentThread().interrupt();
      throw TransferEndings.interrupted(sender, receiver, bytes, e);
    } finally {
      watchdog.pausing(false);
    }
  }

  private void report(TransferProgress progress) {
    try {
      listener.onProgress(progress);
    } catch (RuntimeException e) {
      log.warn("progress listener failed; the transfer goes on", e);
    }
  }

  private static void closeQuietly(OutputStream out) {
    try {
      out.close();
    } catch (IOException ignored) {
      // The receiver is gone or killed; its exit status tells the story.
    }
  }

  /**
   * A daemon thread that kills both commands when no byte has moved for the stall timeout; killing
   * unblocks the copying thread's read or write, which then reports the stall.
   */
  private static final class Watchdog {
    private final RunningCommand sender;
    private final RunningCommand receiver;
    private final long stallNanos;
    private final long tickNanos;
    private final Thread thread;
    private volatile long lastMoved = System.nanoTime();
    private volatile boolean pausing;
    private volatile boolean stopped;
    private volatile boolean fired;

    Watchdog(RunningCommand sender, RunningCommand receiver, Duration stallTimeout) {
      this.sender = sender;
      this.receiver = receiver;
      this.stallNanos = stallTimeout.toNanos();
      this.tickNanos =
          TimeUnit.MILLISECONDS.toNanos(
              Math.max(10, Math.min(1_000, stallTimeout.toMillis() / 10)));
      this.thread = new Thread(this::watch, "transfer-watchdog " + sender.host());
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    void moved() {
      lastMoved = System.nanoTime();
    }

    /** Pacing sleeps are deliberate, not a stall. */
    void pausing(boolean value) {
      lastMoved = System.nanoTime();
      pausing = value;
    }

    boolean fired() {
      return fired;
    }

    /** Not by interrupt: that could cut short a kill in progress on the watchdog thread. */
    void stop() {
      stopped = true;
      LockSupport.unpark(thread);
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void watch() {
      while (!stopped) {
        LockSupport.parkNanos(tickNanos);
        if (!stopped && !pausing && System.nanoTime() - lastMoved > stallNanos) {
          fired = true;
          log.warn(
              "transfer '{}' on {} -> '{}' on {} stalled; killing both",
              sender.command(),
              sender.host(),
              receiver.command(),
              receiver.host());
          sender.kill();
          receiver.kill();
          return;
        }
      }
    }
  }
}
