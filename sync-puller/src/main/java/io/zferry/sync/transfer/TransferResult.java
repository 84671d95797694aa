package io.zferry.sync.transfer;

import java.time.Duration;

/** A completed transfer: both commands exited 0 after {@code bytes} bytes. */
public record TransferResult(long bytes, Duration elapsed) {
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
        + ")";
  }
}
