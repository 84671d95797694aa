package io.zferry.sync.transfer;

import io.zferry.snapshot.host.CommandResult;
import io.zferry.snapshot.host.LocalLaunch;
import io.zferry.snapshot.host.LocalPipeline;
import io.zferry.snapshot.host.RunningCommand;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A send joined to a receive by pipes through a {@link StreamRelay}, all three processes of this
 * machine ({@code ssh} running the peer's send, {@code pv}, {@code zfs recv}): the bytes never
 * enter the JVM, which supervises. It reads the relay's count for progress and the stall watchdog;
 * the relay applies the bandwidth limit. The same contract as {@link StreamTransfer}: success only
 * if every process exits 0; a failure names the side that failed first (a receiver that died makes
 * the relay and the sender die of a broken pipe after it, a sender that died ends the receiver's
 * input early, and {@code zfs recv} then keeps nothing partial); no byte moved for the stall
 * timeout kills all three.
 */
public final class PipedTransfer {
  private static final Logger log = LoggerFactory.getLogger(PipedTransfer.class);

  /** How often the JVM looks at the pipeline: the relay's count, the processes' ends. */
  private static final Duration TICK = Duration.ofMillis(50);

  /** The relay prints its count this often. */
  private static final Duration COUNT_INTERVAL = Duration.ofMillis(500);

  private static final int SENDER = 0;
  private static final int RELAY = 1;
  private static final int RECEIVER = 2;

  /** A process killed by SIGPIPE: it wrote into a pipe nobody reads any more. */
  private static final int KILLED_BY_SIGPIPE = 128 + 13;

  private final Clock clock;
  private final TransferOptions options;
  private final StreamRelay relay;
  private final ProgressListener listener;
  // Set by the supervising thread, read by it when the transfer ends: one run per instance.
  private boolean senderEndedForReceiver;

  /** What the caller does as soon as the processes run. */
  @FunctionalInterface
  public interface Started {
    /**
     * Sees the sender and the receiver (to cancel them from another thread); returns how to learn
     * the stream's size once it proves long, if there is a way.
     */
    Optional<LateEstimate> started(RunningCommand sender, RunningCommand receiver);
  }

  public PipedTransfer(
      Clock clock, TransferOptions options, StreamRelay relay, ProgressListener listener) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.options = Objects.requireNonNull(options, "options");
    this.relay = Objects.requireNonNull(relay, "relay");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Starts the three processes and runs the transfer to the end; every process has ended when it
   * returns or throws.
   *
   * @param started called once all three run
   * @throws TransferFailedException if a process failed; names the side that failed first
   * @throws TransferStalledException if no byte moved for the stall timeout
   * @throws TransferInterruptedException if this thread was interrupted
   */
  public TransferResult run(LocalLaunch sender, LocalLaunch receiver, Started started) {
    LocalLaunch counting =
        LocalLaunch.plain(receiver.host(), relay.argv(options.bandwidthLimit(), COUNT_INTERVAL));
    Instant start = clock.instant();
    try (LocalPipeline pipeline = LocalPipeline.start(List.of(sender, counting, receiver))) {
      Optional<LateEstimate> lateEstimate;
      try {
        lateEstimate = started.started(pipeline.stage(SENDER), pipeline.stage(RECEIVER));
      } catch (RuntimeException e) {
        pipeline.kill();
        throw e;
      }
      RateEstimator rates =
          new RateEstimator(start, options.estimatedTotalBytes(), options.rateWindow());
      long bytes = supervise(pipeline, start, rates, lateEstimate);
      return finish(pipeline, start, rates, lateEstimate, bytes);
    }
  }

  /** Watches until every process ended; returns the bytes the relay counted so far. */
  private long supervise(
      LocalPipeline pipeline,
      Instant start,
      RateEstimator rates,
      Optional<LateEstimate> lateEstimate) {
    RunningCommand sender = pipeline.stage(SENDER);
    RunningCommand receiver = pipeline.stage(RECEIVER);
    long stallNanos = options.stallTimeout().toNanos();
    long lastMoved = System.nanoTime();
    long bytes = 0;
    Instant firstByte = null;
    Instant nextReport = start.plus(options.progressInterval());
    boolean failureSeen = false;
    while (!pipeline.ended()) {
      long counted = StreamRelay.latestCount(pipeline.stage(RELAY).stderrSoFar()).orElse(0);
      Instant now = clock.instant();
      if (counted > bytes) {
        bytes = counted;
        lastMoved = System.nanoTime();
        if (lateEstimate.isPresent()) {
          firstByte = firstByte == null ? now : firstByte;
          lateEstimate.get().onProgress(Duration.between(firstByte, now), bytes);
          rates.learnTotal(lateEstimate.get().total());
        }
      }
      if (!now.isBefore(nextReport)) {
        report(rates.update(now, bytes));
        nextReport = now.plus(options.progressInterval());
      }
      if (!failureSeen && receiverFailedEarly(pipeline)) {
        // The sender would only learn of it by a broken pipe; end it now.
        failureSeen = true;
        senderEndedForReceiver = true;
        sender.kill();
        pipeline.stage(RELAY).kill();
      }
      if (System.nanoTime() - lastMoved > stallNanos) {
        log.warn(
            "transfer '{}' on {} -> '{}' on {} stalled; killing all three processes",
            sender.command(),
            sender.host(),
            receiver.command(),
            receiver.host());
        pipeline.kill();
        throw TransferEndings.stalled(options.stallTimeout(), sender, receiver, bytes);
      }
      try {
        TimeUnit.NANOSECONDS.sleep(TICK.toNanos());
      } catch (InterruptedException e) {
        pipeline.kill();
        Thread.currentThread().interrupt();
        throw TransferEndings.interrupted(sender, receiver, bytes, e);
      }
    }
    return bytes;
  }

  /** The receiver or the relay ended with a failure while the sender still runs. */
  private static boolean receiverFailedEarly(LocalPipeline pipeline) {
    if (pipeline.endedAt(SENDER).isPresent()) {
      return false;
    }
    for (int stage : new int[] {RELAY, RECEIVER}) {
      if (pipeline.endedAt(stage).isPresent()
          && !TransferEndings.awaitQuietly(pipeline.stage(stage), TICK).succeeded()) {
        return true;
      }
    }
    return false;
  }

  private TransferResult finish(
      LocalPipeline pipeline,
      Instant start,
      RateEstimator rates,
      Optional<LateEstimate> lateEstimate,
      long counted) {
    List<CommandResult> results = new ArrayList<>();
    for (RunningCommand stage : pipeline.stages()) {
      results.add(TransferEndings.awaitQuietly(stage, options.completionTimeout()));
    }
    String relayStderr = pipeline.stage(RELAY).stderrSoFar();
    long bytes = Math.max(counted, StreamRelay.latestCount(relayStderr).orElse(0));
    Optional<Integer> culprit = culprit(pipeline, results);
    if (culprit.isPresent()) {
      throw failed(culprit.get(), results, relayStderr, bytes);
    }
    Instant finished = clock.instant();
    lateEstimate.ifPresent(estimate -> rates.learnTotal(estimate.total()));
    report(rates.finish(finished, bytes));
    TransferResult result = new TransferResult(bytes, Duration.between(start, finished));
    log.debug(
        "piped transfer '{}' -> '{}' done: {}",
        results.get(SENDER).command(),
        results.get(RECEIVER).command(),
        result);
    return result;
  }

  /**
   * The stage whose failure failed the transfer; empty if all succeeded. When the sender and the
   * receiver side both failed, one failure caused the other: a receiver that died first breaks the
   * pipe, so the sender dies of it (or was ended here, on seeing the receiver's failure); a sender
   * that died first ends the receiver's input early, and the receiver fails after it.
   */
  private Optional<Integer> culprit(LocalPipeline pipeline, List<CommandResult> results) {
    boolean senderFailed = !results.get(SENDER).succeeded();
    Optional<Integer> receiverSide =
        List.of(RECEIVER, RELAY).stream().filter(s -> !results.get(s).succeeded()).findFirst();
    if (receiverSide.isEmpty()) {
      return senderFailed ? Optional.of(SENDER) : Optional.empty();
    }
    if (!senderFailed
        || senderEndedForReceiver
        || results.get(SENDER).exitCode() == KILLED_BY_SIGPIPE) {
      return receiverSide;
    }
    long receiverEnded = pipeline.endedAt(receiverSide.get()).orElse(Long.MAX_VALUE);
    long senderEnded = pipeline.endedAt(SENDER).orElse(Long.MAX_VALUE);
    return receiverEnded < senderEnded ? receiverSide : Optional.of(SENDER);
  }

  private static TransferFailedException failed(
      int stage, List<CommandResult> results, String relayStderr, long bytes) {
    CommandResult sent = results.get(SENDER);
    CommandResult received = results.get(RECEIVER);
    return switch (stage) {
      case SENDER ->
          new TransferFailedException(
              TransferFailedException.Side.SENDER, sent, null, received, bytes);
      case RECEIVER ->
          new TransferFailedException(
              TransferFailedException.Side.RECEIVER, received, null, sent, bytes);
      default -> {
        CommandResult relayed = results.get(RELAY);
        String said = StreamRelay.messages(relayStderr).strip();
        String problem =
            "'"
                + relayed.command()
                + "' between them "
                + (relayed.exitCode() < 0
                    ? "ended without an exit status"
                    : "exited with " + relayed.exitCode())
                + (said.isEmpty() ? "" : ": " + said);
        yield new TransferFailedException(
            TransferFailedException.Side.RECEIVER, received, problem, sent, bytes);
      }
    };
  }

  private void report(TransferProgress progress) {
    try {
      listener.onProgress(progress);
    } catch (RuntimeException e) {
      log.warn("progress listener failed; the transfer goes on", e);
    }
  }
}
