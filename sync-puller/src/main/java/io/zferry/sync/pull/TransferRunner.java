package io.zferry.sync.pull;

import io.zferry.snapshot.host.RunningCommand;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.ReceiveSpec;
import io.zferry.snapshot.zfs.ResumeToken;
import io.zferry.snapshot.zfs.SendSpec;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.transfer.LateEstimate;
import io.zferry.sync.transfer.ProgressListener;
import io.zferry.sync.transfer.StreamTransfer;
import io.zferry.sync.transfer.TransferException;
import io.zferry.sync.transfer.TransferOptions;
import io.zferry.sync.transfer.TransferProgress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one send on the source into one receive on the target, reporting progress, and kills
 * whatever runs when the pull is cancelled from another thread.
 */
final class TransferRunner {
  // A pull logs under one name, so one logger setting covers all of it.
  private static final Logger log = LoggerFactory.getLogger(Puller.class);
  private static final Duration PROGRESS_LOG_INTERVAL = Duration.ofSeconds(10);

  /** A stream still running after this long, or this large, gets a size estimate ({@code -nP}). */
  private static final Duration ESTIMATE_AFTER_STREAMING = Duration.ofSeconds(2);

  private static final long ESTIMATE_AFTER_BYTES = 64L * 1024 * 1024;

  private final Zfs source;
  private final Zfs target;
  private final DatasetName pool;
  private final Clock clock;
  private final TransferOptions transferOptions;
  private final TransferActivity.Listener activity;
  private final Set<RunningCommand> running = ConcurrentHashMap.newKeySet();
  private final PipedStreams piped;
  private volatile boolean cancelled;

  TransferRunner(
      Zfs source,
      Zfs target,
      DatasetName pool,
      Clock clock,
      TransferOptions transferOptions,
      TransferActivity.Listener activity) {
    this.source = source;
    this.target = target;
    this.pool = pool;
    this.clock = clock;
    this.transferOptions = transferOptions;
    this.activity = activity;
    this.piped =
        new PipedStreams(source, target, pool, clock, transferOptions, running, () -> cancelled);
  }

  /** Stops for good: the transfer under way is killed on both sides. */
  void cancel() {
    cancelled = true;
    for (RunningCommand command : running) {
      command.close();
    }
  }

  void checkNotCancelled() {
    if (cancelled) {
      throw new PullCancelledException(pool);
    }
  }

  /** One send into one receive; returns the bytes streamed. */
  long run(DatasetName dataset, String description, SendSpec send, ReceiveSpec receive) {
    ProgressLog progressLog = new ProgressLog(dataset, description);
    log.info("{}: {}", dataset, description);
    checkNotCancelled();
    ReceiveSpec supported = receive.supportedBy(target.capabilities());
    if (piped.available()) {
      OptionalLong streamed =
          piped(
              () ->
                  piped.send(
                      dataset,
                      send,
                      supported,
                      progressLog,
                      sender ->
                          Optional.of(
                              new LateEstimate(
                                  () -> estimate(send, sender),
                                  ESTIMATE_AFTER_STREAMING,
                                  ESTIMATE_AFTER_BYTES))));
      if (streamed.isPresent()) {
        return streamed.getAsLong();
      }
    }
    try (RunningCommand sender = source.send(send);
        RunningCommand receiver = target.receive(supported)) {
      // The size is looked at only if the stream proves long. The send's own announcement costs
      // nothing; asking the peer (zfs send -nP) starts a JVM there, and most cycles move a few kB.
      LateEstimate estimate =
          new LateEstimate(
              () -> estimate(send, sender), ESTIMATE_AFTER_STREAMING, ESTIMATE_AFTER_BYTES);
      running.add(sender);
      running.add(receiver);
      try {
        if (cancelled) {
          throw new PullCancelledException(pool);
        }
        return new StreamTransfer(clock, transferOptions, progressLog)
            .withLateEstimate(estimate)
            .run(sender, receiver)
            .bytes();
      } catch (TransferException e) {
        checkNotCancelled();
        throw e;
      } finally {
        running.remove(sender);
        running.remove(receiver);
      }
    }
  }

  /**
   * The rest of an interrupted receive ({@code zfs send -t}); returns the bytes streamed. {@code
   * started} runs once both commands run.
   */
  long resume(DatasetName dataset, ResumeToken token, Runnable started) {
    checkNotCancelled();
    ProgressLog progressLog = new ProgressLog(dataset, "resume");
    // Unmounted, as every receive on OpenZFS: a resumed bootstrap of a new dataset, mounted where
    // it lands, would need a directory in the passive's read-only root.
    ReceiveSpec receive =
        ReceiveSpec.into(dataset).resumably().unmounted().supportedBy(target.capabilities());
    if (piped.available()) {
      OptionalLong streamed = piped(() -> piped.resume(receive, token, progressLog, started));
      if (streamed.isPresent()) {
        return streamed.getAsLong();
      }
    }
    try (RunningCommand sender = source.resumeSend(token);
        RunningCommand receiver = target.receive(receive)) {
      running.add(sender);
      running.add(receiver);
      try {
        started.run();
        return new StreamTransfer(clock, transferOptions, progressLog)
            .run(sender, receiver)
            .bytes();
      } finally {
        running.remove(sender);
        running.remove(receiver);
      }
    }
  }

  /** A piped stream; a failure after a cancel is the cancel. */
  private OptionalLong piped(Supplier<OptionalLong> stream) {
    try {
      return stream.get();
    } catch (TransferException e) {
      checkNotCancelled();
      throw e;
    }
  }

  private OptionalLong estimate(SendSpec send, RunningCommand sender) {
    try {
      OptionalLong announced = source.announcedSendSize(sender);
      return announced.isPresent() ? announced : source.estimateSendSize(send);
    } catch (RuntimeException e) {
      log.debug("no size estimate for {}: {}", send.to(), e.getMessage());
      return OptionalLong.empty();
    }
  }

  /** Forwards progress to the listener and logs it now and then. */
  private final class ProgressLog implements ProgressListener {
    private final DatasetName dataset;
    private final String description;
    private Instant lastLogged;

    ProgressLog(DatasetName dataset, String description) {
      this.dataset = dataset;
      this.description = description;
    }

    @Override
    public void onProgress(TransferProgress progress) {
      activity.onActivity(new TransferActivity(dataset, description, progress));
      Instant now = clock.instant();
      if (progress.finished()
          || lastLogged == null
          || Duration.between(lastLogged, now).compareTo(PROGRESS_LOG_INTERVAL) >= 0) {
        lastLogged = now;
        log.info("{}: {}", dataset, progress);
      }
    }
  }
}
