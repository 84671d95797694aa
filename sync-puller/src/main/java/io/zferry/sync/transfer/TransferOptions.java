package io.zferry.sync.transfer;

import java.time.Duration;
import java.util.Objects;

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
 */
public record TransferOptions(
    long estimatedTotalBytes,
    long bandwidthLimit,
    Duration stallTimeout,
    Duration completionTimeout,
    Duration progressInterval,
    Duration rateWindow) {

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
  }

  /** Unknown size, no limit, 60 s stall timeout, 10 min to finish, reports every second. */
  public static TransferOptions defaults() {
    return new TransferOptions(
        TransferProgress.UNKNOWN,
        0,
        Duration.ofSeconds(60),
        Duration.ofMinutes(10),
        Duration.ofSeconds(1),
        Duration.ofSeconds(10));
  }

  public TransferOptions withEstimatedTotalBytes(long bytes) {
    return new TransferOptions(
        bytes, bandwidthLimit, stallTimeout, completionTimeout, progressInterval, rateWindow);
  }

  public TransferOptions withBandwidthLimit(long bytesPerSecond) {
    return new TransferOptions(
        estimatedTotalBytes,
        bytesPerSecond,
        stallTimeout,
        completionTimeout,
        progressInterval,
        rateWindow);
  }

  public TransferOptions withStallTimeout(Duration timeout) {
    return new TransferOptions(
        estimatedTotalBytes,
        bandwidthLimit,
        timeout,
        completionTimeout,
        progressInterval,
        rateWindow);
  }

  public TransferOptions withCompletionTimeout(Duration timeout) {
    return new TransferOptions(
        estimatedTotalBytes, bandwidthLimit, stallTimeout, timeout, progressInterval, rateWindow);
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
