package io.zferry.sync.transfer;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How one stream transfer runs.
 *
 * @param estimatedTotalBytes expected size for percentage and ETA, or {@link
 *     TransferProgress#UNKNOWN}
 * @param bandwidthLimit bytes per second, or 0 for no limit
 * @param stallTimeout no byte moved for this long means the transfer hangs: both commands are
 *     killed (lab notes: an sshj channel once hung for good, and a peer can vanish silently)
 * @param completionTimeout how long each command may take to exit once the stream ended (a {@code
 *     zfs recv} still commits after its input ended)
 * @param progressInterval the least time between two progress reports
 * @param rateWindow how far back the reported rate looks
 * @param relay joins a send to a receive by pipes through this program when both run as processes
 *     of this machine ({@link PipedTransfer}); empty to copy every byte in the JVM ({@link
 *     StreamTransfer})
 * @param compression when a piped stream is compressed on the wire
 */
public record TransferOptions(
    long estimatedTotalBytes,
    long bandwidthLimit,
    Duration stallTimeout,
    Duration completionTimeout,
    Duration progressInterval,
    Duration rateWindow,
    Optional<StreamRelay> relay,
    WireCompression compression) {

  public TransferOptions {
    if (estimatedTotalBytes < TransferProgress.UNKNOWN) {
      throw new IllegalArgumentException("estimatedTotalBytes must be -1 (unknown) or more");
    }
    if (bandwidthLimit < 0) {
      throw new IllegalArgumentException("bandwidthLimit must be 0 (none) or positive");
    }
    requirePositive("stallTimeout", stallTimeout);
    requirePositive("completionTimeout", completionTimeout);
    requirePositive("progressInterval", progressInterval);
    requirePositive("rateWindow", rateWindow);
    Objects.requireNonNull(relay, "relay");
    Objects.requireNonNull(compression, "compression");
  }

  /**
   * Unknown size, no limit, 60 s stall timeout, 10 min to finish, reports every second, every byte
   * copied in the JVM.
   */
  public static TransferOptions defaults() {
    return new TransferOptions(
        TransferProgress.UNKNOWN,
        0,
        Duration.ofSeconds(60),
        Duration.ofMinutes(10),
        Duration.ofSeconds(1),
        Duration.ofSeconds(10),
        Optional.empty(),
        WireCompression.OFF);
  }

  public TransferOptions withEstimatedTotalBytes(long bytes) {
    return new TransferOptions(
        bytes,
        bandwidthLimit,
        stallTimeout,
        completionTimeout,
        progressInterval,
        rateWindow,
        relay,
        compression);
  }

  public TransferOptions withBandwidthLimit(long bytesPerSecond) {
    return new TransferOptions(
        estimatedTotalBytes,
        bytesPerSecond,
        stallTimeout,
        completionTimeout,
        progressInterval,
        rateWindow,
        relay,
        compression);
  }

  public TransferOptions withStallTimeout(Duration timeout) {
    return new TransferOptions(
        estimatedTotalBytes,
        bandwidthLimit,
        timeout,
        completionTimeout,
        progressInterval,
        rateWindow,
        relay,
        compression);
  }

  public TransferOptions withCompletionTimeout(Duration timeout) {
    return new TransferOptions(
        estimatedTotalBytes,
        bandwidthLimit,
        stallTimeout,
        timeout,
        progressInterval,
        rateWindow,
        relay,
        compression);
  }

  /** Sends and receives that run as processes here are joined through {@code relay}. */
  public TransferOptions withRelay(StreamRelay relay) {
    return new TransferOptions(
        estimatedTotalBytes,
        bandwidthLimit,
        stallTimeout,
        completionTimeout,
        progressInterval,
        rateWindow,
        Optional.of(relay),
        compression);
  }

  /** Piped streams are compressed on the wire as {@code compression} decides. */
  public TransferOptions withCompression(WireCompression compression) {
    return new TransferOptions(
        estimatedTotalBytes,
        bandwidthLimit,
        stallTimeout,
        completionTimeout,
        progressInterval,
        rateWindow,
        relay,
        compression);
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
