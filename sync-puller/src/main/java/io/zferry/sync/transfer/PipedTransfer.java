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
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A send joined to a receive by pipes through a {@link StreamRelay}, all processes of this machine
 * ({@code ssh} running the peer's send, {@code pv}, {@code zfs recv}): the bytes never enter the
 * JVM, which supervises. It reads the relay's count for progress and the stall watchdog; the relay
 * applies the bandwidth limit. A stream compressed on the wire ({@link WireCodec}) is decoded on
 * the way, between two relays: the first counts (and limits) the wire's bytes, the second the
 * stream's. The same contract as {@link StreamTransfer}: success only if every process exits 0; a
 * failure names the side that failed first (a receiver that died makes the relay and the sender die
 * of a broken pipe after it, a sender that died ends the receiver's input early, and {@code zfs
 * recv} then keeps nothing partial); no byte moved for the stall timeout kills all three.
 */
public final class PipedTransfer {
  private static final Logger log = LoggerFactory.getLogger(PipedTransfer.class);

  /**
   * How often the JVM looks at the relay's count; a process that ends wakes it at once. Rare, so
   * the JVM's own CPU stays small beside the stream's.
   */
  private static final Duration TICK = Duration.ofMillis(250);

  /** Waiting for a process that has ended: only its stderr is still read. */
  private static final Duration ENDED_AWAIT = Duration.ofSeconds(2);

  /** The relay prints its count this often. */
  private static final Duration COUNT_INTERVAL = Duration.ofMillis(500);

  private static final int SENDER = 0;
  private static final int WIRE_RELAY = 1;

  /** A process killed by SIGPIPE: it wrote into a pipe nobody reads any more. */
  private static final int KILLED_BY_SIGPIPE = 128 + 13;

  /**
   * A sender that exited with one of these never sent: {@code zferry serve} refused the command
   * (77), or it could not be run (126) or found (127). Whatever failed after it failed of it.
   */
  private static final Set<Integer> NEVER_SENT = Set.of(77, 126, 127);

  /**
   * Whether a sender with this exit status never sent a byte (refused, not runnable, not found).
   */
  static boolean neverSent(int exitCode) {
    return NEVER_SENT.contains(exitCode);
  }

  /**
   * How long a sender may still end on its own after the receiving side failed, before it is ended
   * here. Over ssh a sender's stream ends before its exit status arrives, so a receiving side that
   * read the short stream fails first; ending the sender at once would lose why it stopped.
   */
  private static final Duration SENDER_GRACE = Duration.ofSeconds(1);

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
   * Starts the processes and runs the transfer to the end; every process has ended when it returns
   * or throws.
   *
   * @param decoder decodes the stream between the wire and the receive, when the sender compresses
   * @param started called once all processes run
   * @throws TransferFailedException if a process failed; names the side that failed first
   * @throws TransferStalledException if no byte moved for the stall timeout
   * @throws TransferInterruptedException if this thread was interrupted
   */
  public TransferResult run(
      LocalLaunch sender, Optional<WireCodec> decoder, LocalLaunch receiver, Started started) {
    List<LocalLaunch> stages = new ArrayList<>();
    stages.add(sender);
    stages.add(
        LocalLaunch.plain(receiver.host(), relay.argv(options.bandwidthLimit(), COUNT_INTERVAL)));
    if (decoder.isPresent()) {
      stages.add(LocalLaunch.plain(receiver.host(), decoder.get().decoder()));
      stages.add(LocalLaunch.plain(receiver.host(), relay.argv(0, COUNT_INTERVAL)));
    }
    stages.add(receiver);
    Instant start = clock.instant();
    try (LocalPipeline pipeline = LocalPipeline.start(stages)) {
      Stages at = new Stages(stages.size());
      Optional<LateEstimate> lateEstimate;
      try {
        lateEstimate = started.started(pipeline.stage(SENDER), pipeline.stage(at.receiver()));
      } catch (RuntimeException e) {
        pipeline.kill();
        throw e;
      }
      RateEstimator rates =
          new RateEstimator(start, options.estimatedTotalBytes(), options.rateWindow());
      long bytes = supervise(pipeline, at, start, rates, lateEstimate);
      return finish(pipeline, at, start, rates, lateEstimate, bytes);
    }
  }

  /** The same, for a stream that is not compressed on the wire. */
  public TransferResult run(LocalLaunch sender, LocalLaunch receiver, Started started) {
    return run(sender, Optional.empty(), receiver, started);
  }

  /**
   * Where each process sits in the pipeline: sender, wire relay, [decoder, stream relay], receiver.
   */
  private record Stages(int count) {
    int receiver() {
      return count - 1;
    }

    /** The relay that counts the stream's own bytes: after the decoder, if there is one. */
    int streamRelay() {
      return count - 2;
    }

    /** Every stage on the receiving side of the wire, the receiver first. */
    List<Integer> receivingSide() {
      List<Integer> stages = new ArrayList<>();
      for (int i = count - 1; i > SENDER; i--) {
        stages.add(i);
      }
      return stages;
    }
  }

  /** Watches until every process ended; returns the bytes the relay counted so far. */
  private long supervise(
      LocalPipeline pipeline,
      Stages at,
      Instant start,
      RateEstimator rates,
      Optional<LateEstimate> lateEstimate) {
    RunningCommand sender = pipeline.stage(SENDER);
    RunningCommand receiver = pipeline.stage(at.receiver());
    long stallNanos = options.stallTimeout().toNanos();
    long lastMoved = System.nanoTime();
    long bytes = 0;
    long wireSeen = 0;
    Instant firstByte = null;
    Instant nextReport = start.plus(options.progressInterval());
    long receivingFailedAt = 0;
    boolean failureSeen = false;
    while (!pipeline.ended()) {
      long counted = count(pipeline, at.streamRelay());
      long wire = count(pipeline, WIRE_RELAY);
      Instant now = clock.instant();
      if (wire > wireSeen) {
        // Compressed bytes arriving are progress too, while the decoder fills its window.
        wireSeen = wire;
        lastMoved = System.nanoTime();
      }
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
      if (!failureSeen && receivingSideFailedEarly(pipeline, at)) {
        failureSeen = true;
        receivingFailedAt = System.nanoTime();
      }
      if (failureSeen
          && !senderEndedForReceiver
          && pipeline.endedAt(SENDER).isEmpty()
          && System.nanoTime() - receivingFailedAt >= SENDER_GRACE.toNanos()) {
        // The sender would only learn of it by a broken pipe; end it now.
        senderEndedForReceiver = true;
        pipeline.kill();
      }
      if (System.nanoTime() - lastMoved > stallNanos) {
        log.warn(
            "transfer '{}' on {} -> '{}' on {} stalled; killing every process of it",
            sender.command(),
            sender.host(),
            receiver.command(),
            receiver.host());
        pipeline.kill();
        throw TransferEndings.stalled(options.stallTimeout(), sender, receiver, bytes);
      }
      try {
        pipeline.awaitAnEnd(TICK);
      } catch (InterruptedException e) {
        pipeline.kill();
        Thread.currentThread().interrupt();
        throw TransferEndings.interrupted(sender, receiver, bytes, e);
      }
    }
    return bytes;
  }

  private static long count(LocalPipeline pipeline, int relay) {
    return StreamRelay.latestCount(pipeline.stage(relay).stderrSoFar()).orElse(0);
  }

  /** A process on the receiving side ended with a failure while the sender still runs. */
  private static boolean receivingSideFailedEarly(LocalPipeline pipeline, Stages at) {
    if (pipeline.endedAt(SENDER).isPresent()) {
      return false;
    }
    for (int stage : at.receivingSide()) {
      if (pipeline.endedAt(stage).isPresent()
          && !TransferEndings.awaitQuietly(pipeline.stage(stage), ENDED_AWAIT).succeeded()) {
        return true;
      }
    }
    return false;
  }

  private TransferResult finish(
      LocalPipeline pipeline,
      Stages at,
      Instant start,
      RateEstimator rates,
      Optional<LateEstimate> lateEstimate,
      long counted) {
    List<CommandResult> results = new ArrayList<>();
    for (RunningCommand stage : pipeline.stages()) {
      results.add(TransferEndings.awaitQuietly(stage, options.completionTimeout()));
    }
    long bytes = Math.max(counted, count(pipeline, at.streamRelay()));
    long wireBytes = count(pipeline, WIRE_RELAY);
    Optional<Integer> culprit = culprit(pipeline, at, results);
    if (culprit.isPresent()) {
      throw failed(pipeline, at, culprit.get(), results, bytes);
    }
    Instant finished = clock.instant();
    lateEstimate.ifPresent(estimate -> rates.learnTotal(estimate.total()));
    report(rates.finish(finished, bytes));
    TransferResult result = new TransferResult(bytes, Duration.between(start, finished), wireBytes);
    log.debug(
        "piped transfer '{}' -> '{}' done: {}",
        results.get(SENDER).command(),
        results.get(at.receiver()).command(),
        result);
    return result;
  }

  /**
   * The stage whose failure failed the transfer; empty if all succeeded. When the sender and the
   * receiving side both failed, one failure caused the other: a receiver that died first breaks the
   * pipe, so the sender dies of it (or was ended here, on seeing the receiver's failure); a sender
   * that died first ends the receiver's input early, and the receiver fails after it.
   */
  private Optional<Integer> culprit(
      LocalPipeline pipeline, Stages at, List<CommandResult> results) {
    boolean senderFailed = !results.get(SENDER).succeeded();
    Optional<Integer> receiverSide =
        at.receivingSide().stream().filter(s -> !results.get(s).succeeded()).findFirst();
    if (receiverSide.isEmpty()) {
      return senderFailed ? Optional.of(SENDER) : Optional.empty();
    }
    if (senderFailed && !senderEndedForReceiver && neverSent(results.get(SENDER).exitCode())) {
      return Optional.of(SENDER);
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
      LocalPipeline pipeline, Stages at, int stage, List<CommandResult> results, long bytes) {
    CommandResult sent = results.get(SENDER);
    CommandResult received = results.get(at.receiver());
    if (stage == SENDER) {
      return new TransferFailedException(
          TransferFailedException.Side.SENDER, sent, null, received, bytes);
    }
    if (stage == at.receiver()) {
      return new TransferFailedException(
          TransferFailedException.Side.RECEIVER, received, null, sent, bytes);
    }
    // A relay or the decoder between them.
    CommandResult between = results.get(stage);
    String said = StreamRelay.messages(between.stderr()).strip();
    String problem =
        "'"
            + between.command()
            + "' between them "
            + (between.exitCode() < 0
                ? "ended without an exit status"
                : "exited with " + between.exitCode())
            + (said.isEmpty() ? "" : ": " + said);
    return new TransferFailedException(
        TransferFailedException.Side.RECEIVER, received, problem, sent, bytes);
  }

  private void report(TransferProgress progress) {
    try {
      listener.onProgress(progress);
    } catch (RuntimeException e) {
      log.warn("progress listener failed; the transfer goes on", e);
    }
  }
}
