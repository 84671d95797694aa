package io.zferry.sync.transfer;

import java.time.Duration;

/**
 * A completed transfer: both commands exited 0 after {@code bytes} bytes of stream.
 *
 * @param wireBytes what crossed the wire: fewer than {@code bytes} when it was compressed
 */
public record TransferResult(long bytes, Duration elapsed, long wireBytes) {
  public TransferResult(long bytes, Duration elapsed) {
    this(bytes, elapsed, bytes);
  }

  /** Wire bytes per stream byte: below 1 when compression paid. */
  public double wireRatio() {
    return bytes <= 0 ? 1.0 : (double) wireBytes / bytes;
  }

  /** Average bytes per second over the whole transfer. */
  public double bytesPerSecond() {
    long nanos = elapsed.toNanos();
    return nanos <= 0 ? 0.0 : bytes * 1e9 / nanos;
  }

  @Override
  public String toString() {
    return Units.bytes(bytes)
        + " in "
        + Units.duration(elapsed)
        + " ("
        + Units.rate(bytesPerSecond())
        + (wireBytes == bytes ? "" : ", " + Units.bytes(wireBytes) + " on the wire")
        + ")";
  }
}
