package io.zferry.sync.pull;

import io.zferry.snapshot.host.LocalLaunch;
import io.zferry.snapshot.host.RunningCommand;
import io.zferry.snapshot.zfs.DatasetName;
import io.zferry.snapshot.zfs.PropertyName;
import io.zferry.snapshot.zfs.ReceiveSpec;
import io.zferry.snapshot.zfs.ResumeToken;
import io.zferry.snapshot.zfs.SendSpec;
import io.zferry.snapshot.zfs.Zfs;
import io.zferry.sync.transfer.LateEstimate;
import io.zferry.sync.transfer.PipedTransfer;
import io.zferry.sync.transfer.ProgressListener;
import io.zferry.sync.transfer.TransferFailedException;
import io.zferry.sync.transfer.TransferOptions;
import io.zferry.sync.transfer.TransferResult;
import io.zferry.sync.transfer.WireCodec;
import io.zferry.sync.transfer.WireCompression;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams whose send and receive both run as processes of this machine ({@code ssh} and {@code zfs
 * recv}), joined by pipes ({@link PipedTransfer}) and, where {@link WireCompression} chooses,
 * compressed on the wire. A peer that refuses to compress gets the same send plain at once.
 */
final class PipedStreams {
  // A pull logs under one name, so one logger setting covers all of it.
  private static final Logger log = LoggerFactory.getLogger(Puller.class);
  private static final PropertyName COMPRESSION = PropertyName.of("compression");
  private static final PropertyName COMPRESS_RATIO = PropertyName.of("compressratio");

  private final Zfs source;
  private final Zfs target;
  private final DatasetName pool;
  private final Clock clock;
  private final TransferOptions options;
  private final Set<RunningCommand> running;
  private final BooleanSupplier cancelled;

  /**
   * @param running where the processes under way are registered, to be ended by a cancel
   * @param cancelled whether the pull was cancelled meanwhile
   */
  PipedStreams(
      Zfs source,
      Zfs target,
      DatasetName pool,
      Clock clock,
      TransferOptions options,
      Set<RunningCommand> running,
      BooleanSupplier cancelled) {
    this.source = source;
    this.target = target;
    this.pool = pool;
    this.clock = clock;
    this.options = options;
    this.running = running;
    this.cancelled = cancelled;
  }

  /** Whether streams between processes of this machine are joined by pipes. */
  boolean available() {
    return options.relay().isPresent() && source.launchesLocally() && target.launchesLocally();
  }

  /**
   * One send into one receive; the bytes streamed, or empty if a side cannot be launched here (the
   * caller copies then).
   *
   * @param estimate how to learn the size once the stream proves long, from the running sender
   */
  OptionalLong send(
      DatasetName dataset,
      SendSpec send,
      ReceiveSpec receive,
      ProgressListener progress,
      Function<RunningCommand, Optional<LateEstimate>> estimate) {
    WireCompression compression = options.compression();
    boolean raw = send.flags().raw();
    Optional<WireCompression.SourceFacts> facts =
        compression.wantsFacts(dataset, raw) ? facts(dataset) : Optional.empty();
    WireCompression.Choice choice =
        compression.choose(dataset, raw, send.flags().compressed(), facts);
    // The transfer's own log line says what crossed the wire; why, only when asked for.
    log.debug(
        "{}: {} on the wire ({})",
        dataset,
        choice.codec().isPresent() ? "zstd" : "plain",
        choice.why());
    Function<List<String>, Optional<LocalLaunch>> sendLaunch = w -> source.sendLaunch(send, w);
    Optional<TransferResult> result;
    try {
      result = attempt(choice.codec(), receive, sendLaunch, progress, estimate);
    } catch (TransferFailedException e) {
      if (choice.codec().isEmpty() || !compression.peerRefused(e)) {
        throw e;
      }
      return bytes(attempt(Optional.empty(), receive, sendLaunch, progress, estimate));
    }
    result.ifPresent(r -> compression.learn(dataset, r, choice.codec().isPresent()));
    return bytes(result);
  }

  private static OptionalLong bytes(Optional<TransferResult> result) {
    return result.map(r -> OptionalLong.of(r.bytes())).orElse(OptionalLong.empty());
  }

  /**
   * The rest of an interrupted receive ({@code zfs send -t}), plain; the bytes streamed, or empty
   * if a side cannot be launched here. {@code started} runs once the processes run.
   */
  OptionalLong resume(
      ReceiveSpec receive, ResumeToken token, ProgressListener progress, Runnable started) {
    return bytes(
        attempt(
            Optional.empty(),
            receive,
            w -> source.resumeSendLaunch(token, w),
            progress,
            sender -> {
              started.run();
              return Optional.empty();
            }));
  }

  private Optional<TransferResult> attempt(
      Optional<WireCodec> codec,
      ReceiveSpec receive,
      Function<List<String>, Optional<LocalLaunch>> sendLaunch,
      ProgressListener progress,
      Function<RunningCommand, Optional<LateEstimate>> estimate) {
    // The receive is asked for first: asking for the send may leave a ticket on the peer.
    Optional<LocalLaunch> receiving = target.receiveLaunch(receive);
    if (receiving.isEmpty()) {
      return Optional.empty();
    }
    List<String> wrapper = codec.map(c -> List.of(c.remoteWord())).orElse(List.of());
    Optional<LocalLaunch> sending = sendLaunch.apply(wrapper);
    if (sending.isEmpty()) {
      return Optional.empty();
    }
    List<RunningCommand> registered = new ArrayList<>();
    try {
      return Optional.of(
          new PipedTransfer(clock, options, options.relay().orElseThrow(), progress)
              .run(
                  sending.get(),
                  codec,
                  receiving.get(),
                  (sender, receiver) -> {
                    registered.add(sender);
                    registered.add(receiver);
                    running.addAll(registered);
                    if (cancelled.getAsBoolean()) {
                      throw new PullCancelledException(pool);
                    }
                    return estimate.apply(sender);
                  }));
    } finally {
      registered.forEach(running::remove);
    }
  }

  /** What the source's ZFS says of the dataset's data; empty if it could not be read. */
  private Optional<WireCompression.SourceFacts> facts(DatasetName dataset) {
    try {
      Optional<String> compression = source.getProperty(dataset, COMPRESSION);
      if (compression.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(
          WireCompression.SourceFacts.of(
              compression.get(), source.getProperty(dataset, COMPRESS_RATIO)));
    } catch (RuntimeException e) {
      log.debug("{}: compression properties not read: {}", dataset, e.getMessage());
      return Optional.empty();
    }
  }
}
