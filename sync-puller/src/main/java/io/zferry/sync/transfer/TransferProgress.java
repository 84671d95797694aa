package io.zferry.sync.transfer;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A snapshot of a running (or just finished) stream transfer.
 *
 * @param bytesDone bytes copied so far
 * @param estimatedTotalBytes the expected size (e.g. from {@code zfs send -nP}), or {@link
 *     #UNKNOWN}
 * @param bytesPerSecond the rate over the recent window while running; the average over the whole
 *     transfer once finished
 * @param eta time left at the current rate; empty when the total is unknown, the rate is zero, or
 *     the estimate was already exceeded
 * @param elapsed time since the transfer started
 * @param finished whether this is the final report of a transfer that completed
 */
public record TransferProgress(
    long bytesDone,
    long estimatedTotalBytes,
    double bytesPerSecond,
    Optional<Duration> eta,
    Duration elapsed,
    boolean finished) {

  public static final long UNKNOWN = -1;

  public TransferProgress {
    Objects.requireNonNull(eta, "eta");
    Objects.requireNonNull(elapsed, "elapsed");
    if (bytesDone < 0) {
      throw new IllegalArgumentException("bytesDone must not be negative");
    }
    if (estimatedTotalBytes < UNKNOWN) {
      throw new IllegalArgumentException("estimatedTotalBytes must be -1 (unknown) or more");
    }
  }

  /** Share done, between 0 and 1; empty when the total is unknown. */
  public OptionalDouble fraction() {
    if (estimatedTotalBytes < 0) {
      return OptionalDouble.empty();
    }
    if (estimatedTotalBytes == 0) {
      return OptionalDouble.of(1.0);
    }
    return OptionalDouble.of(Math.min(1.0, (double) bytesDone / estimatedTotalBytes));
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(Units.bytes(bytesDone));
    if (estimatedTotalBytes >= 0 && bytesDone > estimatedTotalBytes) {
      // zfs send -nP estimates the data, not the stream's records (312 bytes each): a small
      // incremental always sends more than estimated, which "of ~" would show as a fault.
      out.append(" (estimated ~").append(Units.bytes(estimatedTotalBytes)).append(')');
    } else if (estimatedTotalBytes >= 0) {
      out.append(" of ~").append(Units.bytes(estimatedTotalBytes));
      out.append(String.format(java.util.Locale.ROOT, " (%.0f %%)", fraction().orElse(0) * 100));
    }
    out.append(", ").append(Units.rate(bytesPerSecond));
    out.append(", ").append(Units.duration(elapsed)).append(" elapsed");
    eta.ifPresent(left -> out.append(", ").append(Units.duration(left)).append(" left"));
    if (finished) {
      out.append(", finished");
    }
    return out.toString();
  }
}
